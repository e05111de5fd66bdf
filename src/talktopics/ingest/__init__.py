"""Ingest: talk records from notes, schedule exports, pyvideo, CSV/JSONL -> a `Corpus`.

Entry points:

* `read_talks` reads files and folders (formats detected by content), joins notes with
  programmes, removes duplicates and applies the `IngestLimits`; every problem becomes an
  `IngestIssue` and the batch goes on.
* `load_talks` reads one file or folder and raises `IngestError` when nothing is readable.
* `join_schedule` joins notes with a programme by fuzzy title match.
* `FORMATS` lists the readers (the values of ``--input-format``).
"""

from __future__ import annotations

from talktopics.ingest.corpus import load_talks, read_talks
from talktopics.ingest.detect import FORMATS, detect_format
from talktopics.ingest.join import join_schedule
from talktopics.ingest.table import DEFAULT_COLUMNS, parse_column_map

__all__ = [
    "DEFAULT_COLUMNS",
    "FORMATS",
    "detect_format",
    "join_schedule",
    "load_talks",
    "parse_column_map",
    "read_talks",
]
