"""Reliability: real replies, concurrent processes, killed workers and commands, full disks, bad archives."""
import codecs
import csv
import os
import signal
import subprocess
import sys
import time

import pytest

import caretag
from caretag import ArchiveError
from caretag.batch import label_file


def _write_csv(path, rows, header=("id", "reply")):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture(scope="module")
def big_archive(tmp_path_factory, corpus):
    path = tmp_path_factory.mktemp("big") / "in.csv"
    texts = corpus.texts
    return _write_csv(path, [(i, texts[i % len(texts)]) for i in range(4000)])


def _command(source, out, *extra):
    return [sys.executable, "-m", "caretag", "label", str(source), "-o", str(out), "--text-column", "reply",
            "--chunk-rows", "100", "--quiet", *extra]


# --- real replies --------------------------------------------------------------------------------------
def test_every_real_reply_is_classified_and_none_flagged_unless_empty(realworld_texts):
    predictions = caretag.classify_many(realworld_texts)
    assert len(predictions) == len(realworld_texts)
    flagged = [t for t, p in zip(realworld_texts, predictions) if not p.usable]
    assert all(not t.strip() for t in flagged)
    assert all(p.label in ("service", "care") and 0 <= p.care_score <= 1 for p in predictions if p.usable)


def test_every_real_reply_goes_through_the_label_command(realworld_texts, tmp_path):
    source = _write_csv(tmp_path / "real.csv", list(enumerate(realworld_texts)))
    subprocess.run(_command(source, tmp_path / "out.csv", "--jobs", "2"), check=True, capture_output=True)
    with open(tmp_path / "out.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["reply"] for r in rows] == realworld_texts
    assert all(r["caretag_label"] in ("service", "care") for r in rows if r["reply"].strip())


# --- concurrency ----------------------------------------------------------------------------------------
def test_two_processes_labelling_different_files_do_not_interfere(big_archive, corpus, tmp_path):
    other = _write_csv(tmp_path / "other.csv", [(i, t) for i, t in enumerate(reversed(corpus.texts[:3000]))])
    alone = [tmp_path / "a_alone.csv", tmp_path / "b_alone.csv"]
    for source, out in zip((big_archive, other), alone):
        label_file(str(source), str(out), text_column="reply", jobs=1, progress=False, chunk_rows=100)
    runs = [subprocess.Popen(_command(source, tmp_path / f"{name}_together.csv", "--jobs", "1"))
            for source, name in ((big_archive, "a"), (other, "b"))]
    assert [p.wait(timeout=300) for p in runs] == [0, 0]
    assert (tmp_path / "a_together.csv").read_bytes() == alone[0].read_bytes()
    assert (tmp_path / "b_together.csv").read_bytes() == alone[1].read_bytes()


# --- faults in batch jobs -----------------------------------------------------------------------------
def _wait_for(path, process, seconds=60):
    deadline = time.time() + seconds
    while not path.exists() and time.time() < deadline and process.poll() is None:
        time.sleep(0.02)


@pytest.fixture(scope="module")
def reference_output(big_archive, tmp_path_factory):
    out = tmp_path_factory.mktemp("ref") / "out.csv"
    subprocess.run(_command(big_archive, out, "--jobs", "1"), check=True, capture_output=True)
    return out.read_bytes()


def test_sigkill_of_the_whole_command_then_resume(big_archive, reference_output, tmp_path):
    out = tmp_path / "out.csv"
    with subprocess.Popen(_command(big_archive, out, "--jobs", "1"), stderr=subprocess.DEVNULL) as process:
        _wait_for(tmp_path / ".out.csv.caretag-checkpoint.json", process)
        time.sleep(0.2)
        process.kill()
    if process.returncode == 0:
        pytest.skip("finished before the kill")
    assert not out.exists()
    subprocess.run(_command(big_archive, out, "--jobs", "1", "--resume"), check=True, capture_output=True)
    assert out.read_bytes() == reference_output


def test_killed_worker_process_fails_clearly_then_resume(big_archive, reference_output, tmp_path):
    psutil = pytest.importorskip("psutil")
    out = tmp_path / "out.csv"
    with subprocess.Popen(_command(big_archive, out, "--jobs", "2"), stderr=subprocess.PIPE) as process:
        _wait_for(tmp_path / ".out.csv.caretag-checkpoint.json", process)
        workers = psutil.Process(process.pid).children()
        if not workers or process.poll() is not None:
            process.kill()
            pytest.skip("no worker to kill")
        os.kill(workers[0].pid, signal.SIGKILL)
        stderr = process.communicate(timeout=120)[1].decode()
    if process.returncode == 0:
        pytest.skip("finished before the worker died")
    assert process.returncode == 2 and "worker process died" in stderr and "--resume" in stderr
    assert not out.exists()
    subprocess.run(_command(big_archive, out, "--jobs", "2", "--resume"), check=True, capture_output=True)
    assert out.read_bytes() == reference_output


def test_full_disk_is_a_clear_error_and_leaves_nothing(big_archive, tmp_path, monkeypatch):
    from caretag import batch

    written = []

    def fsync_until_full(fd):
        written.append(fd)
        if len(written) > 3:
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(batch.os, "fsync", fsync_until_full)
    out = tmp_path / "out.csv"
    with pytest.raises(ArchiveError, match="No space left on device"):
        label_file(str(big_archive), str(out), text_column="reply", jobs=1, progress=False, chunk_rows=100)
    assert not out.exists()


def test_output_directory_that_cannot_be_written(big_archive, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(ArchiveError, match="cannot write"):
        label_file(str(big_archive), str(blocker / "out.csv"), text_column="reply", jobs=1, progress=False)


# --- bad archives --------------------------------------------------------------------------------------
def _label_rows(path, tmp_path, **options):
    out = tmp_path / ("out" + "".join(path.suffixes))
    summary = label_file(str(path), str(out), text_column="reply", jobs=1, progress=False, **options)
    with open(out, encoding="utf-8", newline="") as handle:
        return summary, list(csv.reader(handle))


def test_bom_is_skipped(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(codecs.BOM_UTF8 + "reply,id\nPaket sudah dikirim,1\n".encode())
    _, rows = _label_rows(path, tmp_path)
    assert rows[0][:2] == ["reply", "id"] and rows[1][2] in ("service", "care")


def test_mixed_line_endings_and_quotes(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes(b'id,reply\r\n1,"Kak, ""resi"" sudah ada\r\nbaris dua"\n2,Siap kak\r3,Oke\r\n')
    summary, rows = _label_rows(path, tmp_path)
    assert [r[0] for r in rows[1:]] == ["1", "2", "3"] and summary.rows == 3
    assert rows[1][1] == 'Kak, "resi" sudah ada\r\nbaris dua'


def test_ten_megabytes_in_one_field(tmp_path):
    path = _write_csv(tmp_path / "huge.csv", [(1, "paket sudah dikirim " * 520_000), (2, "oke")])
    summary, rows = _label_rows(path, tmp_path)
    assert len(rows[1][1]) > 10_000_000 and rows[1][2] in ("service", "care") and summary.rows == 2


def test_a_hundred_thousand_columns(tmp_path):
    header = [f"c{i}" for i in range(100_000)] + ["reply"]
    path = _write_csv(tmp_path / "wide.csv", [[str(i) for i in range(100_000)] + ["Paket sudah dikirim"]],
                      header=header)
    _, rows = _label_rows(path, tmp_path)
    assert len(rows[0]) == 100_004 and rows[1][99_999] == "99999" and rows[1][100_001] in ("service", "care")


def test_empty_file_is_a_clear_error(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(ArchiveError, match="empty"):
        label_file(str(path), str(tmp_path / "o.csv"), text_column="reply", jobs=1, progress=False)
    assert not (tmp_path / "o.csv").exists()


def test_header_only_gives_header_only(tmp_path):
    path = tmp_path / "header.csv"
    path.write_text("id,reply\n", encoding="utf-8")
    summary, rows = _label_rows(path, tmp_path)
    assert rows == [["id", "reply", "caretag_label", "caretag_care_score", "caretag_flag"]] and summary.rows == 0


def test_wrong_encoding_with_the_right_option(tmp_path):
    path = tmp_path / "cp1252.csv"
    path.write_bytes("id,reply\n1,“Terima kasih” sudah menunggu\n".encode("cp1252"))
    with pytest.raises(ArchiveError, match="line 2.*--encoding"):
        _label_rows(path, tmp_path)
    _, rows = _label_rows(path, tmp_path, encoding="cp1252")
    assert rows[1][1] == "“Terima kasih” sudah menunggu"
