"""Frozen records that flow between the stages: each stage takes some in and gives others out.

Ingest gives :class:`Talk` records (in a :class:`Corpus`, with :class:`IngestIssue`), term
extraction a :class:`TermTable`, the topic model :class:`Topic`, :class:`TalkTopics` and the
word graph (:class:`WordNode`, :class:`WordEdge`), the summaries :class:`Summary`; a
:class:`Digest` bundles them for rendering.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "OTHER_TOPIC",
    "Corpus",
    "Digest",
    "IngestIssue",
    "IssueLevel",
    "Labels",
    "RunInfo",
    "SourceRef",
    "Summary",
    "Talk",
    "TalkTopics",
    "TermMembership",
    "TermTable",
    "Topic",
    "WordEdge",
    "WordNode",
    "normalise_title",
    "talk_id",
]


def normalise_title(title: str) -> str:
    """Fold a title for matching and ids: NFKC, casefold, punctuation to spaces, single spaces."""
    text = unicodedata.normalize("NFKC", title).casefold()
    text = re.sub(r"[^\w]+", " ", text)
    return " ".join(text.split())


def talk_id(conference: str, year: int | None, title: str) -> str:
    """Stable talk id from conference, year and normalised title.

    The id is readable (a slug of the conference and year) plus a short hash of the
    normalised title, so the same talk gets the same id in every run and every format. A
    title with nothing left after normalising (only emoji or punctuation: "🐍", "???") is
    hashed as it is, so two such talks do not share an id.
    """
    conf = normalise_title(conference).replace(" ", "-") or "conference"
    folded = normalise_title(title) or " ".join(title.split())
    key = f"{conf}|{year if year is not None else ''}|{folded}"
    # "surrogatepass": a lone surrogate (readers repair them; callers may not) must not crash
    digest = hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"{conf}-{year}-{digest}" if year is not None else f"{conf}-{digest}"


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceRef:
    """Where a record came from: file path and the record's position in it."""

    path: str
    record: str = ""
    """Record index, key or line, e.g. ``"line 42"``, ``"videos/foo.json"``, ``"sessions[17]"``."""
    format: str = ""

    def __str__(self) -> str:
        return f"{self.path}: {self.record}" if self.record else self.path


@dataclass(frozen=True, slots=True, kw_only=True)
class Labels:
    """Gold labels from the programme. Kept apart from the text and never used for fitting."""

    track: str | None = None
    tags: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()

    def is_empty(self) -> bool:
        return self.track is None and not self.tags and not self.domains


@dataclass(frozen=True, slots=True, kw_only=True)
class Talk:
    """One talk (or workshop, keynote, ...) with everything we know about it."""

    id: str
    title: str
    conference: str = ""
    year: int | None = None
    speakers: tuple[str, ...] = ()
    date: str | None = None
    """ISO date (``YYYY-MM-DD``) when known."""
    start: str | None = None
    """Start time (``HH:MM``) when known."""
    day: str | None = None
    """Day label when only that is known, e.g. a notes file's "Day 1" heading."""
    room: str | None = None
    session_type: str | None = None
    language: str | None = None
    """ISO 639-1 code of the talk's language, if the source says so."""
    abstract: str = ""
    description: str = ""
    notes: str = ""
    notes_language: str | None = None
    url: str | None = None
    video_url: str | None = None
    labels: Labels = field(default_factory=Labels)
    source: SourceRef = field(default_factory=lambda: SourceRef(path=""))
    aliases: tuple[str, ...] = ()
    """Other names the source gives the talk (a notes file's table-of-contents entry, ...);
    used to match notes with a programme."""

    @property
    def text(self) -> str:
        """All the talk's own text: abstract, description and notes, blank-line separated."""
        parts: list[str] = []
        for part in (self.abstract, self.description, self.notes):
            part = part.strip()
            if part and part not in parts:
                parts.append(part)
        return "\n\n".join(parts)

    @property
    def has_text(self) -> bool:
        return bool(self.abstract.strip() or self.description.strip() or self.notes.strip())


IssueLevel = Literal["warning", "error"]


@dataclass(frozen=True, slots=True, kw_only=True)
class IngestIssue:
    """A problem met while reading input: the batch goes on, the issue is reported."""

    level: IssueLevel
    source: SourceRef
    message: str

    def __str__(self) -> str:
        return f"{self.level}: {self.source}: {self.message}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Corpus:
    """Talks read from one or more sources, with what went wrong on the way."""

    talks: tuple[Talk, ...] = ()
    issues: tuple[IngestIssue, ...] = ()
    sources: tuple[str, ...] = ()
    name: str = ""

    @property
    def skipped(self) -> int:
        """Number of records that could not be read (errors, not warnings)."""
        return sum(1 for issue in self.issues if issue.level == "error")


# --- Topic engine results -------------------------------------------------------------------

OTHER_TOPIC = "other"
"""Topic id of the explicit bucket for talks that fit no topic."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TermMembership:
    """A term's fuzzy membership: topic ids with weights that sum to 1, strongest first."""

    term: str
    topics: tuple[tuple[str, float], ...]
    df: int = 0
    """Number of talks whose text contains the term."""
    languages: tuple[str, ...] = ()
    """Languages the term was seen in (ISO 639-1)."""

    @property
    def is_fuzzy(self) -> bool:
        """True when the term belongs to more than one topic."""
        return len(self.topics) > 1


