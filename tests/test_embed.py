"""Tests of the embedding backends, document chunking and the on-disk cache (talktopics.embed)."""

from __future__ import annotations

import dataclasses
import logging
import sqlite3
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from tests.conftest import FakeEmbedder

from talktopics import embed as embed_module
from talktopics.config import EmbedConfig
from talktopics.embed import (
    CachedEmbedder,
    DeferredEmbedder,
    Embedder,
    MultilingualUSEEmbedder,
    SentenceTransformerEmbedder,
    chunk_text,
    embed_documents,
    multilingual_use_name,
    pool_documents,
    select_embedder,
    sentence_transformer_name,
)
from talktopics.errors import ConfigError, ModelNotAvailableError


class CountingEmbedder:
    """Wraps an embedder and records every text it is asked to embed."""

    def __init__(self, inner: Embedder, *, max_tokens: int | None = None) -> None:
        self.inner = inner
        self.name = f"counting:{inner.name}"
        self.dim = inner.dim
        self.max_tokens = max_tokens
        self.calls: list[str] = []

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.extend(texts)
        return self.inner.embed(list(texts))

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        counter = getattr(self.inner, "count_tokens", None)
        if counter is not None:
            return list(counter(texts))
        return [len(t.split()) for t in texts]  # one token per word


# --- chunking ------------------------------------------------------------------------------


def words_counter(texts: Sequence[str]) -> list[int]:
    return [len(t.split()) for t in texts]


def test_chunk_text_packs_sentences_and_splits_long_ones() -> None:
    text = "One two three. Four five six seven. " + " ".join(f"W{i}" for i in range(12)) + "."
    chunks = chunk_text(text, words_counter, 5)
    assert all(n <= 5 for _, n in chunks)
    assert [n for _, n in chunks] == [len(c.split()) for c, _ in chunks]
    # Nothing is lost, nothing is repeated, order is kept.
    assert " ".join(c for c, _ in chunks).split() == text.split()
    assert chunks[0] == ("One two three.", 3)
    with pytest.raises(ValueError, match="max_tokens = 0 is invalid"):
        chunk_text(text, words_counter, 0)


def test_embed_documents_pools_all_chunks() -> None:
    fake = CountingEmbedder(FakeEmbedder(), max_tokens=8)
    first = "alpha beta gamma delta. epsilon zeta eta theta."
    long_text = first + " " + " ".join(["databases and indexes."] * 10)
    short = "short text"
    out = embed_documents([long_text, short], fake)
    assert out.shape == (2, fake.dim) and out.dtype == np.float32
    assert np.allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)
    assert short in fake.calls  # short texts are embedded whole
    assert sum(1 for c in fake.calls if "databases" in c) >= 3
    # The pooled vector reflects the whole text, not its first chunk only.
    head = fake.embed([first])[0]
    assert float(out[0] @ head) < 0.9
    assert float(out[1] @ fake.embed([short])[0]) == pytest.approx(1.0, abs=1e-6)


def test_embed_documents_without_token_limit_embeds_whole_texts() -> None:
    fake = CountingEmbedder(FakeEmbedder())
    embed_documents(["a b c " * 500], fake)
    assert len(fake.calls) == 1


# --- cache ---------------------------------------------------------------------------------


def test_cache_second_call_embeds_nothing(tmp_path: Path) -> None:
    counting = CountingEmbedder(FakeEmbedder())
    texts = ["web frameworks", "machine learning", "web frameworks", "testing"]
    with CachedEmbedder(counting, tmp_path) as cache:
        first = cache.embed(texts)
        assert sorted(counting.calls) == ["machine learning", "testing", "web frameworks"]
        assert cache.misses == 3 and cache.hits == 0
    counting.calls.clear()
    again = CachedEmbedder(counting, tmp_path)  # a new run
    second = again.embed(list(reversed(texts)))
    assert counting.calls == []
    assert again.hits == 3 and again.misses == 0
    assert np.array_equal(second, first[::-1])
    assert second.dtype == np.float32
    again.close()


def test_cache_keys_include_backend(tmp_path: Path) -> None:
    a = CountingEmbedder(FakeEmbedder())
    b = CountingEmbedder(FakeEmbedder())
    b.name = "another-model"
    CachedEmbedder(a, tmp_path).embed(["x y"])
    CachedEmbedder(b, tmp_path).embed(["x y"])
    assert a.calls == ["x y"] and b.calls == ["x y"]


