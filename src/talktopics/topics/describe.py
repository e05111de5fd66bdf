"""Topic records: the settled topics (soft talk weights, primary topics, node groups) and the
vocabulary in, :class:`~talktopics.records.Topic` records out: ranked terms, a unique label
and the representative talks of each topic (:func:`make_topics`) and of its sub-topics
(:func:`make_subtopics`: the topic's group split one level down)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from talktopics.embed import normalise_rows
from talktopics.records import Talk, Topic
from talktopics.topics.keylabels import keyword_labels, label_allowed, name_tokens
from talktopics.topics.labels import describe_topics
from talktopics.topics.memberships import flow_memberships
from talktopics.topics.network import TalkTermNetwork
from talktopics.topics.regroup import split_group

__all__ = ["TopicTerms", "make_subtopics", "make_topics", "topic_ids", "topic_terms"]


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class TopicTerms:
    """The vocabulary as labelling reads it.

    Attributes:
        tf: Talks x vocabulary sublinear term frequencies (``1 + log count``).
        display: Display form of each vocabulary term.
        unit_vectors: Unit embedding of each vocabulary term (near-duplicate test).
        used: Case-folded labels already taken; every new label is added.
        top_n: Terms listed per topic.
    """

    tf: sp.csr_matrix
    display: tuple[str, ...]
    unit_vectors: np.ndarray
    used: set[str]
    top_n: int


def topic_ids(k: int) -> tuple[str, ...]:
    """Ids of ``k`` top-level topics, largest first: ``t1``, ``t2``, ..."""
    return tuple(f"t{t + 1}" for t in range(k))


def topic_terms(
    counts: sp.csr_matrix,
    display: tuple[str, ...],
    term_vectors: np.ndarray,
    top_n: int,
    hidden: frozenset[str] = frozenset(),
) -> TopicTerms:
    """:class:`TopicTerms` from talks x vocabulary counts and the terms' vectors; terms whose
    display form is in ``hidden`` (people's names) get no weight, so they are never listed
    nor a label."""
    tf = sp.csr_matrix(counts, dtype=np.float64)
    tf.data = 1.0 + np.log(np.maximum(tf.data, 1.0))
    if hidden:
        keep = np.array([d not in hidden for d in display], dtype=np.float64)
        tf = sp.csr_matrix(tf @ sp.diags(keep))
        tf.eliminate_zeros()
    return TopicTerms(
        tf=tf,
        display=display,
        unit_vectors=normalise_rows(term_vectors),
        used=set(),
        top_n=top_n,
    )


def make_topics(
    talks: tuple[Talk, ...],
    soft: np.ndarray,
    primary: np.ndarray,
    membership: np.ndarray,
    groups: list[np.ndarray],
    net: TalkTermNetwork,
    vocabulary: TopicTerms,
) -> tuple[Topic, ...]:
    """Top-level topics ``t1, t2, ...``: terms (scaled by the terms' fuzzy ``membership``),
    label, primary talks most representative first, and the flow of the topic's nodes."""
    ranked, frex = describe_topics(
        tf=vocabulary.tf,
        weights=soft,
        display=vocabulary.display,
        used=set(vocabulary.used),
        membership=membership,
        vectors=vocabulary.unit_vectors,
        top_n=vocabulary.top_n,
    )
    names = name_tokens([s for talk in talks for s in talk.speakers])
    found = keyword_labels(
        primary,
        len(groups),
        vocabulary.tf,
        vocabulary.display,
        net.talk_vectors,
        vocabulary.unit_vectors,
        names=names,
        used=vocabulary.used,
    )
    label = [
        lab or _fallback(frex[t], ranked[t], vocabulary.used, names) for t, lab in enumerate(found)
    ]
    ids = topic_ids(len(groups))
    return tuple(
        Topic(
            id=ids[t],
            label=label[t],
            terms=tuple((term, round(w, 6)) for term, w in ranked[t]),
            talk_ids=_representative(talks, soft, primary, t),
            level=1,
            flow=round(float(net.communities.flow[groups[t]].sum()), 6),
        )
        for t in range(len(groups))
    )


def make_subtopics(
    t: int,
    group: np.ndarray,
    talks: tuple[Talk, ...],
    primary: np.ndarray,
    soft: np.ndarray,
    links: sp.csr_matrix,
    net: TalkTermNetwork,
    vocabulary: TopicTerms,
) -> list[Topic]:
    """Sub-topics of topic ``t``: its group split one level down (:func:`split_group`). A talk of
    the topic belongs to the part it was put in, or (a talk that joined the topic through its
    links) to the part receiving most of its links. Parts with too few talks are left out."""
    parent_id = topic_ids(t + 1)[t]
    parts = split_group(group, net)
    if len(parts) < 2:
        return []
    labels = np.full(links.shape[1], -1, dtype=np.int64)
    for s, part in enumerate(parts):
        labels[part] = s
    members = np.flatnonzero(primary == t)
    shares = flow_memberships(links[members], labels, len(parts))
    best = np.where(shares.sum(axis=1) > 0, np.argmax(shares, axis=1), -1)
    best = np.where(labels[members] >= 0, labels[members], best)
    sizes = np.bincount(best[best >= 0], minlength=len(parts))
    keep = [s for s in range(len(parts)) if sizes[s] >= net.config.min_topic_talks]
    if len(keep) < 2:
        return []
    keep.sort(key=lambda s: (-int(sizes[s]), s))
    weights = np.zeros((len(talks), len(keep)))
    for col, s in enumerate(keep):
        rows = members[best == s]
        weights[rows, col] = soft[rows, t]
    found = _subtopic_keywords(members, best, keep, talks, net, vocabulary)
    ranked, label = describe_topics(
        tf=vocabulary.tf,
        weights=weights,
        display=vocabulary.display,
        used=vocabulary.used,
        vectors=vocabulary.unit_vectors,
        background=soft[:, t],
        context=np.delete(soft, t, axis=1),
        top_n=vocabulary.top_n,
    )
    out = []
    for col, s in enumerate(keep):
        rows = members[best == s]
        order = sorted(rows.tolist(), key=lambda i: (-shares[np.searchsorted(members, i), s], i))
        out.append(
            Topic(
                id=f"{parent_id}.{col + 1}",
                label=found[col] or label[col],
                terms=tuple((term, round(w, 6)) for term, w in ranked[col]),
                talk_ids=tuple(talks[i].id for i in order),
                parent=parent_id,
                level=2,
                flow=round(float(net.communities.flow[parts[s]].sum()), 6),
            )
        )
    return out


def _subtopic_keywords(
    members: np.ndarray,
    best: np.ndarray,
    keep: list[int],
    talks: tuple[Talk, ...],
    net: TalkTermNetwork,
    vocabulary: TopicTerms,
) -> list[str | None]:
    """Keyword labels of the kept parts of one topic, chosen as the top-level labels are but
    with coverage and precision measured inside the parent topic (what sets a part apart from
    its siblings); ``None`` where no term qualifies (the caller keeps its FREX label)."""
    column = {s: col for col, s in enumerate(keep)}
    sub_primary = np.array([column.get(int(b), -1) for b in best], dtype=np.int64)
    return keyword_labels(
        sub_primary,
        len(keep),
        vocabulary.tf[members],
        vocabulary.display,
        net.talk_vectors[members],
        vocabulary.unit_vectors,
        names=name_tokens([s for talk in talks for s in talk.speakers]),
        used=vocabulary.used,
        mixed=False,
    )


def _representative(
    talks: tuple[Talk, ...], soft: np.ndarray, primary: np.ndarray, t: int
) -> tuple[str, ...]:
    """The topic's primary talks, most representative (highest weight) first."""
    rows = np.flatnonzero(primary == t).tolist()
    return tuple(talks[i].id for i in sorted(rows, key=lambda i: (-round(soft[i, t], 9), i)))


def _fallback(
    frex: str, ranked: list[tuple[str, float]], used: set[str], names: frozenset[str]
) -> str:
    """A topic without a term in 2 of its talks that may be a label: "Mixed: A, B" of its
    listed terms (or its FREX label) that may be, else "Other N"; added to ``used``."""
    allowed = [c for c in (frex, *(term for term, _ in ranked)) if label_allowed(c, names)]
    allowed = list(dict.fromkeys(allowed))
    label = f"Mixed: {', '.join(allowed[:2])}" if allowed else ""
    number = len(used) + 1
    while not label or label.casefold() in used:
        label, number = f"Other {number}", number + 1
    used.add(label.casefold())
    return label
