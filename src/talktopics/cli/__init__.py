"""Command line: ``argv`` in, a command run and its exit code out; only this package
configures logging.

The grammar is in :mod:`talktopics.cli.parser`, the commands in :mod:`talktopics.cli.commands`,
what they print in :mod:`talktopics.cli.messages`.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Sequence

from talktopics.cli.messages import print_error
from talktopics.cli.parser import build_parser
from talktopics.errors import ExitCode, TalkTopicsError

__all__ = ["build_parser", "main", "main_entry"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (callable from tests)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    _configure_logging(args)
    # SIGTERM (a service manager, `kill`) stops every command like Ctrl-C: the unwinding
    # removes temporary files, and the exit code is 130 either way.
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _raise_interrupt) if in_main_thread else None
    try:
        return int(args.handler(args))
    except TalkTopicsError as exc:
        print_error(exc)
        return int(ExitCode.FAILED)
    except KeyboardInterrupt:
        print("talktopics: interrupted; no partial output was written", file=sys.stderr)
        return int(ExitCode.INTERRUPTED)
    except Exception as exc:  # a bug: say so, with its own exit code (1 means "records skipped")
        logging.getLogger(__name__).debug("internal error", exc_info=True)
        print(
            f"talktopics: internal error ({type(exc).__name__}: {exc}); this is a bug in "
            "talktopics: please report it with the command line"
            + ("" if getattr(args, "verbose", False) else " and the traceback of --verbose"),
            file=sys.stderr,
        )
        return int(ExitCode.INTERNAL)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def main_entry() -> None:
    """Console-script entry point."""
    sys.exit(main())


def _configure_logging(args: argparse.Namespace) -> None:
    level = logging.DEBUG if getattr(args, "verbose", False) else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
