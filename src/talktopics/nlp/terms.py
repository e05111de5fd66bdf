"""Candidate terms of a corpus: sentences analysed (and cached) into a :class:`TermTable`."""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from talktopics.config import NLPConfig
from talktopics.embed.protocol import Embedder
from talktopics.errors import ModelNotAvailableError
from talktopics.nlp.analysis import Occurrence, Sentence
from talktopics.nlp.english import english_package
from talktopics.nlp.merge import merge_translations
from talktopics.nlp.talks import analyse_corpus
from talktopics.records import Talk, TermTable, normalise_title
from talktopics.store import SqliteCache, default_cache_dir, files_digest

__all__ = ["extract_terms"]

logger = logging.getLogger(__name__)

_CYRILLIC_WORD = re.compile(r"[а-яё]+(?:-[а-яё]+)*")
"""A lower-case Russian word (a pymorphy3 lemma), hyphenated compounds included."""


def _canonical_keys(occurrences: Iterable[Occurrence]) -> dict[str, str]:
    """Map each key to the representative of its case-folded group (most frequent spelling)."""
    freq: Counter[str] = Counter(key for key, _, _ in occurrences)
    groups: dict[str, list[str]] = defaultdict(list)
    for key in freq:
        groups[key.casefold()].append(key)
    mapping: dict[str, str] = {}
    for variants in groups.values():
        best = min(variants, key=lambda k: (-freq[k], k))
        for key in variants:
            mapping[key] = best
    return mapping


def _boilerplate(sentences: Sequence[Sentence], talks: Sequence[Talk], min_talks: int) -> set[int]:
    """Indices of body sentences of three or more words repeated verbatim (digits aside) in
    ``min_talks`` or more talks with different titles: licences, room and date lines."""
    if min_talks < 2:
        return set()
    shape_titles: dict[str, set[str]] = defaultdict(set)
    shapes: list[str | None] = []
    for sent in sentences:
        if sent.is_title or len(sent.text.split()) < 3:
            shapes.append(None)
            continue
        shape = " ".join(re.sub(r"\S*\d\S*", "#", sent.text.casefold()).split())
        shapes.append(shape)
        shape_titles[shape].add(normalise_title(talks[sent.talk].title))
    return {
        i
        for i, shape in enumerate(shapes)
        if shape is not None and len(shape_titles[shape]) >= min_talks
    }


def _code_digest() -> str:
    """Digest of this package's code: any change to term extraction invalidates the cache."""
    return files_digest(Path(__file__).resolve().parent, "*.py")[:16]


def _fingerprint(config: NLPConfig) -> str:
    """Cache namespace: this module's code, the pipelines and the options that shape terms."""
    from importlib.metadata import PackageNotFoundError, version

    versions = []
    for package in ("spacy", english_package() or "-", "pymorphy3", "py3langid"):
        try:
            versions.append(f"{package}={version(package)}")
        except (PackageNotFoundError, ValueError):
            versions.append(f"{package}=?")
    parts = [
        _code_digest(),
        *versions,
        repr(sorted(config.extra_stop_words)),
        repr(sorted(config.extra_product_names)),
        repr(config.languages),
        str(config.min_term_chars),
        str(config.max_phrase_words),
    ]
    return "terms:" + hashlib.sha256("\0".join(parts).encode()).hexdigest()[:24]


def _talk_key(talk: Talk) -> bytes:
    """Cache key of everything of a talk that term extraction reads."""
    fields = [talk.title, talk.text, list(talk.speakers), talk.conference, talk.language]
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode()).digest()


def _from_cache(blob: bytes, t: int) -> list[Sentence] | None:
    try:
        rows = json.loads(blob)
        return [
            Sentence(
                talk=t,
                text=str(text),
                lang=None if lang is None else str(lang),
                is_title=bool(is_title),
                occurrences=[(str(k), str(f), str(g)) for k, f, g in occs],
            )
            for text, lang, is_title, occs in rows
        ]
    except (ValueError, TypeError):
        return None


