"""The command line's grammar: nothing in, the argparse parser of every command out (each
sub-parser's ``handler`` is the command's function in :mod:`talktopics.cli.commands`)."""

from __future__ import annotations

import argparse
from typing import TypeAlias

from talktopics.cli import commands
from talktopics.version import __version__

__all__ = ["build_parser"]

Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
"""What ``ArgumentParser.add_subparsers`` returns."""


def build_parser() -> argparse.ArgumentParser:
    """The ``talktopics`` parser with its commands: ingest, formats, digest, topics, compare,
    prepare."""
    parser = argparse.ArgumentParser(
        prog="talktopics",
        description="Conference talks and attendee notes in, a talks-by-topic digest out.",
    )
    parser.add_argument("--version", action="version", version=f"talktopics {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_ingest(sub)
    add_formats(sub)
    add_digest(sub)
    add_topics(sub)
    add_compare(sub)
    add_prepare(sub)
    return parser


def add_ingest(sub: Subparsers) -> None:
    p = sub.add_parser(
        "ingest",
        help="read talk records and report what was found",
        description="Read notes, schedule exports, pyvideo folders and CSV/JSONL files; print "
        "what was found per source and every problem (file and record). Exit code 0: all "
        "read; 1: some records or files were skipped; 3: nothing could be read.",
    )
    _add_input(p)
    _add_common(p)
    p.add_argument("--json", metavar="FILE", help="write the records (and issues) as JSON")
    p.set_defaults(handler=commands.cmd_ingest)


def add_formats(sub: Subparsers) -> None:
    p = sub.add_parser("formats", help="list the input formats that can be read")
    p.set_defaults(handler=commands.cmd_formats)


def add_digest(sub: Subparsers) -> None:
    p = sub.add_parser(
        "digest",
        help="write the talks-by-topic digest (Markdown, HTML, JSON; calendar, CSV)",
        description="Read the talks, find fuzzy topics, summarise, and write digest.md, "
        "digest.html (self-contained, works offline) and digest.json into the output folder; "
        "prints the paths written. The same input and seed give byte-identical files. Exit "
        "code 0: done; 1: done, but some input records were skipped; 2: bad options; 3: "
        "nothing was written; 130: interrupted (no partial file is left).",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="input files or folders")
    _add_schedule(p)
    p.add_argument("-o", "--out", required=True, metavar="DIR", help="output folder")
    p.add_argument(
        "--format",
        dest="formats",
        default="md,html,json",
        metavar="FMT,...",
        help="digest formats to write: md, html, json, ics (calendar of the talks with a date "
        "and time), csv (one row per talk) (default: md,html,json)",
    )
    _add_reading(p)
    p.add_argument("--year", type=int, help="year when the input does not say")
    _add_model(p, "aim for about K topics")
    _add_cluster(p)
    _add_timings(p, "digest.json")
    _add_common(p)
    p.set_defaults(handler=commands.cmd_digest)


def add_topics(sub: Subparsers) -> None:
    p = sub.add_parser(
        "topics",
        help="find fuzzy topics and print them (label, top terms, talks)",
        description="Read the talks, find fuzzy topics (word graph + Infomap) and print a "
        "table of them; the fitted model (model.json with topics, fuzzy term memberships, "
        "talk distributions and labels, plus the arrays `assign` needs) is written to the "
        "output folder. The same input and seed give a byte-identical model.json. Exit code "
        "0: done; 1: done, but some input records were skipped; 2: bad options; 3: nothing "
        "could be read.",
    )
    _add_input(p)
    _add_model(p, "merge or split towards K topics")
    p.add_argument(
        "-o",
        "--out",
        metavar="DIR",
        help="folder for the fitted model (default: models/topics)",
    )
    p.add_argument(
        "--graph",
        metavar="FILE",
        help="also write the word graph for Gephi (.graphml or .json)",
    )
    _add_common(p)
    p.set_defaults(handler=commands.cmd_topics)


def add_compare(sub: Subparsers) -> None:
    p = sub.add_parser(
        "compare",
        help="compare topics across editions of a conference (what is new, what faded)",
        description="Compare the topics of two to twenty editions of a conference: the share "
        "of talks per topic and edition, and a class per topic (new, emerging, split, stable, "
        "merged, fading, gone) with its evidence. Each PATH is one edition (notes file, "
        "export, pyvideo folder, or a folder of notes + programme); PATH1+PATH2 joins paths "
        "into one edition (e.g. pycon-de-2019+pydata-berlin-2019); one folder whose "
        "sub-folders are editions stands for them all. Editions are labelled by their year "
        "unless --label is given; editions with the same label are one edition. Writes "
        "compare.md, compare.html (self-contained, offline), compare.json and the charts "
        "(compare-flow / compare-shares as .svg and .png) into the output folder. The same "
        "input and seed give byte-identical files. Exit code 0: done; 1: done, but editions "
        "or input records were skipped; 2: bad options; 3: fewer than two usable editions.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="one edition per PATH (A+B joins)")
    p.add_argument("-o", "--out", required=True, metavar="DIR", help="output folder")
    p.add_argument(
        "--label",
        action="append",
        default=[],
        metavar="L",
        help="label of an edition; repeat once per edition, in order (default: its year)",
    )
    p.add_argument(
        "--strategy",
        choices=("joint", "align"),
        help="joint (default): one topic model over all editions; align: one model per "
        "edition, topics matched across editions (shows splits and merges)",
    )
    p.add_argument(
        "--format",
        dest="formats",
        default="md,html,json,svg,png",
        metavar="FMT,...",
        help="outputs to write: md, html, json, svg, png (default: all)",
    )
    _add_reading(p)
    _add_model(p, "aim for about K topics per model")
    _add_cluster(p)
    _add_timings(p, "compare.json")
    _add_common(p)
    p.set_defaults(handler=commands.cmd_compare)


def add_prepare(sub: Subparsers) -> None:
    p = sub.add_parser(
        "prepare",
        help="convert the encoder to OpenVINO once for this machine (make setup runs it)",
        description="Convert the sentence-transformers encoder (the packaged all-MiniLM-L6-v2, "
        "or --model) to an OpenVINO IR in the per-user model cache ($TALKTOPICS_MODEL_CACHE or "
        "~/.cache/talktopics/models), which every later run on any corpus reuses; prints the "
        "IR's path. Nothing is converted when a valid IR is there already.",
    )
    p.add_argument("--model", metavar="M", help="sentence-transformers model name or local path")
    _add_common(p)
    p.set_defaults(handler=commands.cmd_prepare)


# --- option groups shared by several commands -------------------------------------------------


def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bars or tables")
    p.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    p.add_argument("--config", metavar="TOML", help="configuration file (see README)")


def _add_input(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH", help="input files or folders")
    _add_reading(p)
    p.add_argument("--format", dest="input_format", help=argparse.SUPPRESS)  # its old name
    _add_schedule(p)
    p.add_argument("--year", type=int, help="year when the input does not say")


def _add_reading(p: argparse.ArgumentParser) -> None:
    """How the input is read: a forced input format, a column map, a name."""
    p.add_argument(
        "--input-format",
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
    p.add_argument("--conference", help="conference name when the input does not say")


def _add_schedule(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--schedule",
        action="append",
        default=[],
        metavar="FILE",
        help="programme export to join notes with (fuzzy title match); repeatable",
    )


def _add_model(p: argparse.ArgumentParser, topics_help: str) -> None:
    """Seed, embedding model and backend, and the topic count."""
    p.add_argument("--seed", type=int, metavar="N", help="random seed (default 42)")
    p.add_argument("--model", metavar="M", help="sentence-transformers model name or local path")
    p.add_argument(
        "--embedder",
        choices=("auto", "sentence-transformers", "use-multilingual"),
        help="embedding backend (default auto: multilingual when most texts are not English)",
    )
    p.add_argument(
        "--encoder-runtime",
        choices=("openvino", "torch"),
        help="what runs a sentence-transformers model (default openvino: converted once per "
        "machine, see `talktopics prepare`; torch: PyTorch)",
    )
    p.add_argument("--topics", type=int, metavar="K", help=topics_help)


def _add_cluster(p: argparse.ArgumentParser) -> None:
    """Where reading, language identification, term extraction and encoding run."""
    where = p.add_mutually_exclusive_group()
    where.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run reading, term extraction and encoding on a running Dask cluster "
        "(e.g. tcp://host:8786); its workers need talktopics and the models installed",
    )
    where.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="start a local Dask cluster of N worker processes for the run",
    )


def _add_timings(p: argparse.ArgumentParser, output: str) -> None:
    p.add_argument(
        "--timings",
        action="store_true",
        help=f"add stage timings to {output} (the file then differs between runs)",
    )
