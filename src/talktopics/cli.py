"""Command line: parse arguments, call the pipeline, print. No logic of its own."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from talktopics import __version__
from talktopics.config import RunConfig
from talktopics.errors import ConfigError, ExitCode, TalkTopicsError
from talktopics.records import OTHER_TOPIC, Corpus, Talk, TalkTopics, Topic

if TYPE_CHECKING:
    pass

__all__ = ["build_parser", "main", "main_entry"]

logger = logging.getLogger(__name__)


def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bars or tables")
    p.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    p.add_argument("--config", metavar="TOML", help="configuration file (see README)")


def _add_input(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH", help="input files or folders")
    _add_reading(p, "--format")
    _add_schedule(p)
    p.add_argument("--year", type=int, help="year when the input does not say")


def _add_reading(p: argparse.ArgumentParser, format_flag: str) -> None:
    """How the input is read: a forced format (``format_flag``), a column map, a name."""
    p.add_argument(
        format_flag,
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
    p.add_argument("--topics", type=int, metavar="K", help=topics_help)


def _add_timings(p: argparse.ArgumentParser, output: str) -> None:
    p.add_argument(
        "--timings",
        action="store_true",
        help=f"add stage timings to {output} (the file then differs between runs)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="talktopics",
        description="Conference talks and attendee notes in, a talks-by-topic digest out.",
    )
    parser.add_argument("--version", action="version", version=f"talktopics {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

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
    p.set_defaults(handler=_cmd_ingest)

    p = sub.add_parser("formats", help="list the input formats that can be read")
    p.set_defaults(handler=_cmd_formats)

    p = sub.add_parser(
        "digest",
        help="write the talks-by-topic digest (Markdown, HTML, JSON)",
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
        help="digest formats to write: md, html, json (default: all three)",
    )
    _add_reading(p, "--input-format")
    p.add_argument("--year", type=int, help="year when the input does not say")
    _add_model(p, "aim for about K topics")
    _add_timings(p, "digest.json")
    _add_common(p)
    p.set_defaults(handler=_cmd_digest)

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
    p.set_defaults(handler=_cmd_topics)

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
    _add_reading(p, "--input-format")
    _add_model(p, "aim for about K topics per model")
    _add_timings(p, "compare.json")
    _add_common(p)
    p.set_defaults(handler=_cmd_compare)

    return parser


def _cmd_formats(args: argparse.Namespace) -> ExitCode:
    from rich.console import Console
    from rich.table import Table

    from talktopics.ingest import FORMATS

    table = Table(title="Input formats (detected by content; force one with --format)")
    table.add_column("format")
    table.add_column("what it reads")
    for name, fmt in FORMATS.items():
        table.add_row(name, fmt.description)
    Console().print(table)
    return ExitCode.OK


def _load_input(args: argparse.Namespace) -> Corpus:
    """Read the PATHs of an input-taking subcommand (see `_add_input`) into a corpus.

    Raises:
        ConfigError: bad ``--format``, ``--map`` or configuration file.
    """
    from talktopics.config import load_config
    from talktopics.ingest import load_corpus, parse_column_map

    limits = load_config(getattr(args, "config", None)).ingest
    schedule = getattr(args, "schedule", None)
    if isinstance(schedule, str):
        schedule = [schedule]
    return load_corpus(
        args.paths,
        format=args.input_format,
        column_map=parse_column_map(args.column_map),
        schedule=schedule or (),
        conference=args.conference,
        year=args.year,
        limits=limits,
    )


_MAX_SHOWN_ISSUES = 50


def _print_issues(corpus: Corpus, *, show_all: bool) -> None:
    from rich.console import Console
    from rich.markup import escape

    err = Console(stderr=True, highlight=False, soft_wrap=True)
    issues = corpus.issues if show_all else corpus.issues[:_MAX_SHOWN_ISSUES]
    for issue in issues:
        style = "bold red" if issue.level == "error" else "yellow"
        err.print(
            f"[{style}]{issue.level}[/]: {escape(str(issue.source))}: {escape(issue.message)}"
        )
    hidden = len(corpus.issues) - len(issues)
    if hidden:
        err.print(f"... and {hidden} more issues (use --verbose to see all, or --json)")


def _print_ingest_table(corpus: Corpus) -> None:
    import os

    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    rows: dict[str, list[Talk]] = {source: [] for source in corpus.sources}
    for talk in corpus.talks:
        rows.setdefault(talk.source.path, []).append(talk)
    base = ""
    if len(rows) > 1:
        try:
            base = os.path.commonpath(list(rows))
        except ValueError:
            base = ""
        if base in rows:
            base = os.path.dirname(base)
    title = f"Ingested: {corpus.name}" if corpus.name else "Ingested"
    table = Table(title=escape(title), caption=escape(f"paths under {base}") if base else None)
    table.add_column("source", overflow="fold")
    table.add_column("format", overflow="fold")
    for header in ("talks", "described", "notes"):
        table.add_column(header, justify="right", no_wrap=True)
    table.add_column("langs", overflow="fold")
    table.add_column("warn", justify="right", no_wrap=True)
    table.add_column("skip", justify="right", no_wrap=True)

    def counts(talks: list[Talk]) -> list[str]:
        return [
            str(len(talks)),
            str(sum(1 for t in talks if t.abstract.strip() or t.description.strip())),
            str(sum(1 for t in talks if t.notes.strip())),
        ]

    for source, talks in rows.items():
        formats = sorted({f for t in talks for f in t.source.format.split("+") if f})
        languages = sorted({lang for t in talks for lang in (t.language, t.notes_language) if lang})
        issues = [i for i in corpus.issues if i.source.path == source]
        table.add_row(
            escape(os.path.relpath(source, base) if base else source),
            escape(", ".join(formats)),
            *counts(talks),
            escape(", ".join(languages)),
            str(sum(1 for i in issues if i.level == "warning")),
            str(sum(1 for i in issues if i.level == "error")),
        )
    if len(rows) > 1:
        table.add_section()
        languages = sorted(
            {lang for t in corpus.talks for lang in (t.language, t.notes_language) if lang}
        )
        table.add_row(
            "total",
            "",
            *counts(list(corpus.talks)),
            escape(", ".join(languages)),
            str(sum(1 for i in corpus.issues if i.level == "warning")),
            str(corpus.skipped),
        )
    console = Console(highlight=False)
    if not console.is_terminal:
        console = Console(highlight=False, width=160)  # logs and pipes: room for paths
    console.print(table)


def _write_ingest_json(corpus: Corpus, out: str) -> None:
    """Write the corpus as JSON, atomically and with the digest files' permissions."""
    import dataclasses
    import json

    from talktopics.pipeline import write_atomic

    payload = {
        "name": corpus.name,
        "sources": list(corpus.sources),
        "talks": [dataclasses.asdict(t) for t in corpus.talks],
        "issues": [dataclasses.asdict(i) for i in corpus.issues],
    }
    write_atomic(out, json.dumps(payload, ensure_ascii=False, indent=2) + "\n")


