"""Command line: parse arguments, call the pipeline, print. No logic of its own."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from talktopics import __version__
from talktopics.errors import ExitCode, TalkTopicsError

__all__ = ["build_parser", "main", "main_entry"]

logger = logging.getLogger(__name__)


def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bars or tables")
    p.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    p.add_argument("--config", metavar="TOML", help="configuration file (see README)")


def _add_input(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH", help="input files or folders")
    p.add_argument(
        "--format",
        dest="input_format",
        metavar="FMT",
        help="force the input format instead of detecting it (see `talktopics formats`)",
    )
    p.add_argument(
        "--map",
        dest="column_map",
        metavar="FIELD=COLUMN,...",
        help="CSV/JSONL column mapping, e.g. title=Title,abstract=Abstract",
    )
    p.add_argument(
        "--schedule",
        metavar="FILE",
        help="programme export to join notes with (fuzzy title match)",
    )
    p.add_argument("--conference", help="conference name when the input does not say")
    p.add_argument("--year", type=int, help="year when the input does not say")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="talktopics",
        description="Conference talks and attendee notes in, a talks-by-topic digest out.",
    )
    parser.add_argument("--version", action="version", version=f"talktopics {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("ingest", help="read talk records and report what was found")
    _add_input(p)
    _add_common(p)
    p.add_argument("--json", metavar="FILE", help="write the records as JSON")
    p.set_defaults(handler=_cmd_ingest)

    return parser


def _cmd_ingest(args: argparse.Namespace) -> ExitCode:
    from talktopics import pipeline

    return pipeline.cli_ingest(args)


def _configure_logging(args: argparse.Namespace) -> None:
    level = logging.DEBUG if getattr(args, "verbose", False) else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (callable from tests)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    _configure_logging(args)
    try:
        return int(args.handler(args))
    except TalkTopicsError as exc:
        print(f"talktopics: error: {exc}", file=sys.stderr)
        return int(ExitCode.FAILED)
    except KeyboardInterrupt:
        print("talktopics: interrupted; no partial output was written", file=sys.stderr)
        return int(ExitCode.INTERRUPTED)


def main_entry() -> None:
    """Console-script entry point."""
    sys.exit(main())