def _to_cache(sentences: Sequence[Sentence]) -> bytes:
    rows = [[s.text, s.lang, s.is_title, s.occurrences or []] for s in sentences]
    return json.dumps(rows, ensure_ascii=False).encode()


def _corpus_sentences(
    talks: Sequence[Talk], config: NLPConfig, cache_dir: Path | None
) -> list[Sentence]:
    """Sentences of all talks with their term occurrences, from the per-talk cache where
    possible; the rest is analysed by :func:`~talktopics.nlp.talks.analyse_corpus`."""
    store = None
    namespace = ""
    found: dict[bytes, bytes] = {}
    keys: list[bytes] = []
    if cache_dir is not None:
        store = SqliteCache(cache_dir / "terms.sqlite3")
        namespace = _fingerprint(config)
        keys = [_talk_key(talk) for talk in talks]
        found = store.get_many(namespace, keys)
    per_talk: list[list[Sentence]] = []
    todo: list[int] = []
    for t in range(len(talks)):
        cached = _from_cache(found[keys[t]], t) if keys and keys[t] in found else None
        if cached is None:
            todo.append(t)
            cached = []
        per_talk.append(cached)
    # language identification and analysis of the rest, in worker processes or on a cluster
    fresh = analyse_corpus([(t, talks[t]) for t in todo], config)
    for t, sentences in zip(todo, fresh, strict=True):
        per_talk[t] = sentences
    if store is not None:
        store.put_many(namespace, [(keys[t], _to_cache(per_talk[t])) for t in todo])
        store.close()
        logger.info("term cache: %d of %d talks analysed anew", len(todo), len(talks))
    return [sent for sentences in per_talk for sent in sentences]


def extract_terms(
    talks: Sequence[Talk],
    config: NLPConfig | None = None,
    *,
    cache_dir: str | Path | None = None,
) -> TermTable:
    """Candidate terms of a corpus: who uses which term, how often, in which sentences.

    Args:
        talks: The corpus. Row ``i`` of the result belongs to ``talks[i]``; the title and the
            talk's text (abstract, description, notes) are analysed. The talk's speaker names
            and the conference's own name are not terms.
        config: Stop words, languages, phrase length, boilerplate and cache options;
            defaults to ``NLPConfig()``.
        cache_dir: Where the per-talk term cache lives; None = ``$TALKTOPICS_CACHE`` or
            ``~/.cache/talktopics`` when ``config.use_cache``.

    Returns:
        A :class:`TermTable` with terms in sorted key order (deterministic), term counts per
        talk, binary term presence per sentence, display forms and languages per term.
        Sentences dropped as boilerplate keep their (empty) rows in ``sentence_counts``.
        With ``config.merge_translations`` a non-English word and its English equivalent
        share one column under the English key ("данные" counts as "data").
    """
    config = config or NLPConfig()
    # 1. sentences and their term occurrences (cached per talk)
    sentences = _corpus_sentences(talks, config, _cache_directory(cache_dir, config))
    # 2. boilerplate sentences yield nothing
    per_sentence = _kept_occurrences(sentences, talks, config)
    # 3. one column per case-folded key, counted per talk and per sentence
    table = _term_table(talks, sentences, per_sentence)
    # 4. a Russian/German/French word and its English equivalent are one term
    if config.merge_translations:
        table = _merge_translations(table, _cache_directory(cache_dir, config))
    logger.info(
        "%d talks, %d sentences -> %d candidate terms",
        len(talks),
        len(sentences),
        len(table.terms),
    )
    return table


@functools.cache
def _multilingual_embedder(cache: Path | None) -> Embedder | None:
    """The packaged multilingual encoder on whole word lists (None when it is not installed),
    their vectors cached in ``cache`` when given: a re-run reads them and loads no model."""
    from talktopics.nlp.word_vectors import WordListEmbedder

    try:
        return WordListEmbedder(cache)
    except ModelNotAvailableError as exc:
        logger.warning("terms of different languages are not merged: %s", exc)
        return None


