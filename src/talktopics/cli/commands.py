"""One function per command: parsed arguments in, a recipe or stage called, its results
printed (paths on stdout; tables and problems on stderr), an exit code out."""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import sys

from rich.console import Console
from rich.table import Table

from talktopics.cli.arguments import load_input, run_config
from talktopics.cli.messages import (
    print_error,
    print_ingest_table,
    print_issues,
    print_topics_table,
)
from talktopics.config import TopicConfig
from talktopics.errors import ConfigError, ExitCode, NoTalksError, counted
from talktopics.ingest import FORMATS, parse_column_map
from talktopics.outputs import parse_formats, write_atomic_text
from talktopics.progress import spinner
from talktopics.recipes.digest import DigestResult, run_digest
from talktopics.records import OTHER_TOPIC, Corpus

__all__ = ["cmd_compare", "cmd_digest", "cmd_formats", "cmd_ingest", "cmd_prepare", "cmd_topics"]

logger = logging.getLogger(__name__)


def cmd_formats(args: argparse.Namespace) -> ExitCode:
    """``talktopics formats``: the input formats as a table."""
    table = Table(title="Input formats (detected by content; force one with --input-format)")
    table.add_column("format")
    table.add_column("what it reads")
    for name, fmt in FORMATS.items():
        table.add_row(name, fmt.description)
    Console().print(table)
    return ExitCode.OK


def cmd_ingest(args: argparse.Namespace) -> ExitCode:
    """``talktopics ingest``: what was read per source, every problem, optionally as JSON."""
    try:
        corpus = load_input(args)
    except ConfigError as exc:
        print_error(exc)
        return ExitCode.USAGE
    if not args.quiet:
        print_ingest_table(corpus)
    print_issues(corpus, show_all=args.verbose)
    if args.json:
        try:
            write_atomic_text(args.json, corpus_json(corpus))
        except OSError as exc:
            print_error(f"cannot write {args.json}: {exc.strerror}")
            return ExitCode.FAILED
    if not corpus.talks:
        print_error(NoTalksError(corpus, args.paths))
        return ExitCode.FAILED
    return ExitCode.SKIPPED if corpus.skipped else ExitCode.OK


