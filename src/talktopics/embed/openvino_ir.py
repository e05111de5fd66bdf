"""A sentence-transformers model directory in, its transformer as an OpenVINO IR on disk out.

The PyTorch transformer (module 0 of the sentence-transformers pipeline) is converted once with
``openvino.convert_model`` and saved under ``<model cache>/openvino/<model key>/`` in the
per-user model cache (:func:`talktopics.store.default_model_cache_dir`, shared by every
corpus): ``model.xml`` + ``model.bin`` and a ``manifest.json`` with their sha256. A
later run reuses the IR when the manifest matches; a missing, partial or corrupt IR is
converted again. The folder is written under a temporary name and renamed into place, so a
reader never sees half of it. OpenVINO's conversion telemetry is switched off and nothing is
fetched from the network.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from talktopics.errors import ModelNotAvailableError

__all__ = ["IR_FILES", "convert_transformer", "ir_key", "load_ir_path"]

logger = logging.getLogger(__name__)

IR_FILES = ("model.xml", "model.bin")
"""The files of a saved IR (the manifest lists their checksums)."""

_MANIFEST = "manifest.json"
_WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin", "config.json")


def ir_key(location: Path, name: str) -> str:
    """Folder name of a model's IR: readable model name + a digest of what the IR depends on.

    The digest covers the model name, the size and modification time of the weight files in
    ``location`` (a retrained local model gets a new IR) and the OpenVINO version.

    Args:
        location: The transformer's directory.
        name: The model's name as the run reports it.
    """
    import openvino  # type: ignore[import-untyped]

    parts = [name, str(location.resolve()), openvino.get_version()]
    for file in _WEIGHT_FILES:
        path = location / file
        if path.exists():
            stat = path.stat()
            parts.append(f"{file}:{stat.st_size}:{stat.st_mtime_ns}")
    digest = hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]
    readable = re.sub(r"[^A-Za-z0-9._-]+", "_", name.rsplit("/", 1)[-1])[:60] or "model"
    return f"{readable}-{digest}"


def load_ir_path(folder: Path) -> Path | None:
    """``folder/model.xml`` when the IR in ``folder`` is complete and matches its manifest."""
    try:
        manifest = json.loads((folder / _MANIFEST).read_text(encoding="utf-8"))
        for file in IR_FILES:
            if manifest["sha256"][file] != _sha256(folder / file):
                logger.warning("OpenVINO IR %s: %s does not match its checksum", folder, file)
                return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return folder / IR_FILES[0]


def convert_transformer(transformer: Any, example: dict[str, Any], folder: Path) -> Path:
    """Convert a PyTorch transformer to an IR in ``folder`` (atomically) and return its xml.

    Args:
        transformer: The ``torch.nn.Module`` (e.g. a ``BertModel``) in eval mode.
        example: Example inputs by name (``input_ids``, ``attention_mask``, ...), torch tensors.
        folder: Where the IR goes; an existing invalid IR there is replaced.

    Raises:
        ModelNotAvailableError: The conversion failed.
    """
    import openvino
    import torch

    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        with _no_telemetry(), torch.inference_mode():
            ov_model = openvino.convert_model(transformer, example_input=example)
        openvino.save_model(ov_model, tmp / IR_FILES[0], compress_to_fp16=False)
        sums = {file: _sha256(tmp / file) for file in IR_FILES}
        manifest = {"sha256": sums, "openvino": openvino.get_version()}
        (tmp / _MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        if folder.exists():
            shutil.rmtree(folder, ignore_errors=True)
        try:
            os.replace(tmp, folder)
        except OSError:  # another process put its IR there first: use the valid one
            if load_ir_path(folder) is None:
                raise
    except ModelNotAvailableError:
        raise
    except Exception as exc:
        raise ModelNotAvailableError(
            f"converting the model to OpenVINO failed ({type(exc).__name__}: {exc}); "
            "use --encoder-runtime torch"
        ) from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    logger.info("OpenVINO IR saved in %s", folder)
    return folder / IR_FILES[0]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@contextlib.contextmanager
def _no_telemetry() -> Iterator[None]:
    """Run the model converter with its telemetry stub (the real one may send usage events)."""
    from openvino.tools.ovc import (  # type: ignore[import-untyped]
        convert_impl,
        telemetry_stub,
        telemetry_utils,
    )

    saved = (convert_impl.tm, telemetry_utils.tm)
    convert_impl.tm = telemetry_stub
    telemetry_utils.tm = telemetry_stub
    try:
        yield
    finally:
        convert_impl.tm, telemetry_utils.tm = saved
