"""The OpenVINO encoder: texts in, the unit vectors of a sentence-transformers model out.

:class:`OpenVINOEmbedder` runs the model's transformer as an OpenVINO IR (converted once per
machine into the per-user model cache, see :func:`cached_ir`) on the CPU at OpenVINO's default
inference precision (bf16 where the CPU has it, else f32), tokenises with the model's Hugging
Face tokenizer and mean-pools over the tokens and L2-normalises, as the model's Pooling +
Normalize modules do.

A text's vector does not depend on the other texts of a call: texts are sorted by token
count and only texts of the same token count share a forward pass, so no text is ever padded
(bench/RESULTS.md, "Encoder runtimes", measures this against padded batches). A pass holds at
most :data:`MAX_PASS_TOKENS` tokens: the CPU plugin keeps working memory for the largest pass
it has run (64 texts of 256 tokens: ~0.6 GB), and a text's vector does not depend on how many
others share its pass. After each pass the freed heap goes back to the OS
(:func:`~talktopics.heap.trim_heap`): passes of many different shapes otherwise leave
hundreds of MB of freed buffers resident.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.metadata
import itertools
import json
import logging
import os
import platform
import tempfile
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from talktopics.embed.openvino_ir import convert_transformer, ir_key, load_ir_path
from talktopics.embed.protocol import TOKENIZE_BLOCK, normalise_rows
from talktopics.errors import ModelNotAvailableError
from talktopics.heap import trim_heap

__all__ = [
    "MAX_PASS_TOKENS",
    "SHAPE_CACHE",
    "OpenVINOEmbedder",
    "cached_ir",
    "openvino_name",
    "openvino_precision",
]

logger = logging.getLogger(__name__)

_PRECISIONS = {"f32": "f32", "bf16": "bf16", "f16": "f16"}

MAX_PASS_TOKENS = 4096
"""At most this many tokens (texts x token count) per forward pass (one text at least)."""

SHAPE_CACHE = 64
"""Input shapes whose compiled kernels the CPU plugin keeps (its ``CPU_RUNTIME_CACHE_CAPACITY``;
OpenVINO's default, 5,000, lets them pile up: every pass of another texts x tokens shape adds
some). On 6,001 texts in calls of 512 the runtime grew by 525 MB with the default, 245 MB with
64 and 234 MB with 8, at the same speed and with byte-identical vectors (0, no cache, changed
them). The 20,000-talk digest's encode stage grew past 2 GB with the default."""


