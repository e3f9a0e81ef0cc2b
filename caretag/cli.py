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
