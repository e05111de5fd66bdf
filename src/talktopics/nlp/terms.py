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
from typing import TYPE_CHECKING

import numpy as np

from talktopics.config import NLPConfig
from talktopics.nlp.analysis import Occurrence, _analyse, _english_package, _Sentence
from talktopics.nlp.language import _detect, _iso639_1
from talktopics.nlp.lexicon import _Lexicon
from talktopics.nlp.text import clean_text, split_sentences
from talktopics.records import Talk, TermTable, normalise_title

if TYPE_CHECKING:
    from talktopics.embed import Embedder

__all__ = ["extract_terms", "merge_similar_terms"]

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


def _names_pattern(talk: Talk) -> re.Pattern[str] | None:
    """Speaker names and the conference's own name: they say who and where, not what."""
    names: set[str] = set()
    for speaker in talk.speakers:
        speaker = speaker.strip()
        if speaker:
            names.add(speaker)
            names.update(part for part in speaker.split() if len(part) >= 3 and part[0].isupper())
    if talk.conference.strip():
        names.add(talk.conference.strip())
        names.update(
            part for part in talk.conference.split() if re.search(r"[a-z][A-Z]", part)
        )  # EuroPython, PyCon, PyData
    if not names:
        return None
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=lambda n: (-len(n), n)))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?:['’]s)?(?![\w-])", re.I)


def _boilerplate(sentences: Sequence[_Sentence], talks: Sequence[Talk], min_talks: int) -> set[int]:
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


@functools.cache
def _code_digest() -> str:
    """Digest of this package's code: any change to term extraction invalidates the cache."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _fingerprint(config: NLPConfig) -> str:
    """Cache namespace: this module's code, the pipelines and the options that shape terms."""
    from importlib.metadata import PackageNotFoundError, version

    versions = []
    for package in ("spacy", _english_package() or "-", "pymorphy3", "py3langid"):
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


def _talk_sentences(talk: Talk, t: int, config: NLPConfig) -> list[_Sentence]:
    """Cleaned sentences of one talk (title first) with their languages."""
    title = clean_text(talk.title)
    body = clean_text(talk.text)
    names = _names_pattern(talk)
    if names is not None:
        title, body = names.sub(" ", title), names.sub(" ", body)
    title = " ".join(title.split())
    doc_lang = _detect(f"{title}\n\n{body}", config.languages, fallback=_iso639_1(talk.language))
    sentences: list[_Sentence] = []
    if title:
        lang = _detect(title, config.languages, fallback=doc_lang)
        sentences.append(_Sentence(talk=t, text=title, lang=lang, is_title=True))
    for text in split_sentences(body):
        lang = _detect(text, config.languages, fallback=doc_lang)
        sentences.append(_Sentence(talk=t, text=text, lang=lang))
    return sentences


def _from_cache(blob: bytes, t: int) -> list[_Sentence] | None:
    try:
        rows = json.loads(blob)
        return [
            _Sentence(
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


def _to_cache(sentences: Sequence[_Sentence]) -> bytes:
    rows = [[s.text, s.lang, s.is_title, s.occurrences or []] for s in sentences]
    return json.dumps(rows, ensure_ascii=False).encode()


def _corpus_sentences(
    talks: Sequence[Talk], config: NLPConfig, cache_dir: Path | None
) -> list[_Sentence]:
    """Sentences of all talks with their term occurrences, from the per-talk cache where
    possible; the rest is analysed in one batch per language."""
    lex = _Lexicon(config)
    store = None
    namespace = ""
    found: dict[bytes, bytes] = {}
    keys: list[bytes] = []
    if cache_dir is not None:
        from talktopics.embed import SqliteCache

        store = SqliteCache(cache_dir / "terms.sqlite3")
        namespace = _fingerprint(config)
        keys = [_talk_key(talk) for talk in talks]
        found = store.get_many(namespace, keys)
    per_talk: list[list[_Sentence]] = []
    todo: list[int] = []
    for t, talk in enumerate(talks):
        cached = _from_cache(found[keys[t]], t) if keys and keys[t] in found else None
        if cached is None:
            cached = _talk_sentences(talk, t, config)
            todo.append(t)
        per_talk.append(cached)
    fresh = [sent for t in todo for sent in per_talk[t]]
    if fresh:
        for sent, occs in zip(fresh, _analyse(fresh, config, lex), strict=True):
            sent.occurrences = occs
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
    """
    from scipy import sparse

    config = config or NLPConfig()
    directory: Path | None = None
    if cache_dir is not None:
        directory = Path(cache_dir).expanduser()
    elif config.use_cache:
        from talktopics.embed import default_cache_dir

        directory = default_cache_dir()
    sentences = _corpus_sentences(talks, config, directory)
    skip = _boilerplate(sentences, talks, config.boilerplate_min_talks)
    if skip:
        logger.info("%d boilerplate sentences (repeated across talks) yield no terms", len(skip))
    per_sentence = [
        [] if i in skip else (sent.occurrences or []) for i, sent in enumerate(sentences)
    ]

    mapping = _canonical_keys(occ for occs in per_sentence for occ in occs)
    keys = sorted(set(mapping.values()))
    column = {key: j for j, key in enumerate(keys)}
    surfaces: dict[str, Counter[str]] = defaultdict(Counter)
    languages: dict[str, set[str]] = defaultdict(set)
    talk_rows: list[int] = []
    talk_cols: list[int] = []
    sent_rows: list[int] = []
    sent_cols: list[int] = []
    for row, occs in enumerate(per_sentence):
        seen: set[int] = set()
        for key, surface, lang in occs:
            canon = mapping[key]
            j = column[canon]
            talk_rows.append(sentences[row].talk)
            talk_cols.append(j)
            surfaces[canon][surface] += 1
            languages[canon].add(lang)
            if j not in seen:
                seen.add(j)
                sent_rows.append(row)
                sent_cols.append(j)
    shape = (len(talks), len(keys))
    counts = sparse.csr_matrix(
        (np.ones(len(talk_rows), dtype=np.int32), (talk_rows, talk_cols)),
        shape=shape,
        dtype=np.int32,
    )
    counts.sum_duplicates()
    sentence_counts = sparse.csr_matrix(
        (np.ones(len(sent_rows), dtype=np.int32), (sent_rows, sent_cols)),
        shape=(len(sentences), len(keys)),
        dtype=np.int32,
    )
    # Most frequent spelling; ties prefer the lower-case one (titles capitalise words).
    # A Russian word is shown as its lemma: its case forms ("процесса", "разметку") read
    # as fragments in a list of topic words.
    display = tuple(
        k
        if languages[k] == {"ru"} and " " not in k and _CYRILLIC_WORD.fullmatch(k)
        else min(surfaces[k].items(), key=lambda kv: (-kv[1], kv[0] != kv[0].lower(), kv[0]))[0]
        for k in keys
    )
    logger.info(
        "%d talks, %d sentences -> %d candidate terms", len(talks), len(sentences), len(keys)
    )
    return TermTable(
        talk_ids=tuple(talk.id for talk in talks),
        terms=tuple(keys),
        display=display,
        counts=counts,
        languages=tuple(tuple(sorted(languages[k])) for k in keys),
        sentence_counts=sentence_counts,
        sentence_talk=tuple(s.talk for s in sentences),
    )


def merge_similar_terms(
    table: TermTable, embedder: Embedder, *, threshold: float = 0.9, min_df: int = 2
) -> TermTable:
    """Merge near-duplicate terms of different languages into one column.

    "машинное обучение" and "machine learning" become one term when their embeddings have
    cosine >= ``threshold``. Only groups with disjoint language sets are merged (each term
    with its best such partner), and only an embedder that maps languages into one space
    (the multilingual backend) makes sense here. Same-language near-duplicates stay apart:
    they usually differ in meaning ("data science" / "data scientist"). The merged column
    keeps the key and display form of the member seen in more talks.

    Args:
        table: Output of :func:`extract_terms`.
        embedder: Embeds the terms' display forms.
        threshold: Cosine similarity needed to merge.
        min_df: Only terms in at least this many talks are compared (bounds the cost).

    Returns:
        A new table (the input is returned unchanged when nothing merges).
    """
    df = np.asarray((table.counts > 0).sum(axis=0)).ravel()
    langs = table.languages or tuple(() for _ in table.terms)
    cand = [j for j in range(len(table.terms)) if df[j] >= min_df and langs[j]]
    if len({lang for j in cand for lang in langs[j]}) < 2:
        return table
    vectors = embedder.embed([table.display[j] for j in cand])
    parent = list(range(len(table.terms)))

    def find(j: int) -> int:
        while parent[j] != j:
            parent[j] = parent[parent[j]]
            j = parent[j]
        return j

    # Languages of each group (by root): groups only merge when these are disjoint, so a
    # chain "selection" ~ "выбор" ~ "choice" cannot fuse two English terms.
    group_langs = {j: set(langs[j]) for j in cand}
    merged = 0
    for start in range(0, len(cand), 1024):
        sims = vectors[start : start + 1024] @ vectors.T
        for r in range(sims.shape[0]):
            a = cand[start + r]
            order = np.argsort(-sims[r], kind="stable")
            for c in order[:20]:
                b = cand[int(c)]
                if sims[r, c] < threshold:
                    break
                ra, rb = find(a), find(b)
                if ra == rb:
                    continue
                if group_langs[ra] & group_langs[rb]:
                    continue
                keep, drop = sorted((ra, rb), key=lambda j: (-df[j], table.terms[j]))
                parent[drop] = keep
                group_langs[keep] |= group_langs.pop(drop)
                merged += 1
                break
    if not merged:
        return table
    logger.info("merged %d cross-lingual near-duplicate terms", merged)
    return _merge_columns(table, [find(j) for j in range(len(table.terms))])


def _merge_columns(table: TermTable, target: Sequence[int]) -> TermTable:
    """Sum columns that share a target column (the target's key and display survive)."""
    from scipy import sparse

    roots = sorted(set(target), key=lambda j: table.terms[j])
    new_index = {root: i for i, root in enumerate(roots)}
    n = len(table.terms)
    projection = sparse.csr_matrix(
        (np.ones(n, dtype=np.int32), (np.arange(n), [new_index[target[j]] for j in range(n)])),
        shape=(n, len(roots)),
        dtype=np.int32,
    )
    counts = (table.counts @ projection).tocsr()
    sentence_counts = None
    if table.sentence_counts is not None:
        sentence_counts = ((table.sentence_counts @ projection) > 0).astype(np.int32).tocsr()
    languages: list[set[str]] = [set() for _ in roots]
    if table.languages:
        for j in range(n):
            languages[new_index[target[j]]].update(table.languages[j])
    return TermTable(
        talk_ids=table.talk_ids,
        terms=tuple(table.terms[r] for r in roots),
        display=tuple(table.display[r] for r in roots),
        counts=counts,
        languages=tuple(tuple(sorted(x)) for x in languages) if table.languages else (),
        sentence_counts=sentence_counts,
        sentence_talk=table.sentence_talk,
    )
