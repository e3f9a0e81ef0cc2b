"""Smoke runs of the benchmark scripts on tiny inputs, so they do not rot. Nothing here is timed."""
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def run(script, *args):
    out = subprocess.run([sys.executable, str(BENCHMARKS / script), *args], capture_output=True, text=True,
                         cwd=BENCHMARKS, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


def test_throughput_smoke():
    out = run("throughput.py", "-n", "1500")
    assert "caretag.classify_many" in out and "ratio caretag / plain TF-IDF" in out


def test_batch_smoke():
    pytest.importorskip("psutil")
    out = run("batch.py", "--ratio-rows", "3000", "--memory-rows", "3000")
    assert "speed-up 2 jobs / 1 job" in out and "peak RSS" in out


def test_cold_start_smoke():
    out = run("cold_start.py", "--runs", "1")
    assert "first classify" in out and "scorer.npz" in out


def test_accuracy_smoke():
    out = run("accuracy.py", "--quick")
    assert "(a) plain TF-IDF + LR" in out and "(c) keyword rule" in out and "ahead of every peer on LODO" in out


def test_model_selection_smoke():
    out = run("model_selection.py", "--quick")
    assert "default" in out and "macro-F1" in out