def _dim32_blob() -> bytes:
    return np.ones(32, dtype="<f4").tobytes()


@pytest.mark.parametrize(
    ("corruption", "params"),
    [
        ("value = substr(value, 1, 100)", ()),  # truncated: checksum mismatch
        ("value = zeroblob(256)", ()),  # bad bytes: checksum mismatch
        ("value = 'text'", ()),  # not even bytes
        # A vector of another dimension under the same name, with a valid checksum.
        ("value = ?, crc = ?", (_dim32_blob(), zlib.crc32(_dim32_blob()))),
    ],
)
def test_corrupt_entries_are_recomputed(
    tmp_path: Path,
    corruption: str,
    params: tuple[object, ...],
    caplog: pytest.LogCaptureFixture,
) -> None:
    counting = CountingEmbedder(FakeEmbedder())
    cache = CachedEmbedder(counting, tmp_path)
    expected = cache.embed(["alpha", "beta"])
    cache.close()
    conn = sqlite3.connect(tmp_path / "embeddings.sqlite3")
    with conn:
        changed = conn.execute(
            f"UPDATE entries SET {corruption} WHERE key = ?", (*params, cache.key("alpha"))
        ).rowcount
    conn.close()
    assert changed == 1
    counting.calls.clear()
    with caplog.at_level(logging.WARNING, logger="talktopics.embed"):
        got = CachedEmbedder(counting, tmp_path).embed(["alpha", "beta"])
    assert counting.calls == ["alpha"]
    assert np.array_equal(got, expected)
    assert "corrupt" in caplog.text
    # The repaired entry is served from the cache next time.
    counting.calls.clear()
    CachedEmbedder(counting, tmp_path).embed(["alpha"])
    assert counting.calls == []


def test_unreadable_database_is_moved_aside(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "embeddings.sqlite3").write_bytes(b"this is not a database" * 100)
    counting = CountingEmbedder(FakeEmbedder())
    with caplog.at_level(logging.WARNING, logger="talktopics.embed"):
        out = CachedEmbedder(counting, tmp_path).embed(["alpha"])
    assert out.shape == (1, 64)
    assert "unreadable" in caplog.text
    assert list(tmp_path.glob("embeddings.sqlite3.corrupt-*"))
    counting.calls.clear()
    CachedEmbedder(counting, tmp_path).embed(["alpha"])
    assert counting.calls == []


