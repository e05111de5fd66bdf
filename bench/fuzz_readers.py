"""Fuzz every input reader: a broken record beside good ones, and byte mutations of real files.

Each case writes a small input of one format (every reader of ``talktopics formats``) into a
scratch folder and reads it with `talktopics.ingest.read_talks`, as ``talktopics ingest``
does. Two kinds of case:

* ``record``: three good talks and one broken record (a hostile value in one field, or in
  place of the whole record: lone surrogates, a 5,000-digit integer, a 10,000-deep value,
  a 300,000-character string, control characters, wrong types, malformed XML...). The
  good talks must all come back.
* ``mutation``: byte mutations of a valid file (flips, insertions, deletions, truncation,
  repeated chunks, stray surrogate escapes, brackets). Anything may be lost, but nothing may
  crash or hang.

Counted per run: tracebacks (an exception other than the project's own escaped
`read_talks`), hangs (a case over the time bound), lost good records (``record`` cases
only), the slowest case and the peak memory of the process.

Usage::

    python bench/fuzz_readers.py --cases 10000 [--seed 1] [--timeout 10]

Writes ``bench/results/fuzz.json`` and the ``fuzz_readers`` section of bench/RESULTS.md.
The test suite (tests/test_fuzz_readers.py) runs the same cases, fewer of them.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

__all__ = ["FORMATS", "Case", "Outcome", "main", "make_case", "run_case"]

# --- hostile values -------------------------------------------------------------------------

JSON_POISONS: tuple[str, ...] = (
    '"\\ud800"',
    '"B \\udfff end"',
    '"\\udc00\\ud800"',
    "9" * 5000,
    "-" + "1" * 4400,
    "[" * 10_000 + "]" * 10_000,
    '{"a":' * 3000 + "1" + "}" * 3000,
    '{"en": ' + "[" * 5000 + "]" * 5000 + "}",
    '"' + "x" * 300_000 + '"',
    '"\\u0000\\u0001\\u001f\\u007f"',
    "1e400",
    "-1e999",
    "null",
    "true",
    "[]",
    "{}",
    "[null, 1, {}]",
    '[{"name": null}, {"public_name": ["x"]}]',
    '{"title": {"title": {"title": "x"}}}',
    '"  \\t\\n  "',
    '"\\u202e\\u200f\\ufeff"',
    '"' + "a, " * 20_000 + '"',
    '"' + " " * 50_000 + "and" + '"',
)
"""Raw JSON texts put where a value belongs."""

TEXT_POISONS: tuple[str, ...] = (
    "\x00\x01\x02",
    "x" * 300_000,
    "\u202e\u200f\ufeff",
    "=cmd|' /C calc'!A0",
    "[" * 20_000,
    "<a" * 20_000,
    "*_" * 20_000,
    "a, " * 20_000,
    " " * 50_000 + "x",
    "\t\t\t",
    "🐍" * 10_000,
    "\u2028\u2029\x85",
    "#" * 5000,
    "](#" * 10_000,
)
"""Text put in a CSV cell, a Markdown section or an XML element."""

XML_POISONS: tuple[str, ...] = (
    "Bad & worse",
    "Bad <b>unclosed",
    "a </title> b",
    "&undefined;",
    "<x>" * 5000 + "</x>" * 5000,
    "&#0;",
    "\x01",
    "<![CDATA[ x",
)
"""Raw text put inside an XML element (most make the record malformed)."""

MARKDOWN_POISONS: tuple[str, ...] = (
    "".join("  " * (i % 40) + f"- item {i}\n" for i in range(20_000)),
    "- item\n" * 30_000,
    "> " * 5000 + "quote",
    "1. " * 5000,
    "x\n" + "=" * 10_000,
    "    # indented heading\n" * 100,
    "| a | b |\n" * 5000,
    "[x](#y) " * 5000,
    "Description: " + "h" * 50_000,
)
"""Markdown put in the body of one section."""


# --- builders: good records + one broken one -> files ---------------------------------------

Record = dict[str, Any]
Files = dict[str, bytes]


@dataclass
class Case:
    """One input: files to write, the format to force (None: detect), the good titles."""

    kind: str
    format: str
    files: Files
    good: tuple[str, ...]
    check_good: bool = True
    note: str = ""


def _dumps(value: Any, raw: dict[str, str]) -> bytes:
    """JSON text of ``value`` with each placeholder string replaced by its raw JSON text."""
    text = json.dumps(value, ensure_ascii=False)
    for key, replacement in raw.items():
        text = text.replace(json.dumps(key), replacement)
    return text.encode("utf-8", "surrogatepass")


def _talks(rng: random.Random, n: int) -> list[Record]:
    stamp = rng.randrange(10**6)
    return [
        {
            "title": f"Good talk {i} number {stamp}",
            "abstract": f"About topic {i} in some words.",
            "speakers": [f"Speaker {i}"],
            "code": f"C{stamp}X{i}",
        }
        for i in range(n)
    ]


def _poisoned(rng: random.Random, talks: list[Record]) -> tuple[list[Any], dict[str, str], int]:
    """The talks with a broken record put at a random place; the raw texts; its index."""
    poison = rng.choice(JSON_POISONS)
    bad: Any = {"title": "Broken talk", "abstract": "x", "code": "BAD1", "speakers": ["S"]}
    where = rng.choice(["title", "abstract", "speakers", "code", "record", "extra"])
    marker = "@@POISON@@"
    if where == "record":
        bad = marker
    else:
        bad[where] = marker
    records: list[Any] = list(talks)
    index = rng.randrange(len(records) + 1)
    records.insert(index, bad)
    return records, {marker: poison}, index


def _session(rec: Any, i: int) -> Any:
    if not isinstance(rec, dict):
        return rec
    return {**rec, "website_url": f"https://x.org/{i}", "submission_type": "Talk"}


def _json_builder(fmt: str) -> Callable[[list[Any]], tuple[str, Any]]:
    def records(recs: list[Any]) -> tuple[str, Any]:
        return "talks.json", [
            {k: v for k, v in r.items() if k != "code"} if isinstance(r, dict) else r for r in recs
        ]

    def frab(recs: list[Any]) -> tuple[str, Any]:
        events = [
            {**r, "id": i, "persons": [{"public_name": "P"}], "type": "Talk"}
            if isinstance(r, dict)
            else r
            for i, r in enumerate(recs)
        ]
        conf = {"title": "Fuzz Conf 2024", "days": [{"date": "2024-05-01", "rooms": {"A": events}}]}
        return "schedule.json", {"schedule": {"conference": conf}}

    builders: dict[str, Callable[[list[Any]], tuple[str, Any]]] = {
        "json-records": records,
        "frab-json": frab,
        "pretalx-api": lambda recs: ("talks.json", {"results": recs}),
        "pretalx-widget": lambda recs: (
            "widget.json",
            {"talks": recs, "rooms": [{"id": 1, "name": "A"}], "speakers": []},
        ),
        "pyconde-talks": lambda recs: (
            "talks.json",
            {
                f"SLOT_{i}": ({**r, "speaker": "S", "slug": f"s{i}"} if isinstance(r, dict) else r)
                for i, r in enumerate(recs)
            },
        ),
        "pyconde-databag": lambda recs: (
            "schedule_databag.json",
            {"dates": [{"datum": "2019-10-09", "rooms": [{"room_name": "A", "sessions": recs}]}]},
        ),
        "europython-sessions": lambda recs: (
            "sessions_data.json",
            [_session(r, i) for i, r in enumerate(recs)],
        ),
        "talktopics-json": lambda recs: (
            "corpus.json",
            {"name": "x", "talks": recs, "issues": [], "sources": []},
        ),
    }
    return builders[fmt]


def _record_case_json(fmt: str, rng: random.Random) -> Case:
    talks = _talks(rng, 3)
    recs, raw, _ = _poisoned(rng, talks)
    name, value = _json_builder(fmt)(recs)
    good = tuple(t["title"] for t in talks)
    return Case("record", fmt, {name: _dumps(value, raw)}, good, note=next(iter(raw.values()))[:30])


def _record_case_jsonl(rng: random.Random) -> Case:
    talks = _talks(rng, 3)
    recs, raw, index = _poisoned(rng, talks)
    lines = [_dumps(r, raw).decode("utf-8", "surrogatepass") for r in recs]
    if rng.random() < 0.3:  # a line that is not JSON at all
        lines[index] = rng.choice(['{"title": "x"', "[", "\x00garbage", "{" * 5000, '{"a":1}}'])
    data = "\n".join(lines).encode("utf-8", "surrogatepass")
    return Case("record", "jsonl", {"talks.jsonl": data}, tuple(t["title"] for t in talks))


def _record_case_csv(rng: random.Random) -> Case:
    import csv
    import io

    talks = _talks(rng, 3)
    poison = rng.choice(TEXT_POISONS)
    rows = [[t["title"], t["abstract"], "; ".join(t["speakers"])] for t in talks]
    bad = ["Broken talk", "x", "S"]
    shape = rng.choice(["cell", "cell", "short", "long"])
    if shape == "cell":
        bad[rng.randrange(3)] = poison
    elif shape == "short":
        bad = [poison[:50]]
    else:
        bad = bad + [poison[:100]] * 40
    rows.insert(rng.randrange(len(rows) + 1), bad)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["title", "abstract", "speakers"])
    writer.writerows(rows)
    data = out.getvalue().encode("utf-8")
    return Case("record", "csv", {"talks.csv": data}, tuple(t["title"] for t in talks))


def _record_case_markdown(rng: random.Random) -> Case:
    talks = _talks(rng, 3)
    sections = [f"## {t['title']}\n\n{t['abstract']}\n" for t in talks]
    bad = f"## Broken talk\n\n{rng.choice(MARKDOWN_POISONS + TEXT_POISONS)}\n"
    sections.insert(rng.randrange(len(sections) + 1), bad)
    text = "# Fuzz Conf 2024\n\n" + "\n".join(sections)
    return Case("record", "markdown", {"notes.md": text.encode()}, tuple(t["title"] for t in talks))


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _record_case_xml(fmt: str, rng: random.Random) -> Case:
    talks = _talks(rng, 3)
    poison = rng.choice(XML_POISONS)
    field_name = rng.choice(["title", "abstract"])
    tag = "event" if fmt == "frab-xml" else "entry"

    def element(i: int, title: str, abstract: str) -> str:
        extra = (
            "<persons><person>P</person></persons><type>Talk</type>"
            if tag == "event"
            else "<category>Talk</category><speakers><speaker><name>P</name></speaker></speakers>"
        )
        return (
            f'<{tag} id="{i}"><title>{title}</title><abstract>{abstract}</abstract>{extra}</{tag}>'
        )

    items = [element(i, _xml_escape(t["title"]), t["abstract"]) for i, t in enumerate(talks)]
    bad_title = poison if field_name == "title" else "Broken talk"
    bad_abstract = poison if field_name == "abstract" else "x"
    items.insert(rng.randrange(len(items) + 1), element(99, bad_title, bad_abstract))
    if fmt == "frab-xml":
        body = (
            "<schedule><conference><title>Fuzz Conf 2024</title></conference>"
            f'<day date="2024-05-01"><room name="A">{"".join(items)}</room></day></schedule>'
        )
    else:
        body = f'<schedule><day date="2014-07-21">{"".join(items)}</day></schedule>'
    data = ('<?xml version="1.0" encoding="utf-8"?>\n' + body).encode("utf-8")
    return Case("record", fmt, {"schedule.xml": data}, tuple(t["title"] for t in talks))


def _record_case_pyvideo(rng: random.Random) -> Case:
    talks = _talks(rng, 3)
    files: Files = {}
    for i, t in enumerate(talks):
        video = {"title": t["title"], "description": t["abstract"], "videos": [], "recorded": ""}
        files[f"fuzzconf-2024/videos/good-{i}.json"] = json.dumps(video).encode()
    poison = rng.choice(JSON_POISONS)
    target = rng.choice(["video", "category"])
    category: bytes = json.dumps({"title": "Fuzz Conf 2024"}).encode()
    if target == "category":
        category = rng.choice([b"", b"{", b"\xff\xfe", poison.encode("utf-8", "surrogatepass")])
    else:
        bad = {"title": "@@POISON@@", "videos": [], "recorded": ""}
        files["fuzzconf-2024/videos/bad.json"] = _dumps(bad, {"@@POISON@@": poison})
    files["fuzzconf-2024/category.json"] = category
    return Case("record", "pyvideo", files, tuple(t["title"] for t in talks))


# --- mutations of valid files ---------------------------------------------------------------


def _mutate(data: bytes, rng: random.Random) -> bytes:
    """One to four byte-level edits of ``data``."""
    buf = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.choice(["flip", "insert", "delete", "truncate", "repeat", "inject"])
        pos = rng.randrange(len(buf) + 1) if buf else 0
        if op == "flip" and buf:
            i = min(pos, len(buf) - 1)
            buf[i] = rng.randrange(256)
        elif op == "insert":
            buf[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        elif op == "delete":
            del buf[pos : pos + rng.randint(1, 16)]
        elif op == "truncate":
            del buf[pos:]
        elif op == "repeat":
            chunk = buf[pos : pos + rng.randint(1, 64)]
            buf[pos:pos] = chunk * rng.randint(2, 200)
        else:
            token = rng.choice(
                [
                    b"\\ud800",
                    b"\\udfff",
                    b"[" * 2000,
                    b"{",
                    b"}",
                    b'"',
                    b"\r",
                    b"\x00",
                    b"\xef\xbb\xbf",
                ]
            )
            buf[pos:pos] = token
    return bytes(buf)


def _mutation_case(rng: random.Random) -> Case:
    base = make_case(rng, rng.choice(FORMATS), kind="record")
    files = dict(base.files)
    name = rng.choice(sorted(files))
    files[name] = _mutate(files[name], rng)
    return Case("mutation", base.format, files, base.good, check_good=False)


FORMATS: tuple[str, ...] = (
    "markdown",
    "csv",
    "jsonl",
    "json-records",
    "frab-json",
    "frab-xml",
    "pretalx-api",
    "pretalx-widget",
    "pyconde-talks",
    "pyconde-databag",
    "europython-sessions",
    "europython-xml",
    "talktopics-json",
    "pyvideo",
)
"""Every reader that holds talks (``aux`` is read as nothing)."""


def make_case(rng: random.Random, fmt: str, *, kind: str = "record") -> Case:
    """A ``record`` case of format ``fmt``, or a ``mutation`` case of a random format."""
    if kind == "mutation":
        return _mutation_case(rng)
    if fmt == "jsonl":
        return _record_case_jsonl(rng)
    if fmt == "csv":
        return _record_case_csv(rng)
    if fmt == "markdown":
        return _record_case_markdown(rng)
    if fmt in ("frab-xml", "europython-xml"):
        return _record_case_xml(fmt, rng)
    if fmt == "pyvideo":
        return _record_case_pyvideo(rng)
    return _record_case_json(fmt, rng)


# --- running a case -------------------------------------------------------------------------


@dataclass
class Outcome:
    """What reading one case gave."""

    seconds: float
    traceback: str = ""
    hang: bool = False
    lost: tuple[str, ...] = ()
    talks: int = 0
    issues: int = 0
    unnamed_issues: int = 0


class _Timeout(Exception):
    pass


@contextmanager
def _time_bound(seconds: float) -> Iterator[None]:
    def alarm(signum: int, frame: object) -> None:
        raise _Timeout

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_case(case: Case, folder: Path, *, timeout: float = 10.0) -> Outcome:
    """Write the case into ``folder`` and read it as ``talktopics ingest`` would."""
    from talktopics.errors import TalkTopicsError
    from talktopics.ingest import read_talks

    for name, data in case.files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    top = sorted({name.split("/")[0] for name in case.files})
    start = time.perf_counter()
    try:
        with _time_bound(timeout):
            corpus = read_talks([folder / t for t in top])
            payload = json.dumps([str(i) for i in corpus.issues], ensure_ascii=False)
            payload.encode("utf-8")  # what `ingest --json` writes must be writable
            for talk in corpus.talks:
                json.dumps(talk.title + talk.abstract + talk.notes, ensure_ascii=False).encode()
    except _Timeout:
        return Outcome(seconds=time.perf_counter() - start, hang=True)
    except TalkTopicsError:
        return Outcome(seconds=time.perf_counter() - start)
    except Exception:
        return Outcome(seconds=time.perf_counter() - start, traceback=traceback.format_exc())
    titles = {t.title for t in corpus.talks}
    lost = tuple(g for g in case.good if g not in titles) if case.check_good else ()
    unnamed = sum(1 for i in corpus.issues if not i.source.path)
    return Outcome(
        seconds=time.perf_counter() - start,
        lost=lost,
        talks=len(corpus.talks),
        issues=len(corpus.issues),
        unnamed_issues=unnamed,
    )


# --- the long run ---------------------------------------------------------------------------


@dataclass
class Tally:
    """Counts over a run."""

    cases: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    by_format: dict[str, int] = field(default_factory=dict)
    tracebacks: list[str] = field(default_factory=list)
    hangs: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    unnamed_issues: int = 0
    slowest: float = 0.0
    slowest_case: str = ""
    seconds: float = 0.0

    def add(self, label: str, case: Case, outcome: Outcome) -> None:
        self.cases += 1
        self.by_kind[case.kind] = self.by_kind.get(case.kind, 0) + 1
        self.by_format[case.format] = self.by_format.get(case.format, 0) + 1
        if outcome.traceback:
            self.tracebacks.append(f"{label}: {outcome.traceback.strip().splitlines()[-1]}")
        if outcome.hang:
            self.hangs.append(label)
        if outcome.lost:
            self.lost.append(f"{label}: {', '.join(outcome.lost)}")
        self.unnamed_issues += outcome.unnamed_issues
        if outcome.seconds > self.slowest:
            self.slowest, self.slowest_case = outcome.seconds, label


def fuzz(cases: int, *, seed: int, timeout: float, progress: bool = False) -> Tally:
    """Run ``cases`` cases: formats in turn, every third one a mutation."""
    tally = Tally()
    rng = random.Random(seed)
    start = time.perf_counter()
    for n in range(cases):
        fmt = FORMATS[n % len(FORMATS)]
        kind = "mutation" if n % 3 == 2 else "record"
        case = make_case(rng, fmt, kind=kind)
        folder = Path(tempfile.mkdtemp(prefix="fuzz-"))
        try:
            outcome = run_case(case, folder, timeout=timeout)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        tally.add(f"case {n} ({case.kind}, {case.format})", case, outcome)
        if progress and (n + 1) % 500 == 0:
            print(
                f"{n + 1} cases, {len(tally.tracebacks)} tracebacks, {len(tally.hangs)} hangs, "
                f"{len(tally.lost)} lost",
                file=sys.stderr,
            )
    tally.seconds = time.perf_counter() - start
    return tally


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _markdown(figures: dict[str, Any]) -> str:
    lines = [
        "## Reader fuzzing",
        "",
        "Written by `bench/fuzz_readers.py` (raw numbers: `bench/results/fuzz.json`). Each "
        "`record` case holds three good talks and one broken record of one format; each "
        "`mutation` case is a byte-mutated valid file. Counted: exceptions that escaped "
        "`read_talks` (tracebacks), cases over the time bound (hangs), good talks missing "
        "from a `record` case (lost), issues without a file name.",
        "",
        "| cases | record | mutation | tracebacks | hangs | lost good records | "
        "issues without file | slowest case s | peak RSS MB | total s |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {figures['cases']:,} | {figures['by_kind'].get('record', 0):,} | "
        f"{figures['by_kind'].get('mutation', 0):,} | {figures['tracebacks']} | "
        f"{figures['hangs']} | {figures['lost']} | {figures['unnamed_issues']} | "
        f"{figures['slowest_s']:.2f} | {figures['peak_rss_mb']:.0f} | {figures['seconds']:.0f} |",
        "",
        f"Seed {figures['seed']}, time bound {figures['timeout_s']:g} s per case, "
        f"commit {figures['commit']}; formats: {', '.join(FORMATS)}.",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="fuzz_readers.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000, help="number of cases (10000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (1)")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per case (10)")
    args = parser.parse_args(argv)
    from results_md import git_commit, write_json, write_section

    tally = fuzz(args.cases, seed=args.seed, timeout=args.timeout, progress=True)
    figures = {
        "cases": tally.cases,
        "by_kind": tally.by_kind,
        "by_format": tally.by_format,
        "tracebacks": len(tally.tracebacks),
        "hangs": len(tally.hangs),
        "lost": len(tally.lost),
        "unnamed_issues": tally.unnamed_issues,
        "examples": {
            "tracebacks": tally.tracebacks[:20],
            "hangs": tally.hangs[:20],
            "lost": tally.lost[:20],
        },
        "slowest_s": round(tally.slowest, 3),
        "slowest_case": tally.slowest_case,
        "peak_rss_mb": round(_peak_rss_mb(), 1),
        "seconds": round(tally.seconds, 1),
        "seed": args.seed,
        "timeout_s": args.timeout,
        "commit": git_commit(),
    }
    write_json("fuzz", figures)
    write_section("fuzz_readers", _markdown(figures))
    print(json.dumps({k: v for k, v in figures.items() if k != "examples"}, indent=2))
    for kind in ("tracebacks", "hangs", "lost"):
        for example in figures["examples"][kind]:  # type: ignore[index]
            print(f"{kind}: {example}", file=sys.stderr)
    return 1 if tally.tracebacks or tally.hangs or tally.lost else 0


if __name__ == "__main__":
    sys.exit(main())
