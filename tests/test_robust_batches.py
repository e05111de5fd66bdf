"""F8: a text's vector does not depend on the texts it is embedded with, so the outputs do not
depend on the embedding cache's history (which runs filled it, in which batches)."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import numpy as np
import pytest

from talktopics.embed.batches import Batch, fixed_shape_batches

FIXTURE = Path(__file__).parent / "fixtures" / "mini-conf"


def test_the_plan_depends_on_each_text_alone() -> None:
    lengths = [5, 40, 5, 7, 5, 300, 7]
    plan = fixed_shape_batches(lengths, size=2, short_tokens=32)
    assert plan == [
        Batch((0, 2), 2),
        Batch((4,), 2),
        Batch((3, 6), 2),
        Batch((1,), 1),
        Batch((5,), 1),
    ]
    assert plan[1].padded == (4, 4)
    assert sorted(i for b in plan for i in b.rows) == list(range(len(lengths)))
    # Every pass of a short text has the same shape: (size rows, its own length).
    assert {b.size for b in plan if lengths[b.rows[0]] <= 32} == {2}
    assert all(len({lengths[i] for i in b.rows}) == 1 for b in plan)
    with pytest.raises(ValueError):
        fixed_shape_batches([1], size=0)


def _texts() -> list[str]:
    lines = (FIXTURE / "talks.jsonl").read_text().splitlines()[:-1]  # the last line is broken
    talks = [json.loads(line) for line in lines]
    sentences = [s.strip() + "." for t in talks for s in t.get("abstract", "").split(".")]
    words = sorted({w.strip(".,").lower() for t in talks for w in t["title"].split()})
    return [s for s in dict.fromkeys(sentences) if len(s) > 1] + words


@pytest.mark.real
def test_vectors_do_not_depend_on_the_batch() -> None:
    from talktopics.embed import SentenceTransformerEmbedder

    model = SentenceTransformerEmbedder()
    texts = _texts()
    whole = model.embed(texts)
    rng = random.Random(3)
    order = list(range(len(texts)))
    rng.shuffle(order)
    part = order[: len(order) // 3]
    again = model.embed([texts[i] for i in part])
    assert again.tobytes() == whole[part].tobytes()
    alone = np.vstack([model.embed([texts[i]]) for i in part[:10]])
    assert alone.tobytes() == whole[part[:10]].tobytes()


@pytest.mark.real
def test_the_digest_does_not_depend_on_the_cache_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same command, once with a fresh cache and once with a cache that a run over more
    talks filled first (other batches): the same bytes in every file."""
    from talktopics.cli import main

    def digest(source: Path, cache: Path, out: Path) -> dict[str, bytes]:
        monkeypatch.setenv("TALKTOPICS_CACHE", str(cache))
        assert main(["digest", str(source), "-o", str(out), "-q"]) in (0, 1)  # 1: a bad line
        return {p.name: p.read_bytes() for p in sorted(out.iterdir())}

    fresh = digest(FIXTURE, tmp_path / "cache-fresh", tmp_path / "out-fresh")
    more = tmp_path / "more"
    shutil.copytree(FIXTURE, more)
    extra = [
        {"title": f"Extra talk {i}", "speakers": ["X"], "abstract": s}
        for i, s in enumerate(reversed(_texts()[:20]))
    ]
    (more / "extra.jsonl").write_text("\n".join(json.dumps(r) for r in extra) + "\n")
    digest(more, tmp_path / "cache-used", tmp_path / "out-more")
    assert digest(FIXTURE, tmp_path / "cache-used", tmp_path / "out-used") == fresh