def test_cache_dir_not_writable_falls_back_to_plain_embedding(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with caplog.at_level(logging.WARNING, logger="talktopics.embed"):
        out = CachedEmbedder(FakeEmbedder(), blocker / "cache").embed(["alpha", "beta"])
    assert out.shape == (2, 64)
    assert "unavailable" in caplog.text


# --- backend selection ---------------------------------------------------------------------


class _Stub:
    def __init__(self, model: str | None = None, **_: object) -> None:
        self.name = f"stub:{model}"
        self.dim = 4
        self.model = model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return np.ones((len(texts), 4), dtype=np.float32) / 2


@pytest.fixture
def stub_backends(monkeypatch: pytest.MonkeyPatch) -> None:
    class StubST(_Stub):
        kind = "st"

    class StubUSE(_Stub):
        kind = "use"

    class StubOpenVINO(_Stub):
        kind = "st"

        def __init__(self, model_dir: str | None = None, **_: object) -> None:
            super().__init__(model_dir)

    monkeypatch.setattr(embed_module, "SentenceTransformerEmbedder", StubST)
    monkeypatch.setattr(embed_module, "OpenVINOEmbedder", StubOpenVINO)
    monkeypatch.setattr(embed_module, "model_directory", lambda model: model)
    monkeypatch.setattr(embed_module, "MultilingualUSEEmbedder", StubUSE)


@pytest.mark.usefixtures("stub_backends")
def test_select_embedder_auto(tmp_path: Path) -> None:
    config = EmbedConfig(use_cache=False)
    english = select_embedder(config, ["en", "en", "ru", None])
    russian = select_embedder(config, ["ru", "ru", "en", None, "de"])
    unknown = select_embedder(config, [None, None])
    assert english.kind == "st"
    assert russian.kind == "use"
    assert unknown.kind == "st"
    # An explicit model means sentence-transformers; an explicit backend wins over "auto".
    assert select_embedder(EmbedConfig(use_cache=False, model="m"), ["ru"]).kind == "st"
    forced = select_embedder(EmbedConfig(use_cache=False, embedder="use-multilingual"), ["en"])
    assert forced.kind == "use"
    cached = select_embedder(EmbedConfig(cache_dir=str(tmp_path)), ["en"])
    assert isinstance(cached, CachedEmbedder) and cached.cache_dir == tmp_path


@pytest.mark.usefixtures("stub_backends")
def test_select_embedder_rejects_unknown_backend() -> None:
    with pytest.raises(ConfigError, match="embedder = 'bert' is invalid"):
        select_embedder(EmbedConfig(embedder="bert"), ["en"])  # type: ignore[arg-type]


def test_missing_model_names_what_to_do() -> None:
    with pytest.raises(ModelNotAvailableError, match="not available offline"):
        SentenceTransformerEmbedder("no-such-org/no-such-model-xyz")


# --- deferred backends: a warm re-run loads no model ----------------------------------------


class _TokenLimitedFake(CountingEmbedder):
    """A counting fake with a token limit (one token per word) that records token counting."""

    def __init__(self, name: str = "fake", *, dim: int = 64, max_tokens: int = 6) -> None:
        inner = FakeEmbedder()
        inner.dim = dim
        super().__init__(inner, max_tokens=max_tokens)
        self.name = name
        self.counted = 0

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        self.counted += len(texts)
        return [len(t.split()) for t in texts]


def _must_not_load() -> Embedder:
    raise AssertionError("the backend was loaded although every text is cached")


DOCS = [
    "Type hints in Python. Gradual typing with mypy catches bugs early. Protocols help too.",
    "short talk",
    "Pandas data frames. Group by and window functions. Plotting the results quickly.",
    "short talk",
]
TERMS = ["type hints", "data frames", "mypy"]


def test_fully_cached_run_never_builds_the_backend(tmp_path: Path) -> None:
    backend = _TokenLimitedFake("fake:deferred")
    first = CachedEmbedder(DeferredEmbedder("fake:deferred", lambda: backend), tmp_path)
    docs, terms = first.embed_documents(DOCS), first.embed(TERMS)
    assert first.inner.loaded and backend.counted > 0  # cold: built, chunked
    first.close()
    # The document vectors are exactly what chunking and pooling through the vector cache
    # alone (no document cache) gives.
    plain = CachedEmbedder(_TokenLimitedFake("fake:deferred"), tmp_path / "other")
    assert np.array_equal(docs, pool_documents(DOCS, plain))
    plain.close()

    again = CachedEmbedder(DeferredEmbedder("fake:deferred", _must_not_load), tmp_path)
    assert again.dim == 64
    assert np.array_equal(again.embed_documents(DOCS), docs)  # byte-identical
    assert np.array_equal(embed_documents(list(reversed(DOCS)), again), docs[::-1])
    assert np.array_equal(again.embed(TERMS), terms)
    assert not again.inner.loaded
    again.close()


def test_deferred_backend_is_built_once_a_text_is_missing(tmp_path: Path) -> None:
    CachedEmbedder(_TokenLimitedFake("fake:deferred"), tmp_path).embed(["alpha"])
    built: list[_TokenLimitedFake] = []

    def load() -> Embedder:
        built.append(_TokenLimitedFake("fake:deferred"))
        return built[-1]

    cache = CachedEmbedder(DeferredEmbedder("fake:deferred", load), tmp_path)
    cache.embed(["alpha"])
    assert built == []
    out = cache.embed(["alpha", "beta"])
    assert len(built) == 1 and built[0].calls == ["beta"]
    assert np.allclose(out, FakeEmbedder().embed(["alpha", "beta"]), atol=1e-6)


def test_released_backend_is_dropped_and_built_again_only_when_needed(tmp_path: Path) -> None:
    built: list[_TokenLimitedFake] = []

    def load() -> Embedder:
        built.append(_TokenLimitedFake("fake:deferred"))
        return built[-1]

    cache = CachedEmbedder(DeferredEmbedder("fake:deferred", load), tmp_path)
    first = cache.embed(["alpha", "beta"])
    cache.release()
    assert isinstance(cache.inner, DeferredEmbedder) and not cache.inner.loaded
    # Cached texts need no backend; a new text builds a fresh one, with the same vectors.
    assert np.array_equal(cache.embed(["beta", "alpha"]), first[::-1])
    assert len(built) == 1
    again = cache.embed(["gamma", "alpha"])
    assert len(built) == 2 and built[1].calls == ["gamma"]
    assert np.array_equal(again[1], first[0])
    cache.close()


def test_prepare_builds_the_backend_in_the_background(tmp_path: Path) -> None:
    import threading

    release = threading.Event()
    built: list[str] = []

    def load() -> Embedder:
        release.wait(timeout=30)  # a slow model: prepare() must not wait for it
        built.append(threading.current_thread().name)
        return _TokenLimitedFake("fake:deferred")

    cache = CachedEmbedder(DeferredEmbedder("fake:deferred", load), tmp_path)
    cache.prepare()
    cache.prepare()  # once is enough: no second build
    assert built == [] and not cache.inner.loaded  # returned at once
    release.set()
    out = cache.embed(["alpha"])  # waits for the background build
    assert built == ["load fake:deferred"]
    assert np.allclose(out, FakeEmbedder().embed(["alpha"]), atol=1e-6)
    cache.prepare()  # built already: nothing happens
    assert len(built) == 1


def test_a_background_build_error_reaches_the_first_use() -> None:
    def load() -> Embedder:
        raise ModelNotAvailableError("no model here")

    deferred = DeferredEmbedder("fake:deferred", load)
    deferred.prepare()
    with pytest.raises(ModelNotAvailableError, match="no model here"):
        deferred.embed(["x"])


def test_wrong_remembered_dimension_is_corrected(tmp_path: Path) -> None:
    """A remembered dimension that the backend contradicts (the model behind a path changed)
    is replaced; cached vectors of the old length count as corrupt and are recomputed."""
    CachedEmbedder(_TokenLimitedFake("fake:model", dim=32), tmp_path).embed(["alpha"])
    wider = _TokenLimitedFake("fake:model", dim=64)
    cache = CachedEmbedder(DeferredEmbedder("fake:model", lambda: wider), tmp_path)
    assert cache.dim == 32  # remembered, nothing built yet
    out = cache.embed(["alpha", "beta"])
    assert out.shape == (2, 64) and cache.dim == 64
    assert sorted(wider.calls) == ["alpha", "beta"]
    assert CachedEmbedder(DeferredEmbedder("fake:model", _must_not_load), tmp_path).dim == 64


def test_deferred_backend_must_keep_its_name() -> None:
    deferred = DeferredEmbedder("fake:one", lambda: _TokenLimitedFake("fake:other"))
    with pytest.raises(ValueError, match="loaded a backend named 'fake:other'"):
        deferred.embed(["x"])


def test_deferred_backend_reports_a_missing_package_up_front() -> None:
    with pytest.raises(ModelNotAvailableError, match="pip install no-such-package"):
        DeferredEmbedder(
            "x",
            _must_not_load,
            requires=["no_such_package_xyz"],
            missing="pip install no-such-package",
        )


def test_select_embedder_defers_the_model_and_names_it_alike(tmp_path: Path) -> None:
    torch = EmbedConfig(cache_dir=str(tmp_path), runtime="torch")
    cached = select_embedder(torch, ["en"])
    assert isinstance(cached, CachedEmbedder) and isinstance(cached.inner, DeferredEmbedder)
    assert not cached.inner.loaded
    assert cached.name == f"sentence-transformers:{embed_module.DEFAULT_MODEL_NAME}"
    model_dir = tmp_path / "my-model"
    model_dir.mkdir()
    local = select_embedder(dataclasses.replace(torch, model=str(model_dir)), ["en"])
    assert local.name == f"sentence-transformers:{model_dir.resolve()}"
    openvino = select_embedder(EmbedConfig(cache_dir=str(tmp_path), model=str(model_dir)), [])
    assert isinstance(openvino, CachedEmbedder) and not openvino.inner.loaded  # type: ignore[attr-defined]
    assert openvino.name.startswith("openvino-")
    assert openvino.name.endswith(f":{model_dir.resolve()}")
    use = select_embedder(EmbedConfig(cache_dir=str(tmp_path), embedder="use-multilingual"), [])
    assert use.name == multilingual_use_name() and not use.inner.loaded  # type: ignore[attr-defined]


_CHILD = """
import json, sys
import numpy as np
from talktopics.config import EmbedConfig
from talktopics.embed import embed_documents, select_embedder
docs, terms = json.loads(sys.argv[2]), json.loads(sys.argv[3])
cache = select_embedder(EmbedConfig(cache_dir=sys.argv[1]), ["en"] * len(docs))
vectors = np.vstack([embed_documents(docs, cache), cache.embed(terms)])
heavy = ("torch", "transformers", "sentence_transformers", "openvino")
heavy = sorted(m for m in heavy if m in sys.modules)
print(json.dumps({"heavy": heavy, "vectors": vectors.tobytes().hex()}))
"""


def test_warm_run_imports_no_torch(tmp_path: Path) -> None:
    """A new process whose texts are all cached neither imports torch nor loads MiniLM."""
    import json
    import subprocess
    import sys

    name = select_embedder(EmbedConfig(cache_dir=str(tmp_path)), []).name  # the default runtime
    backend = _TokenLimitedFake(name, dim=384, max_tokens=254)
    first = CachedEmbedder(DeferredEmbedder(name, lambda: backend), tmp_path)
    expected = np.vstack([embed_documents(DOCS, first), first.embed(TERMS)])
    first.close()
    child = subprocess.run(
        [sys.executable, "-c", _CHILD, str(tmp_path), json.dumps(DOCS), json.dumps(TERMS)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    report = json.loads(child.stdout.strip().splitlines()[-1])
    assert report["heavy"] == []
    assert report["vectors"] == expected.tobytes().hex()


# --- real models ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def minilm() -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder()


@pytest.fixture(scope="module")
def use() -> MultilingualUSEEmbedder:
    return MultilingualUSEEmbedder()


def cos(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.dot(a, b))


@pytest.mark.real
def test_minilm_semantic_similarity(minilm: SentenceTransformerEmbedder) -> None:
    assert isinstance(minilm, Embedder)
    assert minilm.dim == 384 and "all-MiniLM-L6-v2" in minilm.name
    # The name a deferred backend is cached under before loading is the loaded model's.
    assert minilm.name == sentence_transformer_name()
    v = minilm.embed(
        [
            "Training neural networks with PyTorch on GPUs.",
            "Deep learning models built in PyTorch.",
            "How to bake sourdough bread at home.",
        ]
    )
    assert v.dtype == np.float32 and v.shape == (3, 384)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert cos(v[0], v[1]) > cos(v[0], v[2]) + 0.3
    assert minilm.embed([]).shape == (0, 384)


@pytest.mark.real
def test_minilm_is_deterministic(minilm: SentenceTransformerEmbedder) -> None:
    texts = ["Async web frameworks.", "Type hints in large code bases.", "x"]
    assert minilm.embed(texts).tobytes() == minilm.embed(texts).tobytes()


@pytest.mark.real
def test_use_puts_a_russian_sentence_next_to_its_translation(use: MultilingualUSEEmbedder) -> None:
    v = use.embed(
        [
            "Докладчик рассказал, как ускорить код на Python с помощью Cython.",
            "The speaker explained how to speed up Python code with Cython.",
            "Сегодня на обед был суп и салат.",
        ]
    )
    assert v.shape == (3, 512) and v.dtype == np.float32
    assert cos(v[0], v[1]) > 0.7
    assert cos(v[0], v[1]) > cos(v[0], v[2]) + 0.3
    assert use.embed(["Type annotations"]).tobytes() == use.embed(["Type annotations"]).tobytes()


@pytest.mark.real
def test_long_document_is_embedded_from_all_chunks(minilm: SentenceTransformerEmbedder) -> None:
    topics = [
        "Django views render templates for the web application.",
        "The database schema migrations run with Alembic and PostgreSQL.",
        "Kubernetes deploys the containers to the cloud cluster.",
        "Unit tests with pytest check every function of the library.",
    ]
    text = " ".join(topics[(i // 25) % 4] for i in range(230))  # ~2,000 words
    assert len(text.split()) > 1900
    assert minilm.max_tokens is not None
    n_tokens = minilm.count_tokens([text])[0]
    assert n_tokens > 4 * minilm.max_tokens
    counting = CountingEmbedder(minilm, max_tokens=minilm.max_tokens)
    doc = embed_documents([text], counting)[0]
    assert len(counting.calls) >= n_tokens // minilm.max_tokens
    truncated = minilm.embed([text])[0]  # what the model sees alone: the first 256 tokens
    assert cos(doc, truncated) < 0.95
    # Every part of the text is represented in the pooled vector.
    parts = minilm.embed(topics)
    assert all(cos(doc, p) > 0.3 for p in parts)
    assert min(cos(doc, p) for p in parts) > min(cos(truncated, p) for p in parts)


@pytest.mark.real
def test_cache_with_real_model(minilm: SentenceTransformerEmbedder, tmp_path: Path) -> None:
    counting = CountingEmbedder(minilm)
    texts = ["Python packaging with pyproject.toml.", "Data pipelines in Airflow."]
    first = CachedEmbedder(counting, tmp_path).embed(texts)
    counting.calls.clear()
    second = CachedEmbedder(counting, tmp_path).embed(texts)
    assert counting.calls == []
    assert first.tobytes() == second.tobytes()


# --- documents given as their sentences (one encoder pass) ------------------------------------


def test_sentence_documents_are_token_weighted_means_of_their_sentences() -> None:
    fake = CountingEmbedder(FakeEmbedder(), max_tokens=4)
    units = ("Type hints catch bugs.", "mypy checks them all statically.", "Short.")
    vector = embed_documents([units], fake)[0]
    parts = FakeEmbedder().embed(["Type hints catch bugs.", "mypy checks them all", "statically."])
    parts = np.vstack([parts, FakeEmbedder().embed(["Short."])])
    expected = (parts * np.array([[4.0], [4.0], [1.0], [1.0]])).sum(axis=0)
    assert np.allclose(vector, expected / np.linalg.norm(expected), atol=1e-6)
    # The one overlong sentence is split between words; every other sentence is sent whole.
    assert fake.calls == ["Type hints catch bugs.", "mypy checks them all", "statically.", "Short."]


def test_sentence_documents_reuse_the_sentence_vectors_and_are_cached(tmp_path: Path) -> None:
    backend = _TokenLimitedFake("fake:units", max_tokens=50)
    cached = CachedEmbedder(backend, tmp_path)
    docs = [("First sentence here.", "Second one."), ("Second one.", "A third.")]
    cached.embed(["Second one.", "A third."])  # e.g. summaries' sentences, embedded first
    assert cached.cached_documents(docs) == [False, False]
    vectors = embed_documents(docs, cached)
    assert sorted(backend.calls) == ["A third.", "First sentence here.", "Second one."]
    assert cached.cached_documents(docs) == [True, True]
    assert cached.cached_documents(["First sentence here. Second one."]) == [False]
    again = CachedEmbedder(DeferredEmbedder("fake:units", _must_not_load), tmp_path)
    assert np.array_equal(again.embed_documents(docs), vectors)


def test_cache_embeds_missing_texts_longest_first_over_the_whole_call(tmp_path: Path) -> None:
    backend = CountingEmbedder(FakeEmbedder())
    cached = CachedEmbedder(backend, tmp_path)
    cached.WRITE_EVERY = 2  # several blocks: the order must hold across them
    texts = ["a b", "a b c d e", "a", "a b c", "a b c d"]
    cached.embed(texts)
    assert backend.calls == ["a b c d e", "a b c d", "a b c", "a b", "a"]


@pytest.mark.real
def test_multilingual_vectors_do_not_depend_on_the_batch() -> None:
    """A text's multilingual vector is the same bytes alone, in a batch and in another order
    (so a run's output never depends on what the cache held before)."""
    from talktopics.embed import MultilingualUSEEmbedder

    texts = [
        "Daten",
        "Datenbank für große Mengen von Zeitreihen",
        "модель машинного обучения и данные",
        "a longer English sentence about testing with pytest and fixtures",
    ]
    model = MultilingualUSEEmbedder()
    together = model.embed(texts)
    alone = np.vstack([model.embed([t]) for t in texts])
    reversed_ = model.embed(texts[::-1])[::-1]
    assert together.tobytes() == alone.tobytes() == reversed_.tobytes()
    assert MultilingualUSEEmbedder(threads=4).embed(texts).tobytes() == together.tobytes()