@dataclass(frozen=True, slots=True, kw_only=True)
class Topic:
    """One topic (or sub-topic) found in a corpus."""

    id: str
    """Stable within a model: ``"t1"``, ``"t2"``, ...; sub-topics ``"t1.1"``."""
    label: str
    """Short readable label, unique among the model's topics."""
    terms: tuple[tuple[str, float], ...]
    """Top terms with weights, most characteristic first."""
    talk_ids: tuple[str, ...]
    """Talks whose primary topic this is, most representative first."""
    parent: str | None = None
    level: int = 1
    flow: float = 0.0
    """Share of the network's flow (Infomap) in this topic."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TalkTopics:
    """A talk's distribution over topics."""

    talk_id: str
    primary: str
    """Topic id, or ``OTHER_TOPIC`` when the talk fits nowhere."""
    distribution: tuple[tuple[str, float], ...]
    """Topic ids with weights summing to 1, strongest first."""
    secondary: tuple[str, ...] = ()
    """Further topics above the configured threshold."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Summary:
    """An extractive summary: sentences taken verbatim from the source, in source order."""

    subject_id: str
    """Talk id or topic id."""
    sentences: tuple[str, ...]
    source: Literal["notes", "description", "abstract", "title", "talks"]
    language: str | None = None

    @property
    def text(self) -> str:
        """The sentences as one paragraph. A sentence without end punctuation (a line of notes,
        a list item) gets a full stop before the next one, so lines never run on."""
        return " ".join(
            s if n == len(self.sentences) - 1 or _ENDS_SENTENCE.search(s) else f"{s}."
            for n, s in enumerate(self.sentences)
        )


_ENDS_SENTENCE = re.compile(r"[.!?…:;][\"'»”’)\]]*\s*$")


# --- Candidate terms (nlp -> graph/topics) --------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class TermTable:
    """Candidate terms of a corpus and where they occur.

    ``counts`` is a talks x terms sparse matrix (scipy CSR, int32) of term occurrences.
    Row ``i`` belongs to ``talk_ids[i]``; column ``j`` to ``terms[j]``.
    """

    talk_ids: tuple[str, ...]
    terms: tuple[str, ...]
    """Canonical term keys (lemmatised, lower-cased except product names), column order."""
    display: tuple[str, ...]
    """Readable surface form of each term (most frequent original spelling)."""
    counts: Any
    """scipy.sparse.csr_matrix of shape (len(talk_ids), len(terms))."""
    languages: tuple[tuple[str, ...], ...] = ()
    """Per term: the languages it was seen in."""
    sentence_counts: Any = None
    """Optional scipy.sparse.csr_matrix (sentences x terms, binary) for co-occurrence stats."""
    sentence_talk: tuple[int, ...] = ()
    """Row index into ``talk_ids`` for each sentence row of ``sentence_counts``."""


# --- The digest (pipeline -> render) --------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class WordNode:
    """One term of the displayed word network, with its fuzzy memberships and a fixed position."""

    term: str
    """Canonical term key (as in ``TermMembership.term``)."""
    display: str
    """Readable surface form shown as the node label."""
    topics: tuple[tuple[str, float], ...]
    """Topic ids with weights summing to 1, strongest first (more than one = fuzzy term)."""
    df: int = 0
    score: float = 0.0
    """Importance used for the node size (share of flow, or document frequency), 0..1."""
    x: float = 0.0
    """Precomputed position (seeded layout), in 0..1000."""
    y: float = 0.0


@dataclass(frozen=True, slots=True, kw_only=True)
class WordEdge:
    """A similarity edge between two displayed terms."""

    source: str
    target: str
    weight: float


@dataclass(frozen=True, slots=True, kw_only=True)
class RunInfo:
    """How a digest was made: tool version, models, seed, parameters and timings."""

    version: str
    seed: int | None = None
    embedder: str = ""
    """Embedding backend and, for OpenVINO, its inference precision: ``"sentence-transformers"``
    (PyTorch), ``"openvino-f32"``, ``"openvino-bf16"``, ``"use-multilingual-v3"``."""
    model: str = ""
    """Embedding model name, e.g. ``"all-MiniLM-L6-v2"``."""
    parameters: tuple[tuple[str, str], ...] = ()
    """Further settings worth reporting (name, value), in a fixed order."""
    timings: tuple[tuple[str, float], ...] = ()
    """Wall-clock seconds per stage. They differ between runs, so renderers leave them out
    unless asked (same input + same seed = byte-identical digest)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Digest:
    """Everything the renderers need: talks, topics, summaries, the word network, run info.

    Renderers are pure functions of this record; the pipeline builds it from the stages' results.
    """

    name: str
    """Corpus name used as the digest title, e.g. ``"PyCon DE 2018"``."""
    talks: tuple[Talk, ...]
    topics: tuple[Topic, ...]
    """Top-level topics, in display order (largest first)."""
    run: RunInfo
    subtopics: tuple[Topic, ...] = ()
    """Topics with a ``parent``; shown inside their parent."""
    memberships: tuple[TermMembership, ...] = ()
    talk_topics: tuple[TalkTopics, ...] = ()
    talk_summaries: tuple[Summary, ...] = ()
    topic_summaries: tuple[Summary, ...] = ()
    word_nodes: tuple[WordNode, ...] = ()
    word_edges: tuple[WordEdge, ...] = ()
    topic_positions: tuple[tuple[str, float, float], ...] = ()
    """Where each topic's label sits in the word network: (topic id, x, y), in 0..1000."""
    talk_positions: tuple[tuple[str, float, float], ...] = ()
    """The map of talks: (talk id, x, y) per talk, in 0..1 (similar talks close together)."""
    other_share: float = 0.0
    """Share of talks whose primary topic is ``OTHER_TOPIC``."""
    issues: tuple[IngestIssue, ...] = ()
    """Problems met while reading the input (reported in the digest)."""
