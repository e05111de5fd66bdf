"""The fitted topic model: a frozen result of :func:`talktopics.topics.fit_topics` that maps
new talks onto its topics (:meth:`TopicModel.assign`) and round-trips through
``TopicModel.save`` / ``TopicModel.load`` (JSON + ``.npy``, versioned)."""

from __future__ import annotations

import dataclasses
import json
import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np
import scipy.sparse as sp

from talktopics.community import flow_memberships, sparsify_memberships
from talktopics.config import EmbedConfig, GraphConfig, NLPConfig, TopicConfig
from talktopics.errors import ConfigError
from talktopics.records import OTHER_TOPIC, Talk, TalkTopics, TermMembership, TermTable, Topic

if TYPE_CHECKING:
    from talktopics.embed import Embedder

__all__ = [
    "DEFAULT_MODEL_DIR",
    "FORMAT",
    "FORMAT_VERSION",
    "ModelInfo",
    "ModelState",
    "TopicModel",
    "align_terms",
    "graph_from_dict",
    "graph_to_dict",
    "make_talk_topics",
    "mark_outliers",
    "reading_language",
    "smooth_idf",
    "talk_distributions",
    "talk_links",
    "talk_text",
    "tfidf",
    "topic_fit",
    "versions",
]

logger = logging.getLogger(__name__)

FORMAT = "talktopics-topic-model"
FORMAT_VERSION = 1
DEFAULT_MODEL_DIR = Path("models") / "topics"
"""Where :meth:`TopicModel.save` writes when no folder is given."""