def corpus_json(corpus: Corpus) -> str:
    """The corpus (name, sources, talks, issues) as indented JSON text."""
    payload = {
        "name": corpus.name,
        "sources": list(corpus.sources),
        "talks": [dataclasses.asdict(t) for t in corpus.talks],
        "issues": [dataclasses.asdict(i) for i in corpus.issues],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def cmd_digest(args: argparse.Namespace) -> ExitCode:
    """``talktopics digest``: the digest recipe; the topics table and a summary on stderr,
    the paths written on stdout."""
    try:
        config = run_config(args)
        formats = parse_formats(args.formats)
        column_map = parse_column_map(args.column_map)
        result = run_digest(
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
    except NoTalksError as exc:
        print_issues(exc.corpus, show_all=args.verbose)
        print_error(exc)
        return ExitCode.FAILED
    except ConfigError as exc:
        print_error(exc)
        return ExitCode.USAGE
    print_issues(result.corpus, show_all=args.verbose)
    if not args.quiet:
        _print_digest_overview(result, config.topics)
    for path in result.paths:
        print(path)
    return ExitCode.SKIPPED if result.corpus.skipped else ExitCode.OK


def _print_digest_overview(result: DigestResult, topics: TopicConfig) -> None:
    """The topics table and a one-line summary on stderr."""
    digest = result.digest
    print_topics_table(
        digest.topics,
        (),  # sub-topics are in the digest files; the terminal gets the overview
        digest.talk_topics,
        {t.id: t.title for t in digest.talks},
        f"seed {digest.run.seed}, {digest.run.embedder}",
        stderr=True,
    )
    others = sum(1 for tt in digest.talk_topics if tt.primary == OTHER_TOPIC)
    print(
        f"{counted(len(digest.talks), 'talk')} in {counted(len(digest.topics), 'topic')} "
        f"({others} in no topic), {counted(len(result.corpus.issues), 'input issue')}, "
        f"{sum(s for _, s in result.timings):.1f} s",
        file=sys.stderr,
    )
    if digest.topics:
        return
    from talktopics.topics.fit import talks_needed  # the topic stack only when it is needed

    needed = talks_needed(topics)
    if len(digest.talks) < needed:
        print(
            f"no topics: {counted(len(digest.talks), 'talk')} "
            f"{'is' if len(digest.talks) == 1 else 'are'} too few; "
            f"topics need at least {needed} talks",
            file=sys.stderr,
        )


def cmd_topics(args: argparse.Namespace) -> ExitCode:
    """``talktopics topics``: fit the topic model, save it, print its topics."""
    from talktopics.topics import TopicModel, write_graph

    try:
        config = run_config(args)
        corpus = load_input(args)
    except ConfigError as exc:
        print_error(exc)
        return ExitCode.USAGE
    print_issues(corpus, show_all=args.verbose)
    if not corpus.talks:
        print_error(NoTalksError(corpus, args.paths))
        return ExitCode.FAILED
    with spinner("Finding topics", enabled=not args.quiet) as show:

        def say(message: str) -> None:
            show(message)
            logger.info("%s", message)

        try:
            model = TopicModel(config.topics).fit(corpus.talks, progress=say)
        except ConfigError as exc:
            print_error(exc)
            return ExitCode.USAGE
    try:
        folder = model.save(args.out)
        graph_path = write_graph(model.word_graph_, args.graph) if args.graph else None
    except OSError as exc:
        print_error(f"cannot write the model: {exc}")
        return ExitCode.FAILED
    if not args.quiet:
        print_topics_table(
            model.topics_,
            model.subtopics_,
            model.talk_topics_,
            {t.id: t.title for t in corpus.talks},
            f"seed {model.info_.seed}, {model.info_.embedder}",
        )
    print(folder / "model.json")
    if graph_path is not None:
        print(graph_path)
    return ExitCode.SKIPPED if corpus.skipped else ExitCode.OK


def cmd_compare(args: argparse.Namespace) -> ExitCode:
    """``talktopics compare``: the compare recipe; skipped editions and the table of topics
    per edition on stderr, the paths written on stdout."""
    from talktopics.compare import NotEnoughEditionsError
    from talktopics.recipes.compare import parse_compare_formats, run_compare
    from talktopics.render.compare_view import compare_table

    try:
        config = run_config(args)
        formats = parse_compare_formats(args.formats)
        column_map = parse_column_map(args.column_map)
        with spinner("Comparing editions", enabled=not args.quiet) as say:
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
        print_error(exc)
        return ExitCode.FAILED
    except ConfigError as exc:
        print_error(exc)
        return ExitCode.USAGE
    comparison = result.comparison
    for edition in result.editions:
        print_issues(Corpus(issues=edition.issues), show_all=args.verbose)
    for skipped in comparison.skipped:
        print(f"talktopics: edition {skipped.label} skipped: {skipped.reason}", file=sys.stderr)
    if not args.quiet:
        Console(stderr=True, highlight=False).print(compare_table(comparison))
    for path in result.paths:
        print(path)
    errors = any(i.level == "error" for e in result.editions for i in e.issues)
    return ExitCode.SKIPPED if comparison.skipped or errors else ExitCode.OK


def cmd_prepare(args: argparse.Namespace) -> ExitCode:
    """``talktopics prepare``: the encoder's OpenVINO IR built in the model cache (once per
    machine); its path on stdout (nothing when the configuration runs no OpenVINO model)."""
    from talktopics.config import load_config
    from talktopics.embed import prepare_encoder

    try:
        embed = load_config(args.config).topics.embed
    except ConfigError as exc:
        print_error(exc)
        return ExitCode.USAGE
    if args.model is not None:
        embed = dataclasses.replace(embed, model=args.model)
    with spinner("Converting the encoder to OpenVINO (once per machine)", enabled=not args.quiet):
        xml = prepare_encoder(embed)
    if xml is not None:
        print(xml)
    return ExitCode.OK
