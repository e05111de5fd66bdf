"""The recipe of ``talktopics digest``: input paths in, the digest files out.

read -> choose the embedders -> (the digest record of an earlier identical run, from the result
cache, or:) candidate terms (the encoder loading meanwhile) -> one encoder pass of the talk
texts -> topics -> summaries -> digest record -> render -> write.
:func:`build_digest` (talks -> Digest) and :func:`write_digest` (Digest -> files) are the two
halves for use from Python; :func:`run_digest` is the whole command.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from talktopics.config import RunConfig
from talktopics.digest_cache import DigestCache, digest_key, results_enabled
from talktopics.embed import release_backend
from talktopics.embedder_choice import EmbedderChoice, choose_embedders
from talktopics.errors import NoTalksError
from talktopics.ingest import read_talks
from talktopics.outputs import DIGEST_FORMATS, check_out_dir, parse_formats, write_files
from talktopics.parallel import use_executor
from talktopics.progress import Stages, Timings
from talktopics.records import Corpus, Digest, Talk
from talktopics.render import render_digest
from talktopics.store import default_cache_dir

__all__ = ["DigestResult", "build_digest", "run_digest", "write_digest"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class DigestResult:
    """What one digest run produced."""

    paths: tuple[Path, ...]
    """Files written, in the order of the requested formats."""
    digest: Digest
    corpus: Corpus
    timings: Timings = field(default=())
    """Wall-clock seconds per stage, rendering and writing included."""


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
    config = config or RunConfig()
    formats = parse_formats(formats)
    out = check_out_dir(out_dir)  # before the slow stages, not after them
    # Reading, term extraction and encoding go to the run's executor (a cluster with Dask).
    with Stages(display=progress) as stages, use_executor(config.parallel):
        # 1. Ingest: read every input; a broken record becomes an issue, never an exception.
        with stages.stage("ingest", "Reading talks"):
            corpus = read_talks(
                paths,
                format=input_format,
                column_map=column_map,
                schedule=schedule,
                conference=conference,
                year=year,
                limits=config.ingest,
            )
            if not corpus.talks:  # inside the stage: it shows as stopped, not done
                raise NoTalksError(corpus, paths)
        logger.info("%d talks from %d sources", len(corpus.talks), len(corpus.sources))

        # 2-5. Embedders, topics, summaries and the digest record.
        digest = build_digest(corpus, config=config, stages=stages)

        # 6. Render every format in memory first, then write the files all or nothing: an
        #    interrupted or failed run leaves the previous digest set as it was.
        with stages.stage("render", "Rendering " + ", ".join(formats)):
            texts = {DIGEST_FORMATS[f]: render_digest(digest, f, timings=timings) for f in formats}
        with stages.stage("write", f"Writing {out}"):
            written = write_files(out, texts)
    return DigestResult(paths=written, digest=digest, corpus=corpus, timings=stages.timings)


def build_digest(
    talks: Corpus | Sequence[Talk],
    *,
    config: RunConfig | None = None,
    stages: Stages | None = None,
) -> Digest:
    """Talks in, the digest record out: embedders, topics, summaries, word network.

    Args:
        talks: The talks (a corpus keeps its name and ingest issues in the digest).
        config: All stage options; ``None`` = defaults (seed 42).
        stages: Times (and shows) the stages; ``None`` = timed silently.

    Raises:
        ConfigError: An invalid option.
        ModelNotAvailableError: The embedding model is not installed.
    """
    corpus = talks if isinstance(talks, Corpus) else Corpus(talks=tuple(talks))
    config = config or RunConfig()
    stages = stages or Stages()
    with contextlib.ExitStack() as cleanup:
        # 2. Embedders, wrapped in the on-disk cache: one for topic vectors, one for summaries
        #    (the same one unless the notes and the programme are in different languages).
        with stages.stage("embedder", "Choosing the embedding model"):
            embedders = choose_embedders(corpus.talks, config.topics.embed)
        for used in embedders.distinct():
            close = getattr(used, "close", None)
            if callable(close):
                cleanup.callback(close)  # the embedding cache is closed even on an interrupt

        # 2b. A re-run of the same talks with the same options, code and libraries reads the
        #     digest record the last run built (see talktopics.digest_cache).
        cache = result_cache(config)
        if cache is None:
            return compute_digest(corpus, embedders, config, stages, cache_dir=None)
        cleanup.callback(cache.close)
        names = [embedders.topics.name, embedders.summaries.name]
        key = digest_key(corpus, config, [str(name) for name in names])
        found = cache.get(key)
        if found is not None:
            logger.info("digest record read from the result cache %s", cache.store.path)
            return dataclasses.replace(
                found, run=dataclasses.replace(found.run, timings=stages.timings)
            )
        digest = compute_digest(
            corpus, embedders, config, stages, cache_dir=cache.store.path.parent
        )
        cache.put(key, digest)
        return digest


def result_cache(config: RunConfig) -> DigestCache | None:
    """The result cache in the embedding cache's folder; None when the run keeps no cache (or
    ``TALKTOPICS_RESULT_CACHE=0``)."""
    embed = config.topics.embed
    if not (embed.use_cache and config.topics.nlp.use_cache and results_enabled()):
        return None
    return DigestCache(
        Path(embed.cache_dir).expanduser() if embed.cache_dir else default_cache_dir()
    )


def compute_digest(
    corpus: Corpus,
    embedders: EmbedderChoice,
    config: RunConfig,
    stages: Stages,
    *,
    cache_dir: Path | None,
) -> Digest:
    """The stages after the embedders' choice: terms, one encoder pass, topics, summaries, the
    digest record (imported here: a run served from the result cache loads none of them). The
    map of talks is cached in ``cache_dir`` (None = not cached)."""
    from talktopics.digest_record import assemble_digest
    from talktopics.encode_pass import encode_talks, start_encoder
    from talktopics.nlp import extract_terms
    from talktopics.summaries import summarize_talks, summarize_topics
    from talktopics.topics import TopicModel
    from talktopics.topics.talk_text import topic_texts

    # 2b. Candidate terms (spaCy, in worker processes on a large corpus), while the encoder
    #     backend is built in the background: a cold run converts and compiles the model.
    #     The topic texts are made once, for the encoder pass and the topic stage.
    with stages.stage("terms", f"Extracting terms from {len(corpus.talks)} talks"):
        texts = topic_texts(corpus.talks, embedders.topics)
        start_encoder(
            texts, topics=embedders.topics, summaries=embedders.summaries, config=config.summary
        )
        terms = extract_terms(corpus.talks, config.topics.nlp)

    # 2c. One encoder pass: the chunks talk vectors are pooled from, each once, longest
    #     first over the whole run (the topic stage reads the cache). Summaries embed
    #     nothing: they rank by word overlap and pick representative talks by talk vectors.
    with stages.stage("encode", "Embedding talk texts"):
        encode_talks(
            corpus.talks,
            texts=texts,
            topics=embedders.topics,
            summaries=embedders.summaries,
            config=config.summary,
        )

    # 3. Topics: embeddings of talks and terms, word graph, Infomap, fuzzy memberships, labels.
    with stages.stage("topics", "Finding topics") as say:
        model = TopicModel(config.topics, embedder=embedders.topics).fit(
            corpus.talks, terms, texts=texts, progress=say
        )
    release_models(embedders)  # what the summaries embed is cached by the encoder pass

    # 4. Summaries: 1-3 sentences per talk, a blurb per topic; verbatim from the sources.
    with stages.stage("talk_summaries", f"Summarising {len(corpus.talks)} talks"):
        talk_summaries = summarize_talks(
            corpus.talks, embedder=embedders.summaries, config=config.summary
        )
    with stages.stage("topic_summaries", f"Summarising {len(model.topics_)} topics"):
        state = model.state_
        topic_summaries = summarize_topics(
            model.topics_,
            corpus.talks,
            embedder=embedders.summaries,
            config=config.summary,
            subtopics=model.subtopics_,
            talk_vectors=dict(zip(state.talk_ids, state.talk_vectors, strict=True)),
        )

    # 5. The digest record: everything the renderers need, the word network and map laid out.
    with stages.stage("digest", "Laying out the word network and the map of talks"):
        return assemble_digest(
            corpus,
            model,
            talk_summaries,
            topic_summaries,
            timings=(*stages.timings, *(("topics." + k, v) for k, v in model.info_.timings)),
            cache_dir=cache_dir,
        )


def release_models(embedders: EmbedderChoice) -> None:
    """Drop the encoders' models (hundreds of MB of runtime memory) once nothing is left to
    encode; an embedder used again builds its model again."""
    for used in embedders.distinct():
        release_backend(used)


def write_digest(
    digest: Digest,
    out_dir: str | Path,
    *,
    formats: Sequence[str] = ("md", "html", "json"),
    timings: bool = False,
) -> tuple[Path, ...]:
    """Render the digest in each format and write the files, all or nothing, into ``out_dir``.

    Args:
        digest: The record from :func:`build_digest`.
        out_dir: Folder for ``digest.md`` / ``digest.html`` / ``digest.json`` (created).
        formats: Any of ``"md"``, ``"html"``, ``"json"``.
        timings: Write the stage timings into ``digest.json``.

    Returns:
        The paths written, in the order of ``formats``.

    Raises:
        ConfigError: An unknown format, or an output folder that cannot be written.
        TalkTopicsError: A file could not be written.
    """
    formats = parse_formats(formats)
    out = check_out_dir(out_dir)
    texts = {DIGEST_FORMATS[f]: render_digest(digest, f, timings=timings) for f in formats}
    return write_files(out, texts)
