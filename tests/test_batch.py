"""caretag label: streaming, order, every row kept, formats, bad input, interruption and resume."""
import csv
import gzip
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from caretag import ArchiveError
from caretag.batch import label_file
from caretag.cli import main

HEADER = ["ticket_id", "agent", "created_at", "agent_reply", "note"]


@pytest.fixture(scope="module")
def archive(tmp_path_factory, test_split):
    path = tmp_path_factory.mktemp("archive") / "tickets.csv"
    rows = [[f"T{i:05d}", f"agent{i % 4}", f"2025-0{1 + i % 6}-15T09:00:00", text, 'kutip "ini", koma']
            for i, text in enumerate(test_split.texts[j % len(test_split.texts)] for j in range(2500))]
    rows[7][3] = ""
    rows[8][3] = "   "
    rows[9][3] = "<p>Terima kasih,<br>paket <b>sudah</b> dikirim.</p>"
    rows[10][3] = "baris satu\nbaris dua, dengan koma"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def _read(path):
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_every_row_and_column_kept_in_order(archive, tmp_path):
    out = tmp_path / "out.csv"
    summary = label_file(str(archive), str(out), text_column="agent_reply", jobs=1, progress=False)
    source, result = _read(archive), _read(out)
    assert result[0] == HEADER + ["caretag_label", "caretag_care_score", "caretag_flag"]
    assert len(result) == len(source)
    for before, after in zip(source[1:], result[1:]):
        assert after[:5] == before
        label, score, flag = after[5:]
        if flag:
            assert (label, score) == ("", "")
        else:
            assert label in ("service", "care") and 0 <= float(score) <= 1
    assert [r[7] for r in result[8:10]] == ["empty_text", "empty_text"]
    assert result[10][7] == "" and result[11][7] == ""
    assert summary.rows == 2500 and summary.flagged == 2 and summary.care + summary.service == 2498


def test_two_jobs_give_the_same_bytes_as_one(archive, tmp_path):
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    label_file(str(archive), str(one), text_column="agent_reply", jobs=1, progress=False, chunk_rows=300)
    label_file(str(archive), str(two), text_column="agent_reply", jobs=2, progress=False, chunk_rows=300)
    assert one.read_bytes() == two.read_bytes()


def test_scores_match_the_api(archive, tmp_path):
    import caretag

    out = tmp_path / "out.csv"
    label_file(str(archive), str(out), text_column="agent_reply", jobs=1, progress=False)
    rows = _read(out)[1:60]
    predictions = caretag.classify_many([r[3] for r in rows])
    for row, prediction in zip(rows, predictions):
        assert row[5] == (prediction.label or "")
        if prediction.usable:
            assert abs(float(row[6]) - prediction.care_score) < 1e-4


def test_gzip_in_and_out(archive, tmp_path):
    gz_in = tmp_path / "tickets.csv.gz"
    gz_in.write_bytes(gzip.compress(archive.read_bytes()))
    label_file(str(gz_in), str(tmp_path / "out.csv.gz"), text_column="agent_reply", jobs=1, progress=False)
    label_file(str(archive), str(tmp_path / "plain.csv"), text_column="agent_reply", jobs=1, progress=False)
    assert _read(tmp_path / "out.csv.gz") == _read(tmp_path / "plain.csv")


def test_tsv(tmp_path):
    path = tmp_path / "t.tsv"
    path.write_text("id\treply\n1\tPaket sudah dikirim ya kak\n2\t\n", encoding="utf-8")
    label_file(str(path), str(tmp_path / "o.tsv"), text_column="reply", jobs=1, progress=False)
    lines = (tmp_path / "o.tsv").read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t") == ["id", "reply", "caretag_label", "caretag_care_score", "caretag_flag"]
    assert lines[2].split("\t")[-1] == "empty_text"


def test_stdin_to_stdout_with_the_installed_command(archive):
    small = b"".join(archive.read_bytes().splitlines(keepends=True)[:40])
    done = subprocess.run([sys.executable, "-m", "caretag", "label", "-", "--format", "csv", "--text-column",
                           "agent_reply", "--jobs", "1"], input=small, capture_output=True, check=True)
    rows = list(csv.reader(io.StringIO(done.stdout.decode("utf-8"))))
    assert rows[0][-3:] == ["caretag_label", "caretag_care_score", "caretag_flag"]
    assert len(rows) == len(list(csv.reader(io.StringIO(small.decode("utf-8")))))
    assert b"\r" not in done.stderr and b"rows:" in done.stderr  # no progress bar when not a terminal