def _merge_translations(table: TermTable, cache: Path | None) -> TermTable:
    """The table with non-English words merged into their English equivalents."""
    if not any(langs and "en" not in langs for langs in table.languages):
        return table  # nothing to merge: do not load the encoder
    if not any("en" in langs for langs in table.languages):
        return table
    embedder = _multilingual_embedder(cache)
    return table if embedder is None else merge_translations(table, embedder, cache_dir=cache)


def _cache_directory(cache_dir: str | Path | None, config: NLPConfig) -> Path | None:
    """The term cache's folder: the one given, else the default one (None = no cache)."""
    if cache_dir is not None:
        return Path(cache_dir).expanduser()
    return default_cache_dir() if config.use_cache else None


def _kept_occurrences(
    sentences: Sequence[Sentence], talks: Sequence[Talk], config: NLPConfig
) -> list[list[Occurrence]]:
    """Term occurrences per sentence; none for boilerplate sentences."""
    skip = _boilerplate(sentences, talks, config.boilerplate_min_talks)
    if skip:
        logger.info("%d boilerplate sentences (repeated across talks) yield no terms", len(skip))
    return [[] if i in skip else (sent.occurrences or []) for i, sent in enumerate(sentences)]


def _term_table(
    talks: Sequence[Talk],
    sentences: Sequence[Sentence],
    per_sentence: Sequence[Sequence[Occurrence]],
) -> TermTable:
    """Count the occurrences into talk x term and sentence x term matrices."""
    mapping = _canonical_keys(occ for occs in per_sentence for occ in occs)
    keys = sorted(set(mapping.values()))
    column = {key: j for j, key in enumerate(keys)}
    surfaces: dict[str, Counter[str]] = defaultdict(Counter)
    languages: dict[str, set[str]] = defaultdict(set)
    talk_cells: tuple[list[int], list[int]] = ([], [])
    sentence_cells: tuple[list[int], list[int]] = ([], [])
    for row, occs in enumerate(per_sentence):
        seen: set[int] = set()
        for key, surface, lang in occs:
            canon = mapping[key]
            j = column[canon]
            talk_cells[0].append(sentences[row].talk)
            talk_cells[1].append(j)
            surfaces[canon][surface] += 1
            languages[canon].add(lang)
            if j not in seen:
                seen.add(j)
                sentence_cells[0].append(row)
                sentence_cells[1].append(j)
    counts = _ones_matrix(talk_cells, (len(talks), len(keys)))
    counts.sum_duplicates()
    return TermTable(
        talk_ids=tuple(talk.id for talk in talks),
        terms=tuple(keys),
        display=tuple(_display_form(k, surfaces[k], languages[k]) for k in keys),
        counts=counts,
        languages=tuple(tuple(sorted(languages[k])) for k in keys),
        sentence_counts=_ones_matrix(sentence_cells, (len(sentences), len(keys))),
        sentence_talk=tuple(s.talk for s in sentences),
    )


def _ones_matrix(cells: tuple[list[int], list[int]], shape: tuple[int, int]) -> Any:
    """A CSR int32 matrix with a 1 for every (row, column) cell (duplicates kept)."""
    from scipy import sparse

    rows, cols = cells
    return sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.int32), (rows, cols)), shape=shape, dtype=np.int32
    )


def _display_form(key: str, surfaces: Counter[str], languages: set[str]) -> str:
    """How a term is shown: its most frequent spelling; ties prefer the lower-case one
    (titles capitalise words). A Russian word is shown as its lemma: its case forms
    ("процесса", "разметку") read as fragments in a list of topic words."""
    if languages == {"ru"} and " " not in key and _CYRILLIC_WORD.fullmatch(key):
        return key
    return min(surfaces.items(), key=lambda kv: (-kv[1], kv[0] != kv[0].lower(), kv[0]))[0]
