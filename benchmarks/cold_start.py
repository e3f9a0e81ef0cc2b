"""Cold start: import + load + first prediction in a fresh process, and the size of the shipped model.

Each measurement is a new Python process timing itself from before `import caretag` to after the first
`classify` (the fast, pickle-free scorer) and, for comparison, to after loading the full scikit-learn model.

    python benchmarks/cold_start.py [--runs 7]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

import caretag

FAST = ("import time; t = time.perf_counter(); import caretag; i = time.perf_counter();"
        "caretag.classify('Paket Kakak sudah dikirim ya, resinya JX1234567890'); d = time.perf_counter();"
        "print(i - t, d - t)")
FULL = ("import time; t = time.perf_counter(); import caretag; m = caretag.load_model();"
        "m.predict(['Paket Kakak sudah dikirim ya']); print(time.perf_counter() - t)")


def run(code: str) -> list[float]:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return [float(x) for x in out.stdout.split()]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    fast = [run(FAST) for _ in range(args.runs)]
    full = [run(FULL)[0] for _ in range(max(1, args.runs // 2))]
    print(f"fresh process, median of {args.runs}:")
    print(f"  import caretag                                   {statistics.median(f[0] for f in fast):.3f} s")
    print(f"  import + load + first classify (shipped scorer)  {statistics.median(f[1] for f in fast):.3f} s"
          "  (target < 1.5 s)")
    print(f"  import + load_model + predict (full sklearn)     {statistics.median(full):.3f} s")
    directory = caretag.default_model_dir()
    for name in ("scorer.npz", "model.pkl", "model_card.json"):
        print(f"  {name:<16} {(directory / name).stat().st_size / 1024:8.0f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