_ARRAYS = ("talk_vectors", "node_labels", "idf", "topic_centroids", "topic_fit")


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelInfo:
    """How a model was made. Everything but ``timings`` is deterministic."""

    seed: int
    embedder: str
    """The embedder's ``name`` (backend and model)."""
    dim: int
    n_talks: int
    n_terms: int
    """Terms in the model's vocabulary (graph nodes)."""
    codelength: float = 0.0
    """Map-equation codelength of the talk-term partition (bits)."""
    versions: tuple[tuple[str, str], ...] = ()
    timings: tuple[tuple[str, float], ...] = ()
    """Seconds per stage of the fit (left out of :meth:`TopicModel.to_dict`)."""


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class ModelState:
    """What :meth:`TopicModel.assign` needs to place new talks (saved as ``.npy``).

    The talk-term network has nodes ``0..n_talks-1`` (training talks) followed by one node per
    vocabulary term; ``node_labels`` gives each node's topic index (``0..n_topics-1``) or a
    label ``>= n_topics`` for modules too small to be topics.
    """

    vocabulary: tuple[str, ...]
    idf: np.ndarray
    talk_ids: tuple[str, ...]
    talk_vectors: np.ndarray
    node_labels: np.ndarray
    n_topics: int
    topic_centroids: np.ndarray
    """Unit mean embedding of each topic's talks (``n_topics x dim``)."""
    topic_fit: np.ndarray
    """Per topic, the median and the robust spread of its talks' cosine to the centroid
    (``n_topics x 2``): the yardstick of the outlier test (:func:`mark_outliers`)."""


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class TopicModel:
    """Fuzzy topics of a corpus: a frozen result (not an estimator; nothing is learned after
    construction). Build it with :func:`talktopics.topics.fit_topics`.

    Attributes:
        topics: Top-level topics, largest first (ids ``t1``, ``t2``, ...).
        subtopics: Sub-topics (ids ``t1.1``, ...; ``parent`` set, ``level`` 2).
        memberships: Fuzzy membership of every vocabulary term, sorted by term.
        talk_topics: One entry per input talk, in input order; none dropped.
        word_graph: The word-similarity graph; nodes carry ``display``, ``df``, ``topic``
            (strongest membership), ``topics`` (all memberships) and ``flow``.
        other_share: Share of talks whose primary topic is ``OTHER_TOPIC``.
        config: The options of the fit.
        info: Seed, embedder, versions, timings.
        state: Arrays needed by :meth:`assign`.

    ``Topic.terms`` hold the terms' display forms; ``TermMembership.term`` and the graph's
    node keys are the canonical term keys (the node attribute ``display`` links the two).
    """

    topics: tuple[Topic, ...]
    subtopics: tuple[Topic, ...]
    memberships: tuple[TermMembership, ...]
    talk_topics: tuple[TalkTopics, ...]
    word_graph: nx.Graph
    other_share: float
    config: TopicConfig
    info: ModelInfo
    state: ModelState

    # -- queries ---------------------------------------------------------------------------

    @property
    def other_talk_ids(self) -> tuple[str, ...]:
        """Talks that fit no topic."""
        return tuple(t.talk_id for t in self.talk_topics if t.primary == OTHER_TOPIC)

    def topic(self, topic_id: str) -> Topic:
        """The topic or sub-topic with this id.

        Raises:
            KeyError: No such topic.
        """
        for topic in (*self.topics, *self.subtopics):
            if topic.id == topic_id:
                return topic
        raise KeyError(f"no topic {topic_id!r}; known: {', '.join(t.id for t in self.topics)}")

    # -- serialisation ---------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict; deterministic (sorted, floats rounded to 6 digits, no timings)."""
        other = self.other_talk_ids
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "run": {
                "seed": self.info.seed,
                "embedder": self.info.embedder,
                "dim": self.info.dim,
                "n_talks": self.info.n_talks,
                "n_terms": self.info.n_terms,
                "codelength": _round(self.info.codelength),
                "versions": dict(self.info.versions),
            },
            "config": _round_all(dataclasses.asdict(self.config)),
            "topics": [_topic_dict(t) for t in self.topics],
            "subtopics": [_topic_dict(t) for t in self.subtopics],
            "other": {
                "talks": len(other),
                "share": _round(self.other_share),
                "talk_ids": list(other),
            },
            "talk_topics": [
                {
                    "talk_id": t.talk_id,
                    "primary": t.primary,
                    "secondary": list(t.secondary),
                    "distribution": [[k, _round(w)] for k, w in t.distribution],
                }
                for t in self.talk_topics
            ],
            "memberships": [
                {
                    "term": m.term,
                    "topics": [[k, _round(w)] for k, w in m.topics],
                    "df": m.df,
                    "languages": list(m.languages),
                }
                for m in self.memberships
            ],
            "word_graph": graph_to_dict(self.word_graph),
        }

    def to_json(self) -> str:
        """:meth:`to_dict` as JSON text (UTF-8, indented, trailing newline)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1) + "\n"

    def save(self, directory: str | Path | None = None) -> Path:
        """Write ``model.json``, ``state.json``, ``timings.json`` and the ``.npy`` arrays.

        Args:
            directory: Target folder (created); ``None`` = ``models/topics``.

        Returns:
            The folder.
        """
        folder = Path(directory) if directory is not None else DEFAULT_MODEL_DIR
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "model.json").write_text(self.to_json(), encoding="utf-8")
        state = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "vocabulary": list(self.state.vocabulary),
            "talk_ids": list(self.state.talk_ids),
            "n_topics": self.state.n_topics,
            "arrays": {name: f"{name}.npy" for name in _ARRAYS},
        }
        (folder / "state.json").write_text(
            json.dumps(state, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        (folder / "timings.json").write_text(
            json.dumps(dict(self.info.timings), indent=1) + "\n", encoding="utf-8"
        )
        for name in _ARRAYS:
            np.save(folder / f"{name}.npy", getattr(self.state, name), allow_pickle=False)
        return folder

    @classmethod
    def load(cls, directory: str | Path | None = None) -> TopicModel:
        """Read a model written by :meth:`save`.

        Raises:
            ConfigError: The folder does not hold a model of a format this version reads.
        """
        folder = Path(directory) if directory is not None else DEFAULT_MODEL_DIR
        try:
            data = json.loads((folder / "model.json").read_text(encoding="utf-8"))
            state = json.loads((folder / "state.json").read_text(encoding="utf-8"))
            arrays = {name: np.load(folder / f"{name}.npy", allow_pickle=False) for name in _ARRAYS}
        except (OSError, ValueError) as exc:
            raise ConfigError(
                f"{folder}: not a readable topic model ({exc}); fit one with `talktopics topics`"
            ) from exc
        for what, doc in (("model.json", data), ("state.json", state)):
            if doc.get("format") != FORMAT or doc.get("format_version") != FORMAT_VERSION:
                raise ConfigError(
                    f"{folder / what}: format {doc.get('format')!r} version "
                    f"{doc.get('format_version')!r} is not {FORMAT!r} version {FORMAT_VERSION}; "
                    "re-fit the model with this version of talktopics"
                )
        timings: dict[str, float] = {}
        try:
            timings = json.loads((folder / "timings.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            logger.debug("%s: no timings.json", folder)
        run = data["run"]
        return cls(
            topics=tuple(_topic_from(t) for t in data["topics"]),
            subtopics=tuple(_topic_from(t) for t in data["subtopics"]),
            memberships=tuple(
                TermMembership(
                    term=m["term"],
                    topics=tuple((k, float(w)) for k, w in m["topics"]),
                    df=int(m["df"]),
                    languages=tuple(m["languages"]),
                )
                for m in data["memberships"]
            ),
            talk_topics=tuple(
                TalkTopics(
                    talk_id=t["talk_id"],
                    primary=t["primary"],
                    distribution=tuple((k, float(w)) for k, w in t["distribution"]),
                    secondary=tuple(t["secondary"]),
                )
                for t in data["talk_topics"]
            ),
            word_graph=graph_from_dict(data["word_graph"]),
            other_share=float(data["other"]["share"]),
            config=_config_from(TopicConfig, data["config"]),
            info=ModelInfo(
                seed=int(run["seed"]),
                embedder=str(run["embedder"]),
                dim=int(run["dim"]),
                n_talks=int(run["n_talks"]),
                n_terms=int(run["n_terms"]),
                codelength=float(run["codelength"]),
                versions=tuple((str(k), str(v)) for k, v in run["versions"].items()),
                timings=tuple(sorted((k, float(v)) for k, v in timings.items())),
            ),
            state=ModelState(
                vocabulary=tuple(state["vocabulary"]),
                talk_ids=tuple(state["talk_ids"]),
                n_topics=int(state["n_topics"]),
                **arrays,
            ),
        )

    # -- new talks -------------------------------------------------------------------------

    def assign(
        self,
        talks: Sequence[Talk],
        *,
        embedder: Embedder | None = None,
        terms: TermTable | None = None,
    ) -> tuple[TalkTopics, ...]:
        """Place talks onto the fitted topics (the model itself does not change).

        A new talk is linked as it would have been in the fit: to its ``talk_neighbors + 1``
        nearest training talks by embedding (a training talk finds itself first) and to the
        vocabulary terms it uses, by tf-idf with the training idf. Its distribution is the
        share of those links landing in each topic. A talk of the training set (same id) also
        gets its own module's weight, exactly as in the fit, so it gets back its topics.

        Args:
            talks: Talks to place.
            embedder: Must be the fit's embedder (same ``name``); ``None`` = build it from the
                model's configuration.
            terms: Their candidate terms; ``None`` = :func:`talktopics.nlp.extract_terms`.

        Raises:
            ConfigError: The embedder differs from the one the model was fitted with.
        """
        from talktopics import embed

        talks = tuple(talks)
        if not talks:
            return ()
        if terms is None:
            from talktopics import nlp

            terms = nlp.extract_terms(talks, self.config.nlp)
        terms = align_terms(terms, talks)
        if embedder is None:
            embedder = embed.select_embedder(self._embed_config(), [])
        if embedder.name != self.info.embedder:
            raise ConfigError(
                f"this topic model was fitted with embedder {self.info.embedder!r}, "
                f"not {embedder.name!r}; pass the same embedder (or --embedder/--model)"
            )
        column = {key: j for j, key in enumerate(terms.terms)}
        src = [column.get(key, -1) for key in self.state.vocabulary]
        present = [(v, c) for v, c in enumerate(src) if c >= 0]
        pick = sp.csr_matrix(
            (
                np.ones(len(present)),
                ([c for _, c in present], [v for v, _ in present]),
            ),
            shape=(len(terms.terms), len(self.state.vocabulary)),
        )
        counts = sp.csr_matrix(terms.counts, dtype=np.float64) @ pick
        x = tfidf(counts, self.state.idf)
        reading = reading_language(embedder)
        vectors = embed.embed_documents([talk_text(t, reading) for t in talks], embedder)
        links = sp.hstack(
            [
                talk_links(
                    vectors,
                    self.state.talk_vectors,
                    self.config.talk_neighbors,
                    self.config.talk_link_weight,
                    include_self=True,
                ),
                x,
            ]
        ).tocsr()
        known = {tid: i for i, tid in enumerate(self.state.talk_ids)}
        own = np.array(
            [self.state.node_labels[known[t.id]] if t.id in known else -1 for t in talks],
            dtype=np.int64,
        )
        dists = talk_distributions(
            links, self.state.node_labels, self.state.n_topics, self.config, own=own
        )
        dists = mark_outliers(
            dists, vectors, self.state.topic_centroids, self.state.topic_fit, self.config
        )
        ids = tuple(t.id for t in self.topics)
        return make_talk_topics(talks, dists, ids, self.config.secondary_threshold)

    def _embed_config(self) -> EmbedConfig:
        backend = self.info.embedder.split(":", 1)[0]
        choice = "use-multilingual" if backend.startswith("use-multilingual") else backend
        if choice not in {"sentence-transformers", "use-multilingual"}:
            raise ConfigError(
                f"cannot rebuild embedder {self.info.embedder!r}; pass embedder= to assign()"
            )
        return dataclasses.replace(self.config.embed, embedder=choice)  # type: ignore[arg-type]


# --- shared by fit and assign ---------------------------------------------------------------


def talk_text(talk: Talk, reading: str | None = None) -> str:
    """The text embedded for a talk: its title, abstract, description and notes.

    Notes in another language than the programme text (Russian notes on an English talk) are
    left out when there is programme text: one embedding of a two-language text mostly
    encodes the languages, and talks with such notes would group by language, not subject.
    The notes still count through their terms (and summaries).

    A talk known only from notes in a script the embedder cannot read (``reading`` = the
    embedder's one language, e.g. ``"en"`` for MiniLM; Russian notes on a keynote) is embedded
    from its title and the Latin-script words of its notes, which in such notes are the
    library, product and technical names ("Apache Arrow", "scikit-learn"). Embedding the
    whole Cyrillic text with an English model would place these talks near each other (by
    script) and far from every talk on their subject.
    """
    parts = [talk.title.strip()]
    programme = "\n\n".join(p for p in (talk.abstract.strip(), talk.description.strip()) if p)
    if programme:
        parts.append(programme)
    notes = talk.notes.strip()
    if notes and notes not in parts and not (programme and _other_language(notes, programme)):
        if not programme and reading is not None and _unreadable_script(notes, reading):
            notes = ". ".join(_LATIN_RUN.findall(_URL.sub(" ", notes)))
        parts.append(notes)
    return "\n\n".join(p for p in parts if p)


_LATIN_SCRIPT = frozenset({"en", "de", "fr", "es", "it", "pt", "nl", "pl", "cs", "sv", "tr", "eu"})
_URL = re.compile(r"(?:https?://|www\.)\S+")
_LATIN_WORD = r"[A-Za-z][A-Za-z0-9+#_\-]*(?:\.[A-Za-z0-9]+)*"
_LATIN_RUN = re.compile(rf"{_LATIN_WORD}(?:[ \t]+{_LATIN_WORD})*")


def _unreadable_script(text: str, reading: str) -> bool:
    """True when ``text`` is in a language whose script differs from ``reading``'s."""
    from talktopics.nlp import detect_language

    lang = detect_language(text)
    if lang is None or lang == reading:
        return False
    return (lang in _LATIN_SCRIPT) != (reading in _LATIN_SCRIPT)


def reading_language(embedder: Embedder) -> str | None:
    """The one language an embedder reads, or None for a multilingual one.

    The packaged MiniLM (and sentence-transformers models in general) were trained on English;
    the multilingual USE backend and models whose name says so read many languages.
    """
    name = str(getattr(embedder, "name", "")).casefold()
    if any(word in name for word in ("multilingual", "labse", "use-multi", "xlm", "-m3")):
        return None
    return "en"


def _other_language(text: str, reference: str) -> bool:
    from talktopics.nlp import detect_language

    lang, ref = detect_language(text), detect_language(reference)
    return lang is not None and ref is not None and lang != ref


def align_terms(terms: TermTable, talks: Sequence[Talk]) -> TermTable:
    """The TermTable restricted and re-ordered to ``talks`` (a missing talk = an empty row)."""
    ids = tuple(t.id for t in talks)
    if terms.talk_ids == ids:
        return terms
    position = {tid: i for i, tid in enumerate(terms.talk_ids)}
    rows = np.array([position.get(tid, -1) for tid in ids], dtype=np.int64)
    present = np.flatnonzero(rows >= 0)
    pick = sp.csr_matrix(
        (np.ones(present.size), (present, rows[present])),
        shape=(len(ids), len(terms.talk_ids)),
    )
    counts = sp.csr_matrix(pick @ sp.csr_matrix(terms.counts)).astype(np.int32)
    sentence_counts = None
    sentence_talk: tuple[int, ...] = ()
    if terms.sentence_counts is not None and terms.sentence_talk:
        new_row = {int(old): i for i, old in enumerate(rows.tolist()) if old >= 0}
        keep = [s for s, old in enumerate(terms.sentence_talk) if old in new_row]
        sentence_counts = sp.csr_matrix(terms.sentence_counts)[keep]
        sentence_talk = tuple(new_row[terms.sentence_talk[s]] for s in keep)
    return TermTable(
        talk_ids=ids,
        terms=terms.terms,
        display=terms.display,
        counts=counts,
        languages=terms.languages,
        sentence_counts=sentence_counts,
        sentence_talk=sentence_talk,
    )


def smooth_idf(df: np.ndarray, n_docs: int | np.ndarray) -> np.ndarray:
    """``log((1 + n) / (1 + df)) + 1`` (scikit-learn's smoothed idf); ``n`` may be per term."""
    n = np.asarray(n_docs, dtype=np.float64)
    return np.asarray(np.log((1.0 + n) / (1.0 + np.asarray(df, dtype=np.float64))) + 1.0)


def tfidf(counts: sp.spmatrix, idf: np.ndarray) -> sp.csr_matrix:
    """Sublinear tf (1 + log count) times idf, rows L2-normalised (empty rows stay empty)."""
    m = sp.csr_matrix(counts, dtype=np.float64)
    m.eliminate_zeros()
    m.data = 1.0 + np.log(np.maximum(m.data, 1.0))
    m = sp.csr_matrix(m @ sp.diags(np.asarray(idf, dtype=np.float64)))
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ m)


