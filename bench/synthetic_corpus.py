"""A synthetic corpus of N talks from shuffled sentences of real pyvideo abstracts.

Usage::

    python bench/synthetic_corpus.py OUT_DIR [--talks 20000] [--seed 11]
        [--pyvideo ../shared/corpora/pyvideo] [--random-share 0.5]

Reads every ``videos/*.json`` record of the pyvideo folder (English ones), cleans each
description with talktopics' own markup cleaner and cuts it into sentences (a full stop,
question or exclamation mark followed by a space and a capital letter, or a line break), keeps
sentences of 5-60 words, each sentence once. Each synthetic talk then takes an *anchor* abstract
(drawn at random) and is made of 3-10 sentences: the anchor's own sentences, shuffled, with a
share ``--random-share`` of them replaced by sentences drawn from the whole pool, so talks keep
a subject (topics exist) but no synthetic talk is a real one. Titles are the anchor's title
with the talk's number. Everything is drawn from one ``random.Random(seed)``: the same
arguments write the same file, byte for byte.

Writes ``OUT_DIR/synthetic-pyvideo-N.jsonl`` (one talk a line: title, abstract, speakers,
conference, year), a file ``talktopics digest`` reads as it is. Keep OUT_DIR outside the
repository: the file is derived from the pyvideo data and is never committed.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from talktopics.summaries import clean_markup  # noqa: E402

PYVIDEO = REPO.parent / "shared" / "corpora" / "pyvideo"
TALKS = 20_000
SEED = 11
RANDOM_SHARE = 0.5
MIN_SENTENCES, MAX_SENTENCES = 3, 10
MIN_WORDS, MAX_WORDS = 5, 60

_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z])|\n+")


def sentences_of(description: str) -> list[str]:
    """The usable sentences of one description, in order."""
    out: list[str] = []
    for piece in _SPLIT.split(clean_markup(description)):
        sentence = " ".join(piece.split())
        words = len(sentence.split())
        if MIN_WORDS <= words <= MAX_WORDS and sentence[-1:] in ".!?":
            out.append(sentence)
    return out


def read_abstracts(folder: Path) -> list[tuple[str, list[str]]]:
    """``(title, sentences)`` of every English pyvideo record with at least 3 usable
    sentences, in path order; each sentence is kept once (first record wins)."""
    seen: set[str] = set()
    out: list[tuple[str, list[str]]] = []
    for path in sorted(folder.glob("*/videos/*.json")):
        record: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        if record.get("language", "eng") != "eng":
            continue
        fresh = [s for s in sentences_of(str(record.get("description") or "")) if s not in seen]
        seen.update(fresh)
        if len(fresh) >= MIN_SENTENCES:
            out.append((" ".join(str(record.get("title", "")).split()), fresh))
    return out


def generate(
    abstracts: Sequence[tuple[str, list[str]]],
    n: int,
    *,
    seed: int = SEED,
    random_share: float = RANDOM_SHARE,
) -> list[dict[str, Any]]:
    """``n`` synthetic talk records (see the module docstring)."""
    if not abstracts:
        raise ValueError("no abstracts to draw sentences from")
    rng = random.Random(seed)
    pool = [s for _, sentences in abstracts for s in sentences]
    talks: list[dict[str, Any]] = []
    for i in range(n):
        title, own = abstracts[rng.randrange(len(abstracts))]
        size = max(MIN_SENTENCES, min(MAX_SENTENCES, len(own)))
        picked = rng.sample(own, min(size, len(own)))
        picked = [rng.choice(pool) if rng.random() < random_share else s for s in picked]
        rng.shuffle(picked)
        talks.append(
            {
                "title": f"{title} ({i + 1})",
                "abstract": " ".join(picked),
                "speakers": [f"Speaker {rng.randrange(n // 2 + 1)}"],
                "conference": "Synthetic PyVideo",
                "year": 2025,
            }
        )
    return talks


def write_corpus(
    out_dir: Path,
    n: int,
    *,
    seed: int = SEED,
    pyvideo: Path = PYVIDEO,
    random_share: float = RANDOM_SHARE,
) -> Path:
    """Generate the corpus and write it as JSON Lines; returns the file's path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    records = generate(read_abstracts(pyvideo), n, seed=seed, random_share=random_share)
    path = out_dir / f"synthetic-pyvideo-{n}.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out_dir", type=Path, help="folder for the JSONL file (outside the repo)")
    parser.add_argument("--talks", type=int, default=TALKS)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--pyvideo", type=Path, default=PYVIDEO)
    parser.add_argument("--random-share", type=float, default=RANDOM_SHARE)
    args = parser.parse_args(argv)
    if args.out_dir.resolve().is_relative_to(REPO):
        parser.error("write the corpus outside the repository")
    started = time.perf_counter()
    path = write_corpus(
        args.out_dir,
        args.talks,
        seed=args.seed,
        pyvideo=args.pyvideo,
        random_share=args.random_share,
    )
    size = path.stat().st_size / 2**20
    print(f"{path} ({size:.1f} MB, {time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
