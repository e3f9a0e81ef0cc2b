import csv

import pytest

from caretag import ArchiveError
from caretag.cli import main
from caretag.report import care_report, render_report, wilson_interval


def test_wilson_interval_known_values():
    low, high = wilson_interval(0, 10)
    assert low == 0.0 and high == pytest.approx(0.2775, abs=1e-4)
    low, high = wilson_interval(5, 10)
    assert (low, high) == (pytest.approx(0.2366, abs=1e-4), pytest.approx(0.7634, abs=1e-4))
    assert wilson_interval(0, 0) == (0.0, 0.0)


@pytest.fixture
def labelled(tmp_path):
    path = tmp_path / "labelled.csv"
    rows = [["T1", "ani", "2025-01-03T10:00:00", "care"], ["T2", "ani", "2025-01-20", "service"],
            ["T3", "ani", "2025-02-02T08:00:00Z", "care"], ["T4", "budi", "2025-01-05", "service"],
            ["T5", "budi", "2025-02-07", ""], ["T6", "budi", "not a date", "service"]]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ticket_id", "agent", "created_at", "caretag_label", "caretag_care_score", "caretag_flag"])
        writer.writerows([r + ["0.5", "" if r[3] else "empty_text"] for r in rows])
    return path


def test_counts_per_group_and_month(labelled):
    rows = {(r.group, r.period): r for r in care_report(str(labelled), "agent", time_column="created_at",
                                                        period="month")}
    assert (rows["ani", "2025-01"].replies, rows["ani", "2025-01"].care) == (2, 1)
    assert rows["ani", "2025-02"].care_share == 1.0
    assert rows["budi", "2025-02"].flagged == 1 and rows["budi", "2025-02"].scored == 0
    assert rows["budi", "unknown"].replies == 1


def test_weeks_and_formats(labelled):
    rows = care_report(str(labelled), "agent", time_column="created_at", period="week")
    assert {r.period for r in rows} >= {"2025-W01", "2025-W04"}
    overall = care_report(str(labelled), "agent")
    assert render_report(overall, "agent", "csv").splitlines()[0].startswith("agent,period,replies,care")
    assert "| ani | all | 3 | 2 |" in render_report(overall, "agent", "markdown")


def test_missing_group_column_is_a_clear_error(labelled):
    with pytest.raises(ArchiveError, match="no column 'team'"):
        care_report(str(labelled), "team")


def test_plot_is_written(labelled, tmp_path):
    pytest.importorskip("matplotlib")
    png = tmp_path / "care.png"
    assert main(["report", str(labelled), "--group-by", "agent", "--time-column", "created_at",
                 "--period", "month", "--plot", str(png)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