def talk_links(
    vectors: np.ndarray,
    reference: np.ndarray,
    k: int,
    weight: float,
    *,
    include_self: bool,
) -> sp.csr_matrix:
    """Each talk's links to its nearest reference talks: ``weight x cosine`` (negatives 0).

    With ``include_self`` (assigning: the reference is the training set) a row links to its
    ``k + 1`` nearest references — a training talk finds itself first. Without it (fitting:
    ``vectors`` *is* the reference) a row links to its ``k`` nearest *other* talks plus
    itself with cosine 1, which is the same set.
    """
    from talktopics.graph import knn_cosine

    n, n_ref = vectors.shape[0], reference.shape[0]
    if n == 0 or n_ref == 0:
        return sp.csr_matrix((n, n_ref), dtype=np.float64)
    if include_self:
        sims = _unit(vectors) @ _unit(reference).T
        top = np.argsort(-sims, axis=1, kind="stable")[:, : min(k + 1, n_ref)]
        vals = np.clip(np.take_along_axis(sims, top, axis=1), 0.0, None)
        rows = np.repeat(np.arange(n), top.shape[1])
        knn = sp.csr_matrix((vals.ravel(), (rows, top.ravel())), shape=(n, n_ref))
    else:
        knn = knn_cosine(vectors, k, min_similarity=0.0) + sp.identity(n, format="csr")
    return sp.csr_matrix(knn * weight, dtype=np.float64)


