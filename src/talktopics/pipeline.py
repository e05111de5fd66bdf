"""The one place that knows the order of the stages: ingest -> embed -> topics (terms, word
graph, Infomap) -> summaries -> digest record -> render -> write."""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from talktopics import __version__
from talktopics.config import RunConfig
from talktopics.errors import ConfigError, IngestError, TalkTopicsError
from talktopics.records import Corpus, Digest, RunInfo, Summary, Talk

if TYPE_CHECKING:
    from talktopics.topics import TopicModel

__all__ = [
    "DIGEST_FORMATS",
    "DigestResult",
    "NoTalksError",
    "build_digest",
    "check_out_dir",
    "digest_name",
    "parse_formats",
    "run_digest",
    "write_atomic",
]

logger = logging.getLogger(__name__)

DIGEST_FORMATS: dict[str, str] = {"md": "digest.md", "html": "digest.html", "json": "digest.json"}
"""Output format -> file name inside the output folder."""
MAX_NETWORK_TERMS = 150
"""Terms shown in the HTML word network (the JSON lists every term's membership anyway)."""

Say = Callable[[str], None]


class NoTalksError(IngestError):
    """No talk could be read from the input; ``corpus.issues`` says why."""

    def __init__(self, corpus: Corpus, paths: Sequence[str | Path]) -> None:
        self.corpus = corpus
        where = ", ".join(str(p) for p in paths)
        super().__init__(
            where, f"no talk could be read ({len(corpus.issues)} problems, listed above)"
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class DigestResult:
    """What one digest run produced."""

    paths: tuple[Path, ...]
    """Files written, in the order of the requested formats."""
    digest: Digest
    corpus: Corpus
    timings: tuple[tuple[str, float], ...] = field(default=())
    """Wall-clock seconds per stage, rendering and writing included."""


# --- the recipe -----------------------------------------------------------------------------


def run_digest(
    paths: Sequence[str | Path],
    out_dir: str | Path,
    *,
    formats: Sequence[str] = ("md", "html", "json"),
    schedule: Sequence[str | Path] = (),
    config: RunConfig | None = None,
    input_format: str | None = None,
    column_map: Mapping[str, str] | None = None,
    conference: str | None = None,
    year: int | None = None,
    progress: bool = True,
    timings: bool = False,
) -> DigestResult:
    """Turn talk records and notes into the talks-by-topic digest files.

    Args:
        paths: Input files and folders (notes, schedule exports, CSV/JSONL, ...).
        out_dir: Folder for ``digest.md`` / ``digest.html`` / ``digest.json`` (created).
        formats: Any of ``"md"``, ``"html"``, ``"json"``.
        schedule: Programme exports to join notes with.
        config: All stage options; ``None`` = defaults (seed 42).
        input_format: Force the input reader instead of detecting it.
        column_map: CSV/JSONL field -> column name.
        conference: Conference name when the input does not say.
        year: Year when the input does not say.
        progress: Show a rich progress bar per stage on stderr.
        timings: Write the (non-deterministic) stage timings into ``digest.json``.

    Returns:
        The written paths, the digest record, the corpus (with its ingest issues) and timings.

    Raises:
        ConfigError: An unknown format or option.
        NoTalksError: No talk could be read from the input.
        ModelNotAvailableError: The embedding model is not installed.
    """
    from talktopics.embed import select_embedder
    from talktopics.ingest import load_corpus
    from talktopics.summarize import summarize_talks, summarize_topics
    from talktopics.topics import TopicModel

    config = config or RunConfig()
    formats = parse_formats(formats)
    out = check_out_dir(out_dir)  # before the slow stages, not after them
    with contextlib.ExitStack() as cleanup, _Stages(enabled=progress) as stage:
        # 1. Ingest: read every input; a broken record becomes an issue, never an exception.
        with stage("ingest", "Reading talks"):
            corpus = load_corpus(
                paths,
                format=input_format,
                column_map=column_map,
                schedule=schedule,
                conference=conference,
                year=year,
                limits=config.ingest,
            )
        if not corpus.talks:
            raise NoTalksError(corpus, paths)
        logger.info("%d talks from %d sources", len(corpus.talks), len(corpus.sources))

        # 2. Embedders, wrapped in the on-disk cache. Topics embed the programme text where
        #    there is one (notes in another language are left out of talk vectors), so their
        #    embedder follows that text's language; summaries read the notes first, so theirs
        #    follows the notes' language. With "auto", English programme + Russian notes gets
        #    MiniLM for topics and the multilingual model for summaries.
        with stage("embedder", "Choosing the embedding model"):
            embedder = select_embedder(
                config.topics.embed, [_programme_language(t) for t in corpus.talks]
            )
            summary_embedder = embedder
            reading = [_reading_language(t) for t in corpus.talks]
            if config.topics.embed.embedder == "auto" and _mostly_non_english(
                reading
            ) != _mostly_non_english([_programme_language(t) for t in corpus.talks]):
                summary_embedder = select_embedder(config.topics.embed, reading)
        for used in {id(embedder): embedder, id(summary_embedder): summary_embedder}.values():
            close = getattr(used, "close", None)
            if callable(close):
                cleanup.callback(close)  # the embedding cache is closed even on an interrupt

        # 3. Topics: candidate terms, embeddings, word graph, Infomap, fuzzy memberships, labels.
        with stage("topics", "Finding topics") as say:
            model = TopicModel(config.topics, embedder=embedder).fit(corpus.talks, progress=say)

        # 4. Summaries: 1-3 sentences per talk, a blurb per topic; verbatim from the sources.
        with stage("talk_summaries", f"Summarising {len(corpus.talks)} talks"):
            talk_summaries = summarize_talks(
                corpus.talks, embedder=summary_embedder, config=config.summary
            )
        with stage("topic_summaries", f"Summarising {len(model.topics_)} topics"):
            topic_summaries = summarize_topics(
                model.topics_, corpus.talks, embedder=summary_embedder, config=config.summary
            )

        # 5. The digest record: everything the renderers need, the word network laid out.
        with stage("digest", "Laying out the word network"):
            digest = build_digest(
                corpus,
                model,
                talk_summaries,
                topic_summaries,
                timings=(*stage.timings, *(("topics." + k, v) for k, v in model.info_.timings)),
            )

        # 6. Render every format in memory first, then write each file atomically: an
        #    interrupted or failed run leaves the previous digest as it was.
        with stage("render", "Rendering " + ", ".join(formats)):
            texts = {fmt: render(digest, fmt, timings=timings) for fmt in formats}
        with stage("write", f"Writing {out}"):
            try:
                written = tuple(write_atomic(out / DIGEST_FORMATS[f], texts[f]) for f in formats)
            except OSError as exc:  # disk full, folder removed meanwhile, ...
                raise TalkTopicsError(
                    f"cannot write the digest to {out}: {exc.strerror or exc}"
                ) from exc
    return DigestResult(paths=written, digest=digest, corpus=corpus, timings=stage.timings)


# --- the steps ------------------------------------------------------------------------------


def parse_formats(
    formats: str | Sequence[str], known: Sequence[str] = tuple(DIGEST_FORMATS), what: str = "digest"
) -> tuple[str, ...]:
    """``"md,html"`` or ``["md", "html"]`` -> ``("md", "html")``, checked and de-duplicated.

    Args:
        formats: Comma-separated names or a sequence of them ("markdown" = md, "htm" = html).
        known: The formats that can be written, in their usual order.
        what: What is written ("digest", "compare"), for the error messages.

    Raises:
        ConfigError: An unknown or no format.
    """
    items = formats.split(",") if isinstance(formats, str) else list(formats)
    out: list[str] = []
    for item in items:
        name = item.strip().lower().lstrip(".")
        name = {"markdown": "md", "htm": "html"}.get(name, name)
        if not name:
            continue
        if name not in known:
            raise ConfigError(
                f"unknown {what} format {item.strip()!r}; known formats: {', '.join(known)}"
            )
        if name not in out:
            out.append(name)
    if not out:
        raise ConfigError(f"no {what} format given; use e.g. --format {','.join(known)}")
    return tuple(out)


def render(digest: Digest, fmt: str, *, timings: bool = False) -> str:
    """Render the digest in one format (``"md"``, ``"html"`` or ``"json"``)."""
    from talktopics.render import render_html, render_json, render_markdown

    if fmt == "md":
        return render_markdown(digest)
    if fmt == "html":
        return render_html(digest)
    if fmt == "json":
        return render_json(digest, timings=timings)
    raise ConfigError(f"unknown digest format {fmt!r}; known formats: {', '.join(DIGEST_FORMATS)}")


def build_digest(
    corpus: Corpus,
    model: TopicModel,
    talk_summaries: Mapping[str, Summary],
    topic_summaries: Mapping[str, Summary],
    *,
    max_terms: int = MAX_NETWORK_TERMS,
    timings: Sequence[tuple[str, float]] = (),
) -> Digest:
    """Assemble the renderers' input from the stages' results.

    Args:
        corpus: The ingested talks and issues.
        model: The fitted topic model.
        talk_summaries: ``{talk id: Summary}``.
        topic_summaries: ``{topic id: Summary}``.
        max_terms: Terms shown in the word network.
        timings: Seconds per stage (kept in ``RunInfo.timings``; not rendered by default).
    """
    from talktopics.render.network import build_word_network

    info = model.info_
    backend, _, model_name = info.embedder.partition(":")
    network = build_word_network(
        model.memberships_,
        model.topics_,
        model.word_graph_,
        subtopics=model.subtopics_,
        max_nodes=max_terms,
        seed=info.seed,
    )
    cfg = model.config_
    parameters = (
        ("trials", str(cfg.trials)),
        ("target_topics", "auto" if cfg.target_topics is None else str(cfg.target_topics)),
        ("secondary_threshold", str(cfg.secondary_threshold)),
        ("embedding_dim", str(info.dim)),
        ("vocabulary_terms", str(info.n_terms)),
        ("codelength_bits", f"{info.codelength:.4f}"),
        ("network_terms", str(len(network.nodes))),
    )
    return Digest(
        name=digest_name(corpus),
        talks=corpus.talks,
        topics=model.topics_,
        subtopics=model.subtopics_,
        memberships=model.memberships_,
        talk_topics=model.talk_topics_,
        talk_summaries=tuple(talk_summaries[t.id] for t in corpus.talks if t.id in talk_summaries),
        topic_summaries=tuple(
            topic_summaries[t.id]
            for t in (*model.topics_, *model.subtopics_)
            if t.id in topic_summaries
        ),
        word_nodes=network.nodes,
        word_edges=network.edges,
        topic_positions=network.topic_positions,
        other_share=model.other_share_,
        issues=corpus.issues,
        run=RunInfo(
            version=__version__,
            seed=info.seed,
            embedder=backend if model_name else "",
            model=model_name or backend,
            parameters=parameters,
            timings=tuple((name, round(seconds, 4)) for name, seconds in timings),
        ),
    )


def digest_name(corpus: Corpus) -> str:
    """The digest's title: its editions (``"PyCon DE 2018 + PyCon DE 2019"``) when there are
    at most three, else the corpus name."""
    editions: dict[str, None] = {}
    for talk in corpus.talks:
        label = " ".join(x for x in (talk.conference.strip(), str(talk.year or "")) if x)
        if label:
            editions.setdefault(label, None)
    if 0 < len(editions) <= 3:
        return " + ".join(editions)
    return corpus.name or "Conference"


def check_out_dir(out_dir: str | Path) -> Path:
    """The output folder, checked before any work: it (or the folder it will be created in)
    must be a writable folder.

    Raises:
        ConfigError: It is a file, or the nearest existing folder is not writable.
    """
    out = Path(out_dir)
    existing = out
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise ConfigError(f"-o {out}: {existing} is not a folder; choose another output folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise ConfigError(f"-o {out}: {existing} is not writable; choose another output folder")
    return out


def write_atomic(path: str | Path, text: str) -> Path:
    """Write UTF-8 text so that ``path`` is either the old file or the complete new one.

    The text goes to a hidden temporary file in the same folder, is flushed to disk, then
    renamed over ``path`` (``os.replace`` is atomic on POSIX and Windows). On any failure or
    interrupt the temporary file is removed and ``path`` is untouched.

    Returns:
        The path written.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _file_mode(target))
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return target


def _file_mode(target: Path) -> int:
    """Keep an existing file's permissions; new files get the usual 0666 minus the umask."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _programme_language(talk: Talk) -> str | None:
    """The language of the text a talk's topic vector is made from: its programme text's
    when it has one (abstract or description), else its notes'."""
    programme = f"{talk.abstract.strip()}\n{talk.description.strip()}".strip()
    if programme:
        if talk.language:
            return talk.language
        from talktopics.nlp import detect_language

        return detect_language(programme[:2000])
    return _reading_language(talk)


def _mostly_non_english(languages: Sequence[str | None]) -> bool:
    known = [lang for lang in languages if lang]
    return bool(known) and sum(1 for lang in known if lang != "en") > len(known) / 2


def _reading_language(talk: Talk) -> str | None:
    """The language a talk is mostly read in: its notes' when it has notes, else its own."""
    if talk.notes.strip() and talk.notes_language:
        return talk.notes_language
    return talk.language


class _Stages:
    """Times each stage and shows it as a rich progress bar on stderr (unless disabled)."""

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        self.timings: tuple[tuple[str, float], ...] = ()
        self._progress: Any = None

    def __enter__(self) -> _Stages:
        if self.enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )

            self._progress = Progress(
                SpinnerColumn(finished_text="[green]✓[/]"),
                TextColumn("{task.description}"),
                BarColumn(bar_width=24),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=False,
            )
            self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()

    @contextlib.contextmanager
    def __call__(self, key: str, title: str) -> Iterator[Say]:
        """One stage: yields a callback that shows the stage's current step."""
        from rich.markup import escape

        task = None
        if self._progress is not None:
            task = self._progress.add_task(escape(title), total=None)

        def say(message: str) -> None:
            logger.info("%s: %s", title, message)
            if task is not None:
                self._progress.update(task, description=escape(f"{title}: {message}"))

        logger.info("%s", title)
        start = time.perf_counter()
        try:
            yield say
        except BaseException:
            if task is not None:
                self._progress.update(task, description=f"[red]{escape(title)}: stopped[/]")
            raise
        self.timings = (*self.timings, (key, time.perf_counter() - start))
        if task is not None:
            self._progress.update(task, description=escape(title), total=1, completed=1)
