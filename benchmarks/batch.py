"""`caretag label` on a generated archive: rows/s with 1 and 2 jobs, and peak memory on 1,000,000 rows.

Generates CSV archives of real replies (../shared/realworld, else the corpus) cycled with ticket ids, agents
and timestamps, runs the installed command as a subprocess, and samples the resident memory of the whole
process tree (main process plus workers) every 0.1 s.

    python benchmarks/batch.py                      # 200,000 rows with 1 and 2 jobs; 1,000,000 rows with 2 jobs
    python benchmarks/batch.py --ratio-rows 5000 --memory-rows 20000    # smoke run
"""
from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

from throughput import replies


def make_archive(path: Path, n: int) -> Path:
    texts, _ = replies(min(n, 50_000))
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ticket_id", "agent", "created_at", "agent_reply"])
        for i in range(n):
            writer.writerow([f"TKT-{i:08d}", f"agent{i % 37}", f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}T10:00:00",
                             texts[i % len(texts)]])
    return path


def run(source: Path, jobs: int) -> tuple[float, float, float]:
    """(seconds, peak RSS of the tree in MB, peak RSS of the main process in MB)."""
    out = source.with_name(f"out-{jobs}.csv")
    command = [sys.executable, "-m", "caretag", "label", str(source), "-o", str(out), "--text-column",
               "agent_reply", "--jobs", str(jobs), "--quiet"]
    started = time.perf_counter()
    process = subprocess.Popen(command)
    main, tree_peak, main_peak = psutil.Process(process.pid), 0.0, 0.0
    while process.poll() is None:
        try:
            rss_main = main.memory_info().rss
            rss = rss_main + sum(c.memory_info().rss for c in main.children(recursive=True))
            tree_peak, main_peak = max(tree_peak, rss), max(main_peak, rss_main)
        except psutil.Error:
            pass
        time.sleep(0.1)
    seconds = time.perf_counter() - started
    if process.returncode:
        raise SystemExit(f"caretag label failed with exit code {process.returncode}")
    out.unlink()
    return seconds, tree_peak / 2**20, main_peak / 2**20


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ratio-rows", type=int, default=200_000)
    parser.add_argument("--memory-rows", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        source = make_archive(Path(tmp) / "ratio.csv", args.ratio_rows)
        print(f"{args.ratio_rows:,}-row archive, {source.stat().st_size / 2**20:.0f} MB")
        one = run(source, 1)
        print(f"1 job : {args.ratio_rows / one[0]:>9,.0f} rows/s  {one[0]:7.1f} s  peak RSS {one[1]:.0f} MB")
        two = run(source, 2)
        print(f"2 jobs: {args.ratio_rows / two[0]:>9,.0f} rows/s  {two[0]:7.1f} s  peak RSS {two[1]:.0f} MB "
              f"(main process {two[2]:.0f} MB)")
        print(f"speed-up 2 jobs / 1 job: {one[0] / two[0]:.2f}x  (target >= 1.6x)")
        source.unlink()
        big = make_archive(Path(tmp) / "memory.csv", args.memory_rows)
        print(f"{args.memory_rows:,}-row archive, {big.stat().st_size / 2**20:.0f} MB")
        seconds, tree, main_only = run(big, 2)
        print(f"2 jobs: {args.memory_rows / seconds:>9,.0f} rows/s  {seconds:7.1f} s  peak RSS of all processes "
              f"{tree:.0f} MB, main process {main_only:.0f} MB  (target < 500 MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