def talk_distributions(
    links: sp.csr_matrix,
    labels: np.ndarray,
    n_topics: int,
    config: TopicConfig,
    *,
    own: np.ndarray | None = None,
) -> list[tuple[int, tuple[tuple[int, float], ...]]]:
    """Primary topic (``-1`` = other) and topic distribution of each talk from its links.

    A talk's raw shares are the parts of its link weight (:func:`flow_memberships`) ending in
    each topic; a training talk's own Infomap module adds ``config.own_module_weight`` to
    its label (so the partition decides the primary topic, the links the secondary ones).
    When at least ``config.other_min_share`` of the total lands in topics, the primary topic
    is the strongest and the distribution is the topic shares (those below
    ``config.min_topic_share`` dropped, renormalised). Otherwise the talk fits nowhere: its
    primary is ``-1`` and its distribution holds ``-1`` with the share outside every topic.

    Args:
        links: Talks x nodes (training talks, then vocabulary terms).
        labels: Label of every node (``0..K-1`` topics, ``>= K`` modules too small).
        n_topics: K.
        config: Thresholds.
        own: Per talk, the label of its own module (training talks), or ``-1`` (new talks).

    Returns:
        Per talk ``(primary, ((topic, weight), ...))``; weights sum to 1, strongest first.
    """
    n_labels = max(int(labels.max()) + 1 if labels.size else 0, n_topics, 1)
    shares = flow_memberships(links, labels, n_labels)
    if own is not None and config.own_module_weight > 0:
        rows = np.flatnonzero(np.asarray(own) >= 0)
        has_flow = shares[rows].sum(axis=1) > 0
        shares[rows, np.asarray(own)[rows]] += config.own_module_weight
        shares[rows] /= np.where(
            has_flow, 1.0 + config.own_module_weight, config.own_module_weight
        )[:, None]
    out: list[tuple[int, tuple[tuple[int, float], ...]]] = []
    for row in shares:
        inside = row[:n_topics]
        mass = float(inside.sum())
        if mass <= 0:
            out.append((-1, ((-1, 1.0),)))
            continue
        kept = sparsify_memberships(
            inside[None, :] / mass, min_weight=config.min_topic_share, max_modules=n_topics
        )[0]
        if mass >= config.other_min_share:
            out.append((kept[0][0], kept))
        else:
            dist = [(-1, 1.0 - mass), *((k, w * mass) for k, w in kept)]
            dist.sort(key=lambda kw: (-kw[1], kw[0]))
            out.append((-1, tuple(dist)))
    return out


