"""50 talk summaries to check by hand: real programmes in, printed summaries with flags out.

A fixed sample (by a hash of the talk id, so every run picks the same talks): 10 talks each
from EuroPython 2022, EuroPython 2023 and PyCon DE 2018, and 20 talks with Russian notes
(PyCon DE 2018; the programmes of :mod:`summaries_dangling`). Each talk is printed with its
title, the text its summary comes from, the summary's language, the automatic
dangling-reference flag (:func:`summaries_dangling.dangling`) and the summary as the digest
shows it (``Summary.text``). Summaries come from
:func:`talktopics.summaries.summarize_talks` with the default configuration and the
embedder a digest would choose.

The verdicts (reads right / dangling / other problem) are a person's, written to
docs/summaries.md; this script only prints what is to be read.

Usage::

    python bench/summaries_handcheck.py [--per-programme 10] [--notes 20]
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from summaries_dangling import PROGRAMMES, SHARED, dangling


def _sample_key(talk_id: str) -> str:
    return hashlib.sha1(talk_id.encode()).hexdigest()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="summaries_handcheck.py")
    parser.add_argument("--per-programme", type=int, default=10)
    parser.add_argument("--notes", type=int, default=20, help="talks from the Russian notes")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    from talktopics.config import EmbedConfig, SummaryConfig
    from talktopics.embedder_choice import choose_embedders
    from talktopics.ingest import read_talks
    from talktopics.nlp import clean_markup, split_sentences
    from talktopics.summaries import summarize_talks
    from talktopics.summaries.references import reaches_back

    config = SummaryConfig()
    number = 0
    flagged = 0
    for name, (path, schedule) in PROGRAMMES.items():
        corpus = read_talks([SHARED / path], schedule=[SHARED / schedule] if schedule else ())
        notes = "notes" in name
        size = args.notes if notes else args.per_programme
        pool = [t for t in corpus.talks if t.notes.strip()] if notes else corpus.talks
        talks = sorted(pool, key=lambda t: _sample_key(t.id))[:size]
        embedder = choose_embedders(corpus.talks, EmbedConfig()).summaries  # as a digest does
        summaries = summarize_talks(talks, embedder=embedder, config=config)
        print(f"## {name}\n")
        for talk in talks:
            number += 1
            summary = summaries[talk.id]
            raw = getattr(talk, summary.source, "") if summary.source != "title" else ""
            source = split_sentences(clean_markup(raw), summary.language) if raw else []
            flag = dangling(summary.sentences, source, summary.language, reaches_back)
            flagged += flag
            print(f"{number}. {talk.title}")
            print(
                f"   [{summary.source}, {summary.language}, "
                f"{len(summary.sentences)} sentences, dangling: {'YES' if flag else 'no'}]"
            )
            print(f"   {summary.text}\n")
    print(f"automatic flag: {flagged}/{number} = {100 * flagged / max(number, 1):.1f} %")
    return 0


if __name__ == "__main__":
    sys.exit(main())