def test_jsonl_with_nested_fields_and_bad_lines(tmp_path):
    path = tmp_path / "t.jsonl"
    lines = [
        {"id": 1, "ticket": {"reply": {"text": "Refund sudah kami proses ya kak"}}, "tags": ["a", "b"]},
        {"id": 2, "ticket": {"reply": {"text": None}}},
        {"id": 3, "ticket": {"reply": {"text": 42}}},
        {"id": 4, "ticket": {}},
        {"id": 5, "ticket": {"reply": {"text": "   "}}},
    ]
    body = "\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n{not json\n[1, 2]\n"
    path.write_text(body, encoding="utf-8")
    label_file(str(path), str(tmp_path / "o.jsonl"), text_column="ticket.reply.text", jobs=1, progress=False)
    out = [json.loads(x) for x in (tmp_path / "o.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(out) == 7
    assert out[0]["tags"] == ["a", "b"] and out[0]["caretag_label"] in ("service", "care")
    assert [o["caretag_flag"] for o in out[1:5]] == ["empty_text", "not_text", "missing_column", "empty_text"]
    assert out[5]["caretag_flag"].startswith("invalid_json: line 6") and out[5]["caretag_raw"] == "{not json"
    assert out[6]["caretag_flag"].startswith("not_an_object") and out[6]["caretag_label"] is None


def test_missing_text_column_names_the_existing_ones(archive, tmp_path):
    with pytest.raises(ArchiveError, match="no column 'reply'.*ticket_id, agent, created_at, agent_reply, note"):
        label_file(str(archive), str(tmp_path / "o.csv"), text_column="reply", jobs=1, progress=False)
    assert not (tmp_path / "o.csv").exists()


def test_unknown_format_names_the_supported_ones(tmp_path):
    path = tmp_path / "t.xlsx"
    path.write_text("x")
    with pytest.raises(ArchiveError, match="csv, tsv, jsonl"):
        label_file(str(path), str(tmp_path / "o.csv"), text_column="x", jobs=1, progress=False)
    assert main(["label", str(path), "-o", str(tmp_path / "o.csv"), "--text-column", "x"]) == 2


def test_undecodable_bytes_name_the_line_and_suggest_encoding(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("id,reply\n1,ok\n2,ok\n3,caf\xe9 sudah\n".encode("latin-1"))
    with pytest.raises(ArchiveError, match=r"line 4.*--encoding"):
        label_file(str(path), str(tmp_path / "o.csv"), text_column="reply", jobs=1, progress=False)
    assert not list(tmp_path.glob("o.csv*")) and not list(tmp_path.glob(".o.csv*"))
    label_file(str(path), str(tmp_path / "o.csv"), text_column="reply", jobs=1, progress=False,
               encoding="latin-1")
    assert _read(tmp_path / "o.csv")[3][1] == "café sudah"


def test_ragged_row_is_flagged_with_its_line_and_kept(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("id,reply,x\n1,Paket sudah dikirim,a\n2,pendek\n3,a,b,c,d\n", encoding="utf-8")
    label_file(str(path), str(tmp_path / "o.csv"), text_column="reply", jobs=1, progress=False)
    rows = _read(tmp_path / "o.csv")
    assert rows[2][:3] == ["2", "pendek", ""] and rows[2][-1].startswith("ragged_row: line 3")
    assert rows[3][:3] == ["3", "a", "b,c,d"] and rows[3][-1].startswith("ragged_row: line 4")


def _label_command(archive, out, *extra):
    return [sys.executable, "-m", "caretag", "label", str(archive), "-o", str(out), "--text-column",
            "agent_reply", "--jobs", "1", "--chunk-rows", "100", *extra]


@pytest.mark.parametrize("suffix", [".csv", ".csv.gz"])
def test_sigterm_stops_cleanly_and_resume_gives_identical_bytes(archive, tmp_path, suffix):
    reference = tmp_path / f"reference{suffix}"
    subprocess.run(_label_command(archive, reference), check=True, capture_output=True)
    out = tmp_path / f"out{suffix}"
    checkpoint = tmp_path / f".{out.name}.caretag-checkpoint.json"
    with subprocess.Popen(_label_command(archive, out), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as process:
        deadline = time.time() + 60
        while not checkpoint.exists() and time.time() < deadline and process.poll() is None:
            time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        stderr = process.communicate(timeout=60)[1].decode()
    if process.returncode == 0:
        pytest.skip("the run finished before the signal arrived")
    assert process.returncode == 128 + signal.SIGTERM
    assert "--resume" in stderr
    assert not out.exists()
    assert json.loads(checkpoint.read_text())["summary"]["rows"] > 0
    subprocess.run(_label_command(archive, out, "--resume"), check=True, capture_output=True)
    assert out.read_bytes() == reference.read_bytes()
    assert not checkpoint.exists()


def test_resume_refuses_a_changed_input(archive, tmp_path):
    copy = tmp_path / "in.csv"
    copy.write_bytes(archive.read_bytes())
    out = tmp_path / "out.csv"
    partial = tmp_path / ".out.csv.caretag-partial"

    def stop_after_first_chunk(rows):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        label_file(str(copy), str(out), text_column="agent_reply", jobs=1, progress=False, chunk_rows=100,
                   on_chunk=stop_after_first_chunk)
    assert partial.exists() and not out.exists()
    with open(copy, "a", encoding="utf-8") as handle:
        handle.write("T99999,x,2025-01-01,tambahan,\n")
    with pytest.raises(ArchiveError, match="another input file"):
        label_file(str(copy), str(out), text_column="agent_reply", jobs=1, progress=False, chunk_rows=100,
                   resume=True)


def test_output_in_missing_directory_is_a_clear_error(archive, tmp_path):
    with pytest.raises(ArchiveError, match="cannot write"):
        label_file(str(archive), str(tmp_path / "no" / "such" / "dir.csv"), text_column="agent_reply", jobs=1,
                   progress=False)


def test_batch_and_api_agree_on_what_is_empty(tmp_path):
    import caretag

    replies = ["", "  ", "<br/>", "<p></p>", "&nbsp;", "<b>Paket sudah dikirim</b>", "🙏"]
    path = tmp_path / "e.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["reply"]] + [[r] for r in replies])
    label_file(str(path), str(tmp_path / "o.csv"), text_column="reply", jobs=1, progress=False)
    flags = [row[-1] for row in _read(tmp_path / "o.csv")[1:]]
    assert flags == [p.flag for p in caretag.classify_many(replies)]
    assert flags[:5] == ["empty_text"] * 5 and flags[5:] == ["", ""]