def topic_fit(
    vectors: np.ndarray, primary: np.ndarray, n_topics: int
) -> tuple[np.ndarray, np.ndarray]:
    """Centroid of each topic's talks and the median and robust spread (1.4826 x median
    absolute deviation, at least ``_MIN_SPREAD``) of their cosine to it."""
    dim = vectors.shape[1] if vectors.ndim == 2 else 0
    centroids = np.zeros((n_topics, dim), dtype=np.float32)
    fit = np.zeros((n_topics, 2), dtype=np.float64)
    for t in range(n_topics):
        rows = np.flatnonzero(primary == t)
        if rows.size == 0:
            continue
        mean = np.asarray(vectors[rows], dtype=np.float64).mean(axis=0)
        norm = float(np.linalg.norm(mean))
        centroids[t] = mean / norm if norm else mean
        cos = np.asarray(vectors[rows], dtype=np.float64) @ centroids[t].astype(np.float64)
        median = float(np.median(cos))
        spread = max(1.4826 * float(np.median(np.abs(cos - median))), _MIN_SPREAD)
        fit[t] = (median, spread)
    return centroids, fit


_MIN_SPREAD = 0.1
"""Floor of a topic's cosine spread: a very tight topic does not reject its near members."""


def mark_outliers(
    dists: list[tuple[int, tuple[tuple[int, float], ...]]],
    vectors: np.ndarray,
    centroids: np.ndarray,
    fit: np.ndarray,
    config: TopicConfig,
) -> list[tuple[int, tuple[tuple[int, float], ...]]]:
    """Send talks that do not resemble their primary topic to "other".

    A talk is an outlier when its cosine to its topic's centroid is more than
    ``config.outlier_z`` robust spreads below the topic's median. It keeps its topic shares
    at half weight, next to ``-1`` (other) with the other half.
    """
    if config.outlier_z <= 0 or not len(dists):
        return dists
    out = list(dists)
    for i, (p, dist) in enumerate(dists):
        if p < 0:
            continue
        median, spread = fit[p]
        cos = float(np.asarray(vectors[i], dtype=np.float64) @ centroids[p].astype(np.float64))
        if cos < median - config.outlier_z * spread:
            halved = [(-1, 0.5), *((t, w * 0.5) for t, w in dist)]
            halved.sort(key=lambda kw: (-kw[1], kw[0]))
            out[i] = (-1, tuple(halved))
    return out


