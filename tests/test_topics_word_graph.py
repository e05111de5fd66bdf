"""Word graph: term selection, blockwise kNN, blended edges (semantic, NPMI, 2nd order), export."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from fixtures.term_tables import counts_matrix, term_table_from_tokens
from talktopics.config import GraphConfig
from talktopics.errors import ConfigError
from talktopics.records import TermTable
from talktopics.topics import write_graph
from talktopics.topics.similarity import knn_cosine
from talktopics.topics.vocabulary import document_frequency, language_talks, select_terms
from talktopics.topics.word_graph import build_word_graph


def _table(docs: list[list[str]], *, sentences: list[list[str]] | None = None) -> TermTable:
    table = term_table_from_tokens([f"t{i}" for i in range(len(docs))], docs)
    column = {w: j for j, w in enumerate(table.terms)}
    return dataclasses.replace(
        table,
        display=tuple(w.title() if w == "django" else w for w in table.terms),
        sentence_counts=(
            counts_matrix([sorted(set(s)) for s in sentences], column) if sentences else None
        ),
        sentence_talk=tuple(range(len(sentences))) if sentences else (),
    )


def _vectors(terms: tuple[str, ...], groups: dict[str, int], dim: int = 16) -> np.ndarray:
    """Planted embeddings: terms of one group point the same way (plus a little noise)."""
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(max(groups.values()) + 1, dim))
    out = np.stack([centres[groups[t]] + 0.15 * rng.normal(size=dim) for t in terms])
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    return out.astype(np.float32)


WEB = ["django", "flask", "http", "request", "server"]
DATA = ["pandas", "numpy", "dataframe", "array", "plot"]


@pytest.fixture
def planted() -> tuple[TermTable, np.ndarray]:
    docs = []
    for i in range(6):
        web = [*WEB[i % 5 :], *WEB[: i % 5]]
        data = [*DATA[i % 5 :], *DATA[: i % 5]]
        docs.append([*web[:4], "python"])
        docs.append([*data[:4], "python"])
    table = _table(docs)
    groups = {**{w: 0 for w in WEB}, **{w: 1 for w in DATA}, "python": 2}
    return table, _vectors(table.terms, groups)


def test_select_terms_thresholds() -> None:
    docs = [["a", "b", "c"], ["a", "b"], ["a", "d"], ["a"]] * 6
    table = _table(docs)
    df = document_frequency(table)
    assert dict(zip(table.terms, df.tolist(), strict=True)) == {"a": 24, "b": 12, "c": 6, "d": 6}
    keep = [table.terms[j] for j in select_terms(table, GraphConfig(min_df=2, max_df_share=0.6))]
    assert keep == ["b", "c", "d"]  # "a" is in every talk
    few = select_terms(table, GraphConfig(min_df=7, max_df_share=1.0))
    assert [table.terms[j] for j in few] == ["a", "b"]
    capped = select_terms(table, GraphConfig(min_df=1, max_df_share=1.0, max_terms=2))
    assert [table.terms[j] for j in capped] == ["a", "b"]
    # Small corpora: no max-df cut (every term would go).
    small = _table([["a", "b"], ["a", "b"], ["a"]])
    assert len(select_terms(small, GraphConfig(min_df=2, max_df_share=0.5))) == 2
    with pytest.raises(ConfigError, match=r"graph\.min_df = 0 is invalid"):
        select_terms(table, GraphConfig(min_df=0))


def test_knn_blockwise_matches_brute_force() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(57, 8)).astype(np.float32)
    knn = knn_cosine(x, 5, block_rows=7)
    unit = x / np.linalg.norm(x, axis=1, keepdims=True)
    sims = unit @ unit.T
    np.fill_diagonal(sims, -np.inf)
    for i in range(57):
        expected = set(np.argsort(-sims[i])[:5].tolist())
        row = knn[i]
        assert set(row.indices.tolist()) == expected
        assert i not in row.indices
        assert np.allclose(row.data, sims[i, row.indices], atol=1e-5)
    # min_similarity drops weak neighbours; k larger than n is capped.
    assert knn_cosine(x, 5, min_similarity=0.99).nnz == 0
    assert knn_cosine(x[:3], 10).nnz == 6
    assert knn_cosine(x[:1], 3).nnz == 0


def test_knn_ties_are_deterministic() -> None:
    x = np.array([[1.0, 0.0], [1.0, 0.0], [1.0, 0.0], [1.0, 0.0]], dtype=np.float32)
    knn = knn_cosine(x, 2)
    assert knn[0].indices.tolist() == [1, 2]
    assert knn[3].indices.tolist() == [0, 1]


def test_planted_word_groups_become_graph_neighbourhoods(
    planted: tuple[TermTable, np.ndarray],
) -> None:
    table, vectors = planted
    graph = build_word_graph(table, vectors, GraphConfig(min_df=2, knn=3, max_df_min_talks=10))
    assert set(graph.nodes) == set(WEB + DATA)  # "python" is in every talk: dropped
    assert graph.nodes["django"]["display"] == "Django"
    assert graph.nodes["pandas"]["df"] == 5  # all but the talk whose window skips it
    assert graph.nodes["pandas"]["languages"] == ("en",)
    assert graph.number_of_edges() > 0
    for u, v, attrs in graph.edges(data=True):
        assert (u in WEB) == (v in WEB), f"edge across planted groups: {u} - {v}"
        assert attrs["weight"] >= GraphConfig().min_weight
        for part in ("semantic", "npmi", "second_order"):
            assert part in attrs
    components = list(nx.connected_components(graph))
    assert sorted(map(sorted, components)) == [sorted(DATA), sorted(WEB)]
    # The blend is what the config says it is.
    cfg = GraphConfig()
    for _, _, a in graph.edges(data=True):
        blend = (
            cfg.semantic_weight * max(a["semantic"], 0)
            + cfg.npmi_weight * max(a["npmi"], 0)
            + cfg.second_order_weight * max(a["second_order"], 0)
        )
        assert a["weight"] == pytest.approx(blend, abs=2e-6)


def test_npmi_and_second_order_evidence() -> None:
    # "alpha" and "beta" always appear together (in sentences), never with "gamma".
    # Embeddings: all three orthogonal-ish, so only corpus evidence can link alpha-beta.
    sentences = [["alpha", "beta"], ["alpha", "beta"], ["gamma", "delta"], ["gamma", "delta"]]
    docs = [["alpha", "beta", "gamma", "delta"]] * 2 + [["alpha", "beta"], ["gamma", "delta"]]
    table = _table(docs, sentences=sentences)
    vectors = np.eye(4, dtype=np.float32)
    graph = build_word_graph(
        table, vectors, GraphConfig(min_df=2, min_weight=0.1, min_similarity=0.5)
    )
    assert graph.has_edge("alpha", "beta")
    assert graph.edges["alpha", "beta"]["npmi"] == pytest.approx(1.0)
    assert graph.edges["alpha", "beta"]["semantic"] == pytest.approx(0.0)
    assert not graph.has_edge("alpha", "gamma")  # they share talks, never a sentence

    # Second-order: "car" and "automobile" are not neighbours of each other's vectors above
    # the threshold, but share the same neighbourhood (wheel, engine, road).
    rng = np.random.default_rng(1)
    base = rng.normal(size=8)
    words = ["automobile", "car", "engine", "road", "wheel", "banana"]
    vecs = {
        "engine": base + 0.3 * rng.normal(size=8),
        "road": base + 0.3 * rng.normal(size=8),
        "wheel": base + 0.3 * rng.normal(size=8),
        "banana": rng.normal(size=8),
    }
    vecs["car"] = base + 0.9 * rng.normal(size=8)
    vecs["automobile"] = base + 0.9 * rng.normal(size=8)
    table2 = _table([words, words, words])
    v = np.stack([vecs[w] for w in table2.terms]).astype(np.float32)
    graph2 = build_word_graph(table2, v, GraphConfig(min_df=1, max_df_share=1.0, min_weight=0.0))
    assert graph2.edges["automobile", "car"]["second_order"] > 0.5
    assert (
        "banana" not in graph2
        or not graph2.has_edge("banana", "car")
        or (
            graph2.edges["banana", "car"]["second_order"]
            < graph2.edges["automobile", "car"]["second_order"]
        )
    )


def test_empty_and_tiny_inputs() -> None:
    empty = _table([[], []])
    graph = build_word_graph(empty, np.zeros((0, 4), dtype=np.float32), GraphConfig())
    assert graph.number_of_nodes() == 0
    one = _table([["solo"], ["solo"]])
    graph = build_word_graph(one, np.ones((1, 4), dtype=np.float32), GraphConfig(min_df=2))
    assert list(graph.nodes) == ["solo"] and graph.number_of_edges() == 0


def test_vectors_must_match_the_term_table(planted: tuple[TermTable, np.ndarray]) -> None:
    table, vectors = planted
    with pytest.raises(ConfigError, match="one row per term"):
        build_word_graph(table, vectors[:-1], GraphConfig())


def test_same_input_same_graph(planted: tuple[TermTable, np.ndarray]) -> None:
    table, vectors = planted
    a = build_word_graph(table, vectors, GraphConfig(min_df=2))
    b = build_word_graph(table, vectors, GraphConfig(min_df=2))
    assert sorted(a.edges(data=True)) == sorted(b.edges(data=True))


def test_write_graph_for_gephi(tmp_path: Path, planted: tuple[TermTable, np.ndarray]) -> None:
    table, vectors = planted
    graph = build_word_graph(table, vectors, GraphConfig(min_df=2))
    graph.nodes["django"]["topics"] = (("t1", 0.75), ("t2", 0.25))
    graphml = write_graph(graph, tmp_path / "words.graphml")
    back = nx.read_graphml(graphml)
    assert set(back.nodes) == set(graph.nodes)
    assert back.number_of_edges() == graph.number_of_edges()
    assert json.loads(back.nodes["django"]["topics"]) == [["t1", 0.75], ["t2", 0.25]]
    assert back.nodes["django"]["display"] == "Django"
    assert float(back.edges["django", "flask"]["weight"]) > 0 or not graph.has_edge(
        "django", "flask"
    )
    first = graphml.read_bytes()
    assert write_graph(graph, tmp_path / "words.graphml").read_bytes() == first

    as_json = write_graph(graph, tmp_path / "sub" / "words.json")
    data = json.loads(as_json.read_text(encoding="utf-8"))
    assert {n["id"] for n in data["nodes"]} == set(graph.nodes)
    assert len(data["edges"]) == graph.number_of_edges()
    with pytest.raises(ConfigError, match=r"use \.graphml or \.json"):
        write_graph(graph, tmp_path / "words.gexf")


def test_document_frequency_is_measured_within_the_terms_language() -> None:
    # 30 English talks; 6 of them also have Russian notes. "типа" is in 4 of the 6 Russian
    # notes: common in Russian, though only in 4 of 30 talks.
    docs = [["python", f"topic{i % 10}"] for i in range(30)]
    for i in range(6):
        docs[i] = [*docs[i], "заметки"] + (["типа"] if i < 4 else [])
    table = _table(docs)
    langs = tuple(("ru",) if t in {"типа", "заметки"} else ("en",) for t in table.terms)
    table = TermTable(
        talk_ids=table.talk_ids,
        terms=table.terms,
        display=table.display,
        counts=table.counts,
        languages=langs,
    )
    base = dict(zip(table.terms, language_talks(table).tolist(), strict=True))
    assert base["типа"] == 6 and base["заметки"] == 6 and base["topic1"] == 30
    keep = {table.terms[j] for j in select_terms(table, GraphConfig(max_df_min_talks=5))}
    assert "типа" not in keep and "заметки" not in keep  # in most Russian notes
    assert "python" not in keep and "topic1" in keep
