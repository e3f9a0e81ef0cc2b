"""The ``caretag`` command: argparse over the library's functions; ``main(argv) -> exit code``."""
from __future__ import annotations

import argparse
import json
import logging
import sys

from caretag._version import __version__
from caretag.exceptions import CaretagError

__all__ = ["main"]

log = logging.getLogger("caretag")


def _train(args: argparse.Namespace) -> int:
    from caretag.card import metrics_table
    from caretag.training import train_from_csv

    card = train_from_csv(args.data, args.out, leave_one_out=not args.no_lodo)
    print(metrics_table(card["metrics"]) or "model saved (no split column: no test metrics)")
    print(f"model and card written to {args.out}")
    return 0


def _classify(args: argparse.Namespace) -> int:
    import caretag

    texts = args.text or [line.rstrip("\n") for line in sys.stdin]
    model = caretag.load_scorer(args.model) if args.model else None
    for text, prediction in zip(texts, caretag.classify_many(texts, model=model)):
        print(json.dumps({"text": text, **prediction.as_dict()}, ensure_ascii=False))
    return 0


def _label(args: argparse.Namespace) -> int:
    from caretag.batch import Interrupted, label_file

    if args.scheduler:
        from caretag.dask import label_file_on_cluster

        run, where = label_file_on_cluster, {"scheduler": args.scheduler}
    else:
        run, where = label_file, {"jobs": args.jobs}
    try:
        summary = run(args.input, args.output, text_column=args.text_column, fmt=args.format, model=args.model,
                      threshold=args.threshold, resume=args.resume, progress=not args.quiet,
                      encoding=args.encoding, chunk_rows=args.chunk_rows, **where)
    except Interrupted as exc:
        print(f"caretag: {exc}; nothing was written to {args.output}. Run the same command with --resume "
              "to continue from the last finished chunk.", file=sys.stderr)
        return 128 + exc.signum
    if not args.quiet:
        print(f"caretag: {summary.line()}", file=sys.stderr)
    return 0


def _report(args: argparse.Namespace) -> int:
    from caretag.report import care_report, plot_report, render_report

    rows = care_report(args.labelled, args.group_by, time_column=args.time_column, period=args.period,
                       fmt=args.input_format)
    sys.stdout.write(render_report(rows, args.group_by, args.format))
    if args.plot:
        plot_report(rows, args.group_by, args.plot)
        print(f"caretag: plot written to {args.plot}", file=sys.stderr)
    return 0


def _card(args: argparse.Namespace) -> int:
    from pathlib import Path

    from caretag.api import default_model_dir
    from caretag.card import metrics_table, update_readme
    from caretag.persistence import read_card

    card = read_card(args.model or default_model_dir())
    if args.update_readme:
        path = Path(args.update_readme)
        path.write_text(update_readme(path.read_text(encoding="utf-8"), card), encoding="utf-8")
        print(f"caretag: metrics in {path} updated from the model card", file=sys.stderr)
    else:
        print(metrics_table(card.get("metrics", {})))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="caretag", description="Label Indonesian support replies service/care.")
    parser.add_argument("--version", action="version", version=f"caretag {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    commands = parser.add_subparsers(dest="command", required=True)

    train = commands.add_parser("train", help="train a model from a labelled CSV and save it with its card")
    train.add_argument("data", help="CSV with text,label columns (and optional split, domain)")
    train.add_argument("--out", required=True, help="directory for model.pkl, scorer.npz and the model card")
    train.add_argument("--no-lodo", action="store_true", help="skip leave-one-domain-out scores (faster)")
    train.set_defaults(run=_train)

    label = commands.add_parser(
        "label", help="label every row of a CSV/TSV/JSONL archive (streaming, all cores)",
        description="Adds caretag_label, caretag_care_score and caretag_flag to every row; keeps all rows "
                    "and columns in order. Output appears only when the run finishes.")
    label.add_argument("input", help="input file (.csv, .tsv, .jsonl, optionally .gz) or - for stdin")
    label.add_argument("-o", "--output", default="-", help="output file or - for stdout (default)")
    label.add_argument("--text-column", required=True, help="column (JSONL: dotted path) holding the reply")
    label.add_argument("--format", choices=("csv", "tsv", "jsonl"), help="input format (default: from extension)")
    label.add_argument("--jobs", type=int, default=None, help="worker processes (default: all cores)")
    label.add_argument("--model", help="model directory (default: the shipped model)")
    label.add_argument("--threshold", type=float, help="care probability threshold (default: the model's)")
    label.add_argument("--resume", action="store_true", help="continue an interrupted run")
    label.add_argument("--quiet", action="store_true", help="no progress bar and no summary")
    label.add_argument("--encoding", default="utf-8", help="input encoding (default utf-8; a BOM is skipped)")
    label.add_argument("--chunk-rows", type=int, default=2000, help=argparse.SUPPRESS)
    label.add_argument("--scheduler", help="run on a Dask cluster at this address (needs caretag[dask])")
    label.set_defaults(run=_label)

    report = commands.add_parser("report", help="care share per group (and period) of a labelled archive")
    report.add_argument("labelled", help="a file written by `caretag label`")
    report.add_argument("--group-by", required=True, help="column to group by (agent, team...)")
    report.add_argument("--time-column", help="timestamp column (ISO 8601) for --period")
    report.add_argument("--period", choices=("month", "week"), help="also split each group by period")
    report.add_argument("--plot", metavar="FILE.png", help="draw care share per group (needs caretag[plot])")
    report.add_argument("--format", choices=("text", "csv", "markdown"), default="text")
    report.add_argument("--input-format", choices=("csv", "tsv", "jsonl"), help=argparse.SUPPRESS)
    report.set_defaults(run=_report)

    card = commands.add_parser("card", help="print a model's metrics from its model card")
    card.add_argument("model", nargs="?", help="model directory (default: the shipped model)")
    card.add_argument("--update-readme", metavar="README.md", help="rewrite the README's metrics block")
    card.set_defaults(run=_card)

    classify = commands.add_parser("classify", help="label replies given as arguments or one per stdin line")
    classify.add_argument("text", nargs="*")
    classify.add_argument("--model", help="model directory (default: the shipped model)")
    classify.set_defaults(run=_classify)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="caretag: %(message)s", stream=sys.stderr)
    try:
        return args.run(args)
    except CaretagError as exc:
        print(f"caretag: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