def make_talk_topics(
    talks: Sequence[Talk],
    dists: Sequence[tuple[int, tuple[tuple[int, float], ...]]],
    topic_ids: Sequence[str],
    secondary_threshold: float,
) -> tuple[TalkTopics, ...]:
    """Records from :func:`talk_distributions` output (topic index -> id, ``-1`` -> other)."""

    def tid(i: int) -> str:
        return OTHER_TOPIC if i < 0 else topic_ids[i]

    return tuple(
        TalkTopics(
            talk_id=talk.id,
            primary=tid(p),
            distribution=tuple((tid(i), _round(w)) for i, w in dist),
            secondary=tuple(
                tid(i) for i, w in dist if i >= 0 and i != p and w >= secondary_threshold
            ),
        )
        for talk, (p, dist) in zip(talks, dists, strict=True)
    )


def versions() -> tuple[tuple[str, str], ...]:
    """Versions of the libraries that shape a model (recorded in every model)."""
    import importlib.metadata

    import talktopics

    out = [("talktopics", talktopics.__version__)]
    for dist in ("infomap", "networkx", "numpy", "scikit-learn", "scipy"):
        try:
            out.append((dist, importlib.metadata.version(dist)))
        except importlib.metadata.PackageNotFoundError:
            out.append((dist, "missing"))
    return tuple(out)


