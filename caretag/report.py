"""Care share per group (agent, team...) and period from a labelled archive, with 95% Wilson intervals."""
from __future__ import annotations

import csv
import io
import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from caretag.archive import detect_format, read_records, text_at
from caretag.exceptions import ArchiveError

__all__ = ["GroupStats", "wilson_interval", "care_report", "render_report", "plot_report", "PERIODS"]

PERIODS = ("month", "week")
_Z95 = 1.959963984540054


def wilson_interval(successes: int, n: int, z: float = _Z95) -> tuple[float, float]:
    """95% Wilson score interval for a proportion; (0, 0) when n is 0. Honest for small n, unlike p +/- 2se."""
    if n == 0:
        return 0.0, 0.0
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass
class GroupStats:
    group: str
    period: str
    replies: int = 0
    care: int = 0
    flagged: int = 0

    @property
    def scored(self) -> int:
        return self.replies - self.flagged

    @property
    def care_share(self) -> float:
        return self.care / self.scored if self.scored else 0.0

    @property
    def interval(self) -> tuple[float, float]:
        return wilson_interval(self.care, self.scored)


def _period_of(value: str, period: str) -> str:
    value = (value or "").strip()
    if not value:
        return "unknown"
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "T", 1))
    except ValueError:
        try:
            moment = datetime.combine(date.fromisoformat(value[:10]), datetime.min.time())
        except ValueError:
            return "unknown"
    if period == "month":
        return f"{moment.year:04d}-{moment.month:02d}"
    year, week, _ = moment.isocalendar()
    return f"{year:04d}-W{week:02d}"


def care_report(path: str, group_by: str, *, time_column: str | None = None, period: str | None = None,
                fmt: str | None = None, encoding: str = "utf-8") -> list[GroupStats]:
    """Count replies, care and flagged rows per group (and period) in a file written by ``caretag label``."""
    if period and period not in PERIODS:
        raise ArchiveError(f"period must be one of {PERIODS}")
    if period and not time_column:
        raise ArchiveError("--period needs --time-column")
    fmt = detect_format(path, fmt)
    with read_records(path, fmt, "caretag_flag", encoding) as (header, records):
        return _count(header, records, path, group_by, time_column, period)


def _count(header, records, path, group_by, time_column, period) -> list[GroupStats]:
    if header is not None:
        for needed in [group_by, "caretag_label"] + ([time_column] if time_column else []):
            if needed not in header:
                raise ArchiveError(f"{path} has no column {needed!r}; its columns are: {', '.join(header)}")
        position = {name: i for i, name in enumerate(header)}

    def field(record, name):
        if header is None:
            value, _ = text_at(record.fields, name)
            return value or ""
        return record.fields[position[name]]

    stats: dict[tuple[str, str], GroupStats] = {}
    for record in records:
        group = field(record, group_by) or "(none)"
        when = _period_of(field(record, time_column), period) if period else "all"
        entry = stats.setdefault((group, when), GroupStats(group, when))
        entry.replies += 1
        label = field(record, "caretag_label")
        if label not in ("care", "service"):
            entry.flagged += 1
        elif label == "care":
            entry.care += 1
    return sorted(stats.values(), key=lambda s: (s.group, s.period))


def render_report(rows: list[GroupStats], group_by: str, fmt: str = "text") -> str:
    """The report as an aligned text table, CSV, or a Markdown table."""
    columns = [group_by, "period", "replies", "care", "care_share", "ci95_low", "ci95_high", "flagged"]
    table = [[r.group, r.period, str(r.replies), str(r.care), f"{r.care_share:.3f}", f"{r.interval[0]:.3f}",
              f"{r.interval[1]:.3f}", str(r.flagged)] for r in rows]
    if fmt == "csv":
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows([columns] + table)
        return buffer.getvalue()
    if fmt == "markdown":
        lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
        return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in table]) + "\n"
    if fmt != "text":
        raise ArchiveError(f"unknown report format {fmt!r}; use text, csv or markdown")
    widths = [max(len(c), *(len(row[i]) for row in table)) if table else len(c) for i, c in enumerate(columns)]
    out = ["  ".join(c.ljust(w) for c, w in zip(columns, widths))]
    out += ["  ".join(v.ljust(w) for v, w in zip(row, widths)) for row in table]
    return "\n".join(out) + "\n"


def plot_report(rows: list[GroupStats], group_by: str, path: str | Path) -> Path:
    """Draw care share per group with 95% intervals (and over time when there are periods) to a PNG."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise ArchiveError("--plot needs matplotlib: pip install 'caretag[plot]'") from None
    periods = sorted({r.period for r in rows})
    groups = sorted({r.group for r in rows})
    over_time = len(periods) > 1
    fig, axes = plt.subplots(1, 2 if over_time else 1, figsize=(13 if over_time else 7, 4.5), squeeze=False)
    overall = defaultdict(lambda: [0, 0])
    for r in rows:
        overall[r.group][0] += r.care
        overall[r.group][1] += r.scored
    shares = [overall[g][0] / overall[g][1] if overall[g][1] else 0 for g in groups]
    intervals = [wilson_interval(*overall[g]) for g in groups]
    ax = axes[0][0]
    ax.barh(groups, shares, xerr=[[s - lo for s, (lo, _) in zip(shares, intervals)],
                                  [hi - s for s, (_, hi) in zip(shares, intervals)]],
            color="#3a7ca5", capsize=3)
    ax.set_xlim(0, 1)
    ax.set_xlabel("care share of scored replies (95% Wilson interval)")
    ax.set_title(f"Care share by {group_by}")
    ax.invert_yaxis()
    if over_time:
        ax = axes[0][1]
        for group in groups:
            points = [(r.period, r.care_share) for r in rows if r.group == group and r.scored]
            ax.plot([p for p, _ in points], [s for _, s in points], marker="o", label=group)
        ax.set_ylim(0, 1)
        ax.set_ylabel("care share")
        ax.set_title("Care share over time")
        ax.tick_params(axis="x", rotation=45)
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return Path(path)