def openvino_precision(model_cache: Path) -> str:
    """OpenVINO's default inference precision on this CPU: ``"bf16"``, ``"f16"`` or ``"f32"``.

    Asking OpenVINO costs its import (about a second); the answer is kept in
    ``model_cache/openvino/precision.json`` for this CPU and OpenVINO version, so a run whose
    vectors are all cached does not import it.

    Raises:
        ModelNotAvailableError: The ``openvino`` package is not installed.
    """
    try:
        version = importlib.metadata.version("openvino")
    except importlib.metadata.PackageNotFoundError as exc:
        raise ModelNotAvailableError(
            "the OpenVINO encoder runtime needs 'pip install openvino' "
            "(or use --encoder-runtime torch)"
        ) from exc
    key = hashlib.sha256(f"{version}\0{_cpu_signature()}".encode()).hexdigest()
    memo = model_cache / "openvino" / "precision.json"
    try:
        known = json.loads(memo.read_text(encoding="utf-8"))
        if known["key"] == key and known["precision"] in _PRECISIONS.values():
            return str(known["precision"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    precision = _ask_openvino()
    with contextlib.suppress(OSError):
        memo.parent.mkdir(parents=True, exist_ok=True)
        tmp = memo.with_name(f".{memo.name}.{os.getpid()}")
        tmp.write_text(json.dumps({"key": key, "precision": precision}), encoding="utf-8")
        os.replace(tmp, memo)
    return precision


@functools.cache
def _ask_openvino() -> str:
    import openvino  # type: ignore[import-untyped]

    hint = openvino.Core().get_property("CPU", "INFERENCE_PRECISION_HINT")
    name = str(getattr(hint, "get_type_name", lambda: hint)()).lower()
    return _PRECISIONS.get(name, name)


def _cpu_signature() -> str:
    """The CPU's model and instruction-set flags (what OpenVINO's precision choice rests on)."""
    lines: list[str] = []
    with (
        contextlib.suppress(OSError),
        open("/proc/cpuinfo", encoding="utf-8", errors="replace") as fh,
    ):
        for line in fh:
            if line.startswith(("model name", "flags", "Features", "CPU part")):
                lines.append(line.strip())
            elif not line.strip() and lines:
                break  # the first processor tells
    return "\n".join(lines) or f"{platform.machine()} {platform.processor()}"


def openvino_name(location: str, precision: str) -> str:
    """The :attr:`OpenVINOEmbedder.name` of a model: ``openvino-<precision>:<model>``.

    Args:
        location: The model as :func:`~talktopics.embed.sentence_transformer_name` names it.
        precision: As :func:`openvino_precision` gives it.
    """
    return f"openvino-{precision}:{location}"


class OpenVINOEmbedder:
    """A sentence-transformers model (Transformer + mean Pooling [+ Normalize]) on OpenVINO.

    Args:
        model_dir: The sentence-transformers model folder (with ``modules.json``).
        name: The embedder's name (:func:`openvino_name`).
        model_cache: The per-user model cache (:func:`~talktopics.store.default_model_cache_dir`);
            the IR lives in ``model_cache/openvino/``, shared by every corpus.
        batch_size: At most this many texts (all of one token count) per forward pass, and
            at most :data:`MAX_PASS_TOKENS` tokens.

    Raises:
        ModelNotAvailableError: openvino is missing, the model is not a mean-pooling
            sentence-transformers model, or it cannot be converted.
    """

    def __init__(
        self, model_dir: Path, *, name: str, model_cache: Path, batch_size: int = 64
    ) -> None:
        import openvino

        self.precision = openvino_precision(model_cache)

        spec = _read_pipeline(model_dir)
        self.name = name
        self.batch_size = max(1, batch_size)
        self.max_seq_length: int = spec["max_seq_length"]
        self.max_tokens: int | None = self.max_seq_length - 2
        self._lower = bool(spec["do_lower_case"])
        transformer_dir: Path = spec["transformer_dir"]
        self._cut = _load_tokenizer(transformer_dir)
        self._cut.enable_truncation(max_length=self.max_seq_length)
        self._whole = _load_tokenizer(transformer_dir)
        xml = cached_ir(model_dir, name=name, model_cache=model_cache)
        self._compiled = openvino.Core().compile_model(
            xml, "CPU", {"CPU_RUNTIME_CACHE_CAPACITY": str(SHAPE_CACHE)}
        )
        self._inputs = {port.get_any_name() for port in self._compiled.inputs}
        self._request = self._compiled.create_infer_request()
        self.dim = int(spec["dim"])

    def __repr__(self) -> str:
        return f"OpenVINOEmbedder(name={self.name!r}, dim={self.dim})"

    def token_ids(self, texts: Sequence[str]) -> list[np.ndarray]:
        """Each text's model input ids (special tokens added, cut at the sequence limit), as
        an int64 array; tokenised :data:`TOKENIZE_BLOCK` texts at a time."""
        out: list[np.ndarray] = []
        for start in range(0, len(texts), TOKENIZE_BLOCK):
            part = [t.lower() if self._lower else t for t in texts[start : start + TOKENIZE_BLOCK]]
            out.extend(np.array(row.ids, dtype=np.int64) for row in self._cut.encode_batch(part))
        trim_heap()  # the tokenizer's freed buffers
        return out

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        counts: list[int] = []
        for start in range(0, len(texts), TOKENIZE_BLOCK):
            part = list(texts[start : start + TOKENIZE_BLOCK])
            counts.extend(
                len(row.ids) for row in self._whole.encode_batch(part, add_special_tokens=False)
            )
        trim_heap()
        return counts

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors of the texts; each is the same whatever else is in ``texts``."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        ids = self.token_ids(texts)
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        for length, group in itertools.groupby(order, key=lambda i: len(ids[i])):
            rows = list(group)
            per_pass = max(1, min(self.batch_size, MAX_PASS_TOKENS // max(1, length)))
            for start in range(0, len(rows), per_pass):
                part = rows[start : start + per_pass]
                out[part] = self._forward(np.stack([ids[i] for i in part]))
                trim_heap()  # the runtime's buffers of this pass's shape, freed
        return normalise_rows(out)

    def _forward(self, input_ids: np.ndarray) -> np.ndarray:
        """Mean-pooled token vectors of equally long rows of input ids (no padding)."""
        feed: dict[str, np.ndarray] = {"input_ids": input_ids}
        if "attention_mask" in self._inputs:
            feed["attention_mask"] = np.ones_like(input_ids)
        if "token_type_ids" in self._inputs:
            feed["token_type_ids"] = np.zeros_like(input_ids)
        hidden = np.asarray(self._request.infer(feed)[0])
        # Row by row in float64: a row's mean never depends on the other rows.
        pooled = [row.astype(np.float64).sum(axis=0) / row.shape[0] for row in hidden]
        return np.asarray(pooled, dtype=np.float32)


def cached_ir(model_dir: Path, *, name: str, model_cache: Path) -> Path:
    """The ``model.xml`` of the model's transformer as an OpenVINO IR in ``model_cache``.

    The IR depends on the model, its name (with the precision) and the OpenVINO version only
    (:func:`~talktopics.embed.openvino_ir.ir_key`), never on a corpus: converted once per
    machine (``make setup`` does it, else the first run) and reused by every later run.

    Args:
        model_dir: The sentence-transformers model folder.
        name: The embedder's name (:func:`openvino_name`).
        model_cache: The per-user model cache folder.

    Raises:
        ModelNotAvailableError: Not a mean-pooling sentence-transformers model, or the
            conversion failed.
    """
    transformer_dir: Path = _read_pipeline(model_dir)["transformer_dir"]
    folder = model_cache / "openvino" / ir_key(transformer_dir, name)
    xml = load_ir_path(folder)
    if xml is None:
        logger.info("converting %s to OpenVINO (once; kept in %s)", transformer_dir, folder)
        xml = _convert(transformer_dir, _writable(folder))
    return xml


def _read_pipeline(model_dir: Path) -> dict[str, Any]:
    """The parts of a sentence-transformers pipeline this runtime needs, checked.

    Raises:
        ModelNotAvailableError: Not a Transformer + mean Pooling (+ Normalize) pipeline.
    """
    unsupported = (
        f"the OpenVINO encoder runtime supports sentence-transformers models made of "
        f"Transformer + mean Pooling (+ Normalize); {model_dir} is not one — "
        "use --encoder-runtime torch"
    )
    try:
        modules = json.loads((model_dir / "modules.json").read_text(encoding="utf-8"))
        kinds = [str(m["type"]).rsplit(".", 1)[-1] for m in modules]
        if kinds not in (["Transformer", "Pooling"], ["Transformer", "Pooling", "Normalize"]):
            raise ModelNotAvailableError(unsupported)
        transformer_dir = model_dir / str(modules[0].get("path", ""))
        pooling = json.loads(
            (model_dir / str(modules[1]["path"]) / "config.json").read_text(encoding="utf-8")
        )
        st_config = json.loads(
            (transformer_dir / "sentence_bert_config.json").read_text(encoding="utf-8")
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelNotAvailableError(f"{unsupported} ({type(exc).__name__}: {exc})") from exc
    modes = {k for k, v in pooling.items() if k.startswith("pooling_mode") and v is True}
    mean = modes == {"pooling_mode_mean_tokens"} or pooling.get("pooling_mode") == "mean"
    if not mean:
        raise ModelNotAvailableError(unsupported)
    dim = pooling.get("word_embedding_dimension") or pooling.get("embedding_dimension")
    return {
        "transformer_dir": transformer_dir,
        "max_seq_length": int(st_config.get("max_seq_length") or 512),
        "do_lower_case": bool(st_config.get("do_lower_case", False)),
        "dim": int(dim),
    }


def _load_tokenizer(transformer_dir: Path) -> Any:
    """The model's fast tokenizer (a ``tokenizers.Tokenizer``, no padding, no truncation).

    Read from ``tokenizer.json`` with the ``tokenizers`` library, which does not import
    torch (transformers' ``AutoTokenizer`` does: 215 MB of a run's memory); the same ids as
    ``AutoTokenizer``. A model folder without ``tokenizer.json`` goes through transformers.
    """
    try:
        path = transformer_dir / "tokenizer.json"
        if path.is_file():
            from tokenizers import Tokenizer

            tokenizer = Tokenizer.from_file(str(path))
        else:
            tokenizer = _hf_tokenizer(transformer_dir).backend_tokenizer
        tokenizer.no_padding()
        tokenizer.no_truncation()
        return tokenizer
    except Exception as exc:  # OSError, ValueError: all mean "no usable tokenizer here"
        raise ModelNotAvailableError(
            f"no tokenizer for {transformer_dir} ({type(exc).__name__}: {exc}); "
            "use --encoder-runtime torch"
        ) from exc


def _hf_tokenizer(transformer_dir: Path) -> Any:
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(transformer_dir), local_files_only=True)


def _convert(transformer_dir: Path, folder: Path) -> Path:
    """Convert the transformer into ``folder`` in a spawned child process, so that torch and
    the PyTorch model (~0.7 GB) never stay in the run's own process; in this process when it
    may not have children (a daemonic worker, e.g. Dask's)."""
    import multiprocessing

    if multiprocessing.current_process().daemon:
        return convert_here(transformer_dir, folder)
    pool = multiprocessing.get_context("spawn").Pool(1)
    try:
        xml: Path = pool.apply(convert_here, (transformer_dir, folder))
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.close()  # the child exits on its own, releasing what it registered
        pool.join()
    return xml


def convert_here(transformer_dir: Path, folder: Path) -> Path:
    """Load the PyTorch transformer (offline) and convert it into ``folder`` (this process)."""
    try:
        from transformers import AutoModel
        from transformers.utils import logging as hf_logging
    except ImportError as exc:  # pragma: no cover - transformers comes with the tokenizer
        raise ModelNotAvailableError("converting a model needs 'pip install torch'") from exc
    level = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()  # type: ignore[no-untyped-call]
    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]  # the CLI draws its own
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the tracer's notes on the model's Python code
            module = AutoModel.from_pretrained(str(transformer_dir), local_files_only=True)
            texts = ["an example", "a longer example text"]
            tokenizer = _hf_tokenizer(transformer_dir)
            example = dict(tokenizer(texts, padding=True, return_tensors="pt"))
            return convert_transformer(module.eval(), example, folder)
    finally:
        hf_logging.set_verbosity(level)


def _writable(folder: Path) -> Path:
    """``folder``, or a fresh temporary folder (this run only) when its parent is read-only."""
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        if os.access(folder.parent, os.W_OK):
            return folder
    except OSError:
        pass
    scratch = Path(tempfile.mkdtemp(prefix="talktopics-openvino-")) / folder.name
    logger.warning("%s is not writable: the OpenVINO IR goes to %s for this run", folder, scratch)
    return scratch