def graph_to_dict(graph: nx.Graph) -> dict[str, Any]:
    """Deterministic JSON-ready form of the word graph (sorted nodes and edges)."""
    nodes = []
    for key in sorted(graph.nodes):
        attrs = graph.nodes[key]
        nodes.append(
            {
                "term": key,
                "display": attrs.get("display", key),
                "df": int(attrs.get("df", 0)),
                "topic": attrs.get("topic", OTHER_TOPIC),
                "topics": [[k, _round(w)] for k, w in attrs.get("topics", ())],
                "flow": _round(float(attrs.get("flow", 0.0))),
                "languages": list(attrs.get("languages", ())),
            }
        )
    edges = []
    for u, v in sorted(tuple(sorted(e)) for e in graph.edges):
        attrs = graph.edges[u, v]
        edge: dict[str, Any] = {"source": u, "target": v}
        for name in ("weight", "semantic", "npmi", "second_order"):
            edge[name] = _round(float(attrs.get(name, 0.0)))
        edges.append(edge)
    return {"nodes": nodes, "edges": edges}


def graph_from_dict(data: dict[str, Any]) -> nx.Graph:
    """Inverse of :func:`graph_to_dict`."""
    graph = nx.Graph()
    for node in data["nodes"]:
        graph.add_node(
            node["term"],
            display=node["display"],
            df=int(node["df"]),
            topic=node["topic"],
            topics=tuple((k, float(w)) for k, w in node["topics"]),
            flow=float(node["flow"]),
            languages=tuple(node.get("languages", ())),
        )
    for edge in data["edges"]:
        graph.add_edge(
            edge["source"],
            edge["target"],
            **{k: float(edge[k]) for k in ("weight", "semantic", "npmi", "second_order")},
        )
    return graph


# --- helpers --------------------------------------------------------------------------------


def _unit(x: np.ndarray) -> np.ndarray:
    from talktopics.embed import normalise_rows

    return normalise_rows(x)


def _round(x: float) -> float:
    value = round(float(x), 6)
    return 0.0 if value == 0 or not math.isfinite(value) else value


def _round_all(value: Any) -> Any:
    if isinstance(value, float):
        return _round(value)
    if isinstance(value, dict):
        return {k: _round_all(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_round_all(v) for v in value]
    return value


def _topic_dict(topic: Topic) -> dict[str, Any]:
    return {
        "id": topic.id,
        "label": topic.label,
        "parent": topic.parent,
        "level": topic.level,
        "flow": _round(topic.flow),
        "terms": [[t, _round(w)] for t, w in topic.terms],
        "talk_ids": list(topic.talk_ids),
    }


def _topic_from(data: dict[str, Any]) -> Topic:
    return Topic(
        id=data["id"],
        label=data["label"],
        terms=tuple((t, float(w)) for t, w in data["terms"]),
        talk_ids=tuple(data["talk_ids"]),
        parent=data["parent"],
        level=int(data["level"]),
        flow=float(data["flow"]),
    )


def _config_from(cls: type[Any], data: dict[str, Any]) -> Any:
    """Rebuild a (nested) config dataclass; unknown keys from other versions are ignored."""
    nested = {"graph": GraphConfig, "nlp": NLPConfig, "embed": EmbedConfig}
    known = {f.name: f for f in dataclasses.fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key not in known:
            logger.warning("saved topic model: unknown option %r ignored", key)
            continue
        if cls is TopicConfig and key in nested and isinstance(value, dict):
            kwargs[key] = _config_from(nested[key], value)
        elif isinstance(value, list):
            kwargs[key] = tuple(value)
        else:
            kwargs[key] = value
    return cls(**kwargs)
