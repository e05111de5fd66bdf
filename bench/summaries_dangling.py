"""Share of talk summaries with a dangling reference, on real programmes.

A summary sentence dangles when it leans on the sentence before it in the source text
(:func:`talktopics.summaries.references.reaches_back`: "It ...", "Dabei ...", "Это ...") and
that sentence is not right before it in the summary, or when it leans on something no
neighbour supplies (a removed link: "... here."). Programmes (from ``../shared``):
EuroPython 2022 and 2023, PyCon DE 2018, and the Russian notes of PyCon DE 2018 read with
that programme's schedule. Summaries come from :func:`talktopics.summaries.summarize_talks`
with the default configuration and the default embedder (English MiniLM; the multilingual
USE model for the Russian notes).

Usage::

    python bench/summaries_dangling.py [--references path/to/references.py]

``--references`` loads the check from another file (to measure an older version of the
summaries with today's check); a file with ``refers_back`` only is read as reaching back to
the sentence before.
"""

from __future__ import annotations

import argparse
import importlib.util
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
PYCONDE_2018 = "corpora/pyconde-www/pycon-de-2018/talks.json"
PROGRAMMES: dict[str, tuple[str, str | None]] = {
    "EuroPython 2022": ("corpora/europython-website/europython-2022/sessions_data.json", None),
    "EuroPython 2023": (
        "corpora/pretalx/europython-2023-api/pretalx_schedule_response_20230714.testdata.json",
        None,
    ),
    "PyCon DE 2018": (PYCONDE_2018, None),
    "PyCon DE 2018 notes (ru)": ("notes/pycon-de-2018-notes-ru.md", PYCONDE_2018),
}


Check = Callable[[str, "str | None", "str | None"], str]
"""``(sentence, previous, language) -> "none" | "previous" | "beyond"``."""


def _check(path: str | None) -> Check:
    if path is None:
        from talktopics.summaries.references import reaches_back

        return reaches_back
    spec = importlib.util.spec_from_file_location("references_check", path)
    assert spec is not None and spec.loader is not None
    module: Any = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if hasattr(module, "reaches_back"):
        return module.reaches_back  # type: ignore[no-any-return]
    older = module.refers_back
    return lambda sentence, previous, language: "previous" if older(sentence, language) else "none"


def dangling(
    summary: Sequence[str], source: Sequence[str], language: str | None, check: Check
) -> bool:
    """True when a summary sentence leans on the sentence before it in ``source`` without
    that sentence right before it in the summary, or on something no neighbour supplies."""
    for n, sentence in enumerate(summary):
        index = next((i for i, s in enumerate(source) if sentence in s or s in sentence), None)
        previous = source[index - 1] if index else None
        reach = check(sentence, previous, language)
        if reach == "none":
            continue
        if reach == "beyond" or index is None or index == 0:
            return True
        if n == 0 or (
            source[index - 1] not in summary[n - 1] and summary[n - 1] not in (source[index - 1])
        ):
            return True
    return False


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="summaries_dangling.py")
    parser.add_argument("--references", default=None)
    parser.add_argument("--examples", type=int, default=0, help="print this many dangling ones")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    from talktopics.config import EmbedConfig, SummaryConfig
    from talktopics.embedder_choice import choose_embedders
    from talktopics.ingest import read_talks
    from talktopics.summaries import clean_markup, split_sentences, summarize_talks

    check = _check(args.references)
    config = SummaryConfig()
    total = bad = 0
    for name, (path, schedule) in PROGRAMMES.items():
        corpus = read_talks([SHARED / path], schedule=[SHARED / schedule] if schedule else ())
        talks = corpus.talks
        embedder = choose_embedders(talks, EmbedConfig()).summaries  # as a digest does
        summaries = summarize_talks(talks, embedder=embedder, config=config)
        count = 0
        for talk in talks:
            summary = summaries[talk.id]
            raw = getattr(talk, summary.source, "") if summary.source != "title" else ""
            source = split_sentences(clean_markup(raw), summary.language) if raw else []
            if dangling(summary.sentences, source, summary.language, check):
                count += 1
                if args.examples and count <= args.examples:
                    print(f"  {talk.id}: {summary.text[:200]}")
        print(f"{name}: {count}/{len(talks)} = {100 * count / max(len(talks), 1):.1f} %")
        total += len(talks)
        bad += count
    print(f"all: {bad}/{total} = {100 * bad / max(total, 1):.1f} %")
    return 0


if __name__ == "__main__":
    sys.exit(main())