def _cmd_ingest(args: argparse.Namespace) -> ExitCode:
    from talktopics.errors import ConfigError

    try:
        corpus = _load_input(args)
    except ConfigError as exc:
        print(f"talktopics: error: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    if not args.quiet:
        _print_ingest_table(corpus)
    _print_issues(corpus, show_all=args.verbose)
    if args.json:
        try:
            _write_ingest_json(corpus, args.json)
        except OSError as exc:
            print(f"talktopics: error: cannot write {args.json}: {exc.strerror}", file=sys.stderr)
            return ExitCode.FAILED
    if not corpus.talks:
        print("talktopics: error: no talks could be read (see the errors above)", file=sys.stderr)
        return ExitCode.FAILED
    return ExitCode.SKIPPED if corpus.skipped else ExitCode.OK


def _digest_config(args: argparse.Namespace) -> RunConfig:
    """The run configuration: ``--config`` file, then the command-line overrides."""
    import dataclasses

    from talktopics.config import load_config

    config = load_config(args.config)
    topics = config.topics
    embed = topics.embed
    if args.model is not None:
        embed = dataclasses.replace(embed, model=args.model)
    if args.embedder is not None:
        embed = dataclasses.replace(embed, embedder=args.embedder)
    topics = dataclasses.replace(topics, embed=embed)
    if args.seed is not None:
        topics = dataclasses.replace(topics, seed=args.seed)
    if args.topics is not None:
        if args.topics < 1:
            raise ConfigError(f"--topics {args.topics} is invalid; must be >= 1")
        topics = dataclasses.replace(topics, target_topics=args.topics)
    return dataclasses.replace(config, topics=topics)


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _cmd_digest(args: argparse.Namespace) -> ExitCode:
    import signal

    from talktopics import pipeline
    from talktopics.ingest import parse_column_map

    try:
        config = _digest_config(args)
        formats = pipeline.parse_formats(args.formats)
        column_map = parse_column_map(args.column_map)
    except ConfigError as exc:
        print(f"talktopics: error: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    # SIGTERM unwinds like Ctrl-C, so temporary files are removed and no partial digest stays.
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        result = pipeline.run_digest(
            args.paths,
            args.out,
            formats=formats,
            schedule=args.schedule,
            config=config,
            input_format=args.input_format,
            column_map=column_map,
            conference=args.conference,
            year=args.year,
            progress=not args.quiet,
            timings=args.timings,
        )
    except pipeline.NoTalksError as exc:
        _print_issues(exc.corpus, show_all=args.verbose)
        print(f"talktopics: error: {exc}", file=sys.stderr)
        return ExitCode.FAILED
    except ConfigError as exc:
        print(f"talktopics: error: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    finally:
        signal.signal(signal.SIGTERM, previous)
    _print_issues(result.corpus, show_all=args.verbose)
    if not args.quiet:
        digest = result.digest
        _print_topics_table(
            digest.topics,
            (),  # sub-topics are in the digest files; the terminal gets the overview
            digest.talk_topics,
            {t.id: t.title for t in digest.talks},
            f"seed {digest.run.seed}, {digest.run.embedder}",
            stderr=True,
        )
        others = sum(1 for tt in digest.talk_topics if tt.primary == OTHER_TOPIC)
        print(
            f"{len(digest.talks)} talks in {len(digest.topics)} topics ({others} in no topic), "
            f"{len(result.corpus.issues)} input issues, "
            f"{sum(s for _, s in result.timings):.1f} s",
            file=sys.stderr,
        )
    for path in result.paths:
        print(path)
    return ExitCode.SKIPPED if result.corpus.skipped else ExitCode.OK


def _cmd_topics(args: argparse.Namespace) -> ExitCode:
    from rich.console import Console

    from talktopics.graph import write_graph
    from talktopics.topics import fit_topics

    try:
        config = _digest_config(args)
        corpus = _load_input(args)
    except ConfigError as exc:
        print(f"talktopics: error: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    _print_issues(corpus, show_all=args.verbose)
    if not corpus.talks:
        print("talktopics: error: no talks could be read (see the errors above)", file=sys.stderr)
        return ExitCode.FAILED
    console = Console(stderr=True, quiet=args.quiet)
    with console.status("Finding topics") as status:

        def say(message: str) -> None:
            status.update(message)
            logger.info("%s", message)

        try:
            model = fit_topics(corpus.talks, config.topics, progress=say)
        except ConfigError as exc:
            print(f"talktopics: error: {exc}", file=sys.stderr)
            return ExitCode.USAGE
    try:
        folder = model.save(args.out)
        graph_path = write_graph(model.word_graph, args.graph) if args.graph else None
    except OSError as exc:
        print(f"talktopics: error: cannot write the model: {exc}", file=sys.stderr)
        return ExitCode.FAILED
    if not args.quiet:
        _print_topics_table(
            model.topics,
            model.subtopics,
            model.talk_topics,
            {t.id: t.title for t in corpus.talks},
            f"seed {model.info.seed}, {model.info.embedder}",
        )
    print(folder / "model.json")
    if graph_path is not None:
        print(graph_path)
    return ExitCode.SKIPPED if corpus.skipped else ExitCode.OK


def _print_topics_table(
    topics: Sequence[Topic],
    subtopics: Sequence[Topic],
    talk_topics: Sequence[TalkTopics],
    titles: dict[str, str],
    caption: str,
    *,
    stderr: bool = False,
    shown_talks: int = 3,
) -> None:
    """The topics as a rich table: label, top terms, talks, sub-topics below their topic."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(
        title=f"{len(topics)} topics in {len(talk_topics)} talks ({caption})",
        show_lines=True,
    )
    table.add_column("topic", no_wrap=True)
    table.add_column("label", style="bold")
    table.add_column("top terms")
    table.add_column("talks", justify="right")
    table.add_column("most representative talks")
    children: dict[str, list[Topic]] = {}
    for sub in subtopics:
        children.setdefault(sub.parent or "", []).append(sub)

    def row(topic: Topic, indent: str = "") -> None:
        talks = "\n".join(escape(titles.get(t, t)) for t in topic.talk_ids[:shown_talks])
        table.add_row(
            indent + topic.id,
            escape(topic.label),
            escape(", ".join(term for term, _ in topic.terms[:6])),
            str(len(topic.talk_ids)),
            talks,
        )

    for topic in topics:
        row(topic)
        for sub in children.get(topic.id, []):
            row(sub, indent="  ")
    others = [t.talk_id for t in talk_topics if t.primary == OTHER_TOPIC]
    if others:
        table.add_row(
            "other",
            "(fits no topic)",
            "",
            str(len(others)),
            "\n".join(escape(titles.get(t, t)) for t in others[:shown_talks]),
        )
    Console(stderr=stderr).print(table)


def _cmd_compare(args: argparse.Namespace) -> ExitCode:
    import contextlib
    import dataclasses
    import signal
    from collections.abc import Callable

    from rich.console import Console
    from rich.markup import escape

    from talktopics.compare import NotEnoughEditionsError
    from talktopics.compare_run import parse_compare_formats, run_compare
    from talktopics.ingest import parse_column_map

    try:
        config = _digest_config(args)
        if args.strategy is not None:
            compare = dataclasses.replace(config.compare, strategy=args.strategy)
            config = dataclasses.replace(config, compare=compare)
        formats = parse_compare_formats(args.formats)
        column_map = parse_column_map(args.column_map)
    except ConfigError as exc:
        print(f"talktopics: error: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    # SIGTERM unwinds like Ctrl-C, so temporary files are removed and no partial report stays.
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        with contextlib.ExitStack() as stack:
            say: Callable[[str], None] | None = None
            if not args.quiet:
                console = Console(stderr=True, highlight=False)
                status = stack.enter_context(console.status("Comparing editions"))

                def say(message: str) -> None:
                    status.update(escape(message))

            result = run_compare(
                args.paths,
                args.out,
                labels=args.label,
                formats=formats,
                config=config,
                input_format=args.input_format,
                column_map=column_map,
                conference=args.conference,
                progress=say,
                timings=args.timings,
            )
    except NotEnoughEditionsError as exc:
        print(f"talktopics: error: {exc}", file=sys.stderr)
        return ExitCode.FAILED
    except ConfigError as exc:
        print(f"talktopics: error: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    finally:
        signal.signal(signal.SIGTERM, previous)
    comparison = result.comparison
    for edition in result.editions:
        _print_issues(Corpus(issues=edition.issues), show_all=args.verbose)
    for skipped in comparison.skipped:
        print(f"talktopics: edition {skipped.label} skipped: {skipped.reason}", file=sys.stderr)
    if not args.quiet:
        from talktopics.render.compare_view import compare_table

        Console(stderr=True, highlight=False).print(compare_table(comparison))
    for path in result.paths:
        print(path)
    errors = any(i.level == "error" for e in result.editions for i in e.issues)
    return ExitCode.SKIPPED if comparison.skipped or errors else ExitCode.OK


def _configure_logging(args: argparse.Namespace) -> None:
    level = logging.DEBUG if getattr(args, "verbose", False) else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (callable from tests)."""
    import signal
    import threading

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
        print(f"talktopics: error: {exc}", file=sys.stderr)
        return int(ExitCode.FAILED)
    except KeyboardInterrupt:
        print("talktopics: interrupted; no partial output was written", file=sys.stderr)
        return int(ExitCode.INTERRUPTED)
    except Exception as exc:  # a bug: say so, with its own exit code (1 means "records skipped")
        logger.debug("internal error", exc_info=True)
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
