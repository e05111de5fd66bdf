"""Records in (corpus, issues, topics), what the commands show on the terminal out: error
lines, ingest problems and the rich tables of sources and topics."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from talktopics.errors import counted
from talktopics.records import OTHER_TOPIC, Corpus, Talk, TalkTopics, Topic

__all__ = [
    "MAX_SHOWN_ISSUES",
    "print_error",
    "print_ingest_table",
    "print_issues",
    "print_topics_table",
]

MAX_SHOWN_ISSUES = 50
"""Issues printed without ``--verbose``."""


def print_error(message: object) -> None:
    """``talktopics: error: <message>`` on stderr."""
    print(f"talktopics: error: {message}", file=sys.stderr)


def print_issues(corpus: Corpus, *, show_all: bool) -> None:
    """The corpus' ingest problems on stderr, at most :data:`MAX_SHOWN_ISSUES` unless
    ``show_all``."""
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    issues = corpus.issues if show_all else corpus.issues[:MAX_SHOWN_ISSUES]
    for issue in issues:
        style = "bold red" if issue.level == "error" else "yellow"
        err.print(
            f"[{style}]{issue.level}[/]: {escape(str(issue.source))}: {escape(issue.message)}"
        )
    hidden = len(corpus.issues) - len(issues)
    if hidden:
        more = counted(hidden, "more issue")
        err.print(f"... and {more} (use --verbose to see all, or --json)")


def print_ingest_table(corpus: Corpus) -> None:
    """One row per source (format, talk counts, languages, warnings, skipped records) and a
    total row when there are several, on stdout."""
    rows: dict[str, list[Talk]] = {source: [] for source in corpus.sources}
    for talk in corpus.talks:
        rows.setdefault(talk.source.path, []).append(talk)
    base = _common_folder(list(rows))
    title = f"Ingested: {corpus.name}" if corpus.name else "Ingested"
    table = Table(title=escape(title), caption=escape(f"paths under {base}") if base else None)
    table.add_column("source", overflow="fold")
    table.add_column("format", overflow="fold")
    for header in ("talks", "described", "notes"):
        table.add_column(header, justify="right", no_wrap=True)
    table.add_column("langs", overflow="fold")
    table.add_column("warn", justify="right", no_wrap=True)
    table.add_column("skip", justify="right", no_wrap=True)
    for source, talks in rows.items():
        formats = sorted({f for t in talks for f in t.source.format.split("+") if f})
        issues = [i for i in corpus.issues if i.source.path == source]
        table.add_row(
            escape(os.path.relpath(source, base) if base else source),
            escape(", ".join(formats)),
            *_talk_counts(talks),
            escape(", ".join(_languages(talks))),
            str(sum(1 for i in issues if i.level == "warning")),
            str(sum(1 for i in issues if i.level == "error")),
        )
    if len(rows) > 1:
        table.add_section()
        table.add_row(
            "total",
            "",
            *_talk_counts(corpus.talks),
            escape(", ".join(_languages(corpus.talks))),
            str(sum(1 for i in corpus.issues if i.level == "warning")),
            str(corpus.skipped),
        )
    console = Console(highlight=False)
    if not console.is_terminal:
        console = Console(highlight=False, width=160)  # logs and pipes: room for paths
    console.print(table)


def _common_folder(sources: list[str]) -> str:
    """The folder above several sources ("" for one source or none in common)."""
    if len(sources) <= 1:
        return ""
    try:
        base = os.path.commonpath(sources)
    except ValueError:
        return ""
    return os.path.dirname(base) if base in sources else base


def _talk_counts(talks: Sequence[Talk]) -> list[str]:
    """Talks, talks with programme text, talks with notes."""
    return [
        str(len(talks)),
        str(sum(1 for t in talks if t.abstract.strip() or t.description.strip())),
        str(sum(1 for t in talks if t.notes.strip())),
    ]


def _languages(talks: Sequence[Talk]) -> list[str]:
    return sorted({lang for t in talks for lang in (t.language, t.notes_language) if lang})


def print_topics_table(
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
    table = Table(
        title=f"{counted(len(topics), 'topic')} in {counted(len(talk_topics), 'talk')} ({caption})",
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
