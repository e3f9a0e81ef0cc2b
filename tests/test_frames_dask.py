"""pandas and Dask front ends give the same labels as the local batch run, row for row."""
import csv
import math

import pytest

pd = pytest.importorskip("pandas")

from caretag import ArchiveError, classify_many  # noqa: E402
from caretag.frames import label_dataframe  # noqa: E402


def test_label_dataframe_adds_three_columns_and_keeps_rows(test_split):
    texts = test_split.texts[:40]
    df = pd.DataFrame({"id": range(45), "reply": texts + [None, float("nan"), 7, "", "   "]})
    out = label_dataframe(df, "reply")
    assert list(out.columns) == ["id", "reply", "caretag_label", "caretag_care_score", "caretag_flag"]
    assert out["id"].tolist() == list(range(45)) and "caretag_label" not in df.columns
    expected = classify_many(texts)
    assert out["caretag_label"].tolist()[:40] == [p.label for p in expected]
    assert all(math.isclose(a, p.care_score) for a, p in zip(out["caretag_care_score"][:40], expected))
    assert out["caretag_flag"].tolist()[40:] == ["empty_text", "empty_text", "not_text", "empty_text", "empty_text"]
    assert out["caretag_label"].isna().tolist()[40:] == [True] * 5
    assert out["caretag_care_score"].isna().tolist()[40:] == [True] * 5


def test_label_dataframe_missing_column(test_split):
    with pytest.raises(ArchiveError, match="no column 'text'.*reply"):
        label_dataframe(pd.DataFrame({"reply": ["a"]}), "text")


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as c:
        yield c


def test_dask_dataframe_equals_local_run(cluster, test_split):
    dd = pytest.importorskip("dask.dataframe")
    from distributed import Client

    from caretag.dask import label_dataframe as label_dask

    df = pd.DataFrame({"id": range(len(test_split.texts)), "reply": test_split.texts})
    with Client(cluster):
        result = label_dask(dd.from_pandas(df, npartitions=4), "reply").compute()
    local = label_dataframe(df, "reply")
    pd.testing.assert_frame_equal(result.reset_index(drop=True), local.reset_index(drop=True), check_dtype=False)


def test_label_command_on_a_cluster_equals_local_bytes(cluster, test_split, tmp_path):
    from caretag.batch import label_file
    from caretag.cli import main

    source = tmp_path / "in.csv"
    with open(source, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "reply"])
        writer.writerows([i, t] for i, t in enumerate(test_split.texts + ["", "<br>"]))
    label_file(str(source), str(tmp_path / "local.csv"), text_column="reply", jobs=1, progress=False, chunk_rows=64)
    assert main(["label", str(source), "-o", str(tmp_path / "dask.csv"), "--text-column", "reply", "--quiet",
                 "--chunk-rows", "64", "--scheduler", cluster.scheduler_address]) == 0
    assert (tmp_path / "dask.csv").read_bytes() == (tmp_path / "local.csv").read_bytes()
