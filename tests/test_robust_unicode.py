"""Unicode survives ingest -> digest unchanged: Cyrillic, umlauts, CJK, emoji, right-to-left.

A small programme (JSON Lines) and attendee notes (Markdown, in Russian) go through the real
digest recipe (`talktopics.recipes.digest.run_digest`: real embedding model, spaCy, Infomap)
into the JSON, HTML and Markdown digests; every title, speaker and text must come out exactly as
it went in (no normalisation, no mojibake, no lost combining marks or joiners), in every format.
"""

from __future__ import annotations

import json
import os
import unicodedata
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt

from talktopics.config import EmbedConfig, RunConfig, TopicConfig
from talktopics.ingest import read_talks
from talktopics.recipes.digest import DigestResult, run_digest

pytestmark = pytest.mark.real

# (title, speakers, language, abstract): every script the issue names, plus the hard cases:
# combining marks (NFD), emoji with ZWJ / skin tone / flags, bidi marks, CJK punctuation.
PROGRAMME: list[tuple[str, tuple[str, ...], str, str]] = [
    (
        "Тематическое моделирование текстов на Python",
        ("Анна Петрова",),
        "ru",
        "Мы строим граф слов и ищем темы с помощью Infomap. Тематическое моделирование "
        "помогает понять большие коллекции текстов.",
    ),
    (
        "Нейронные сети для анализа текстов",
        ("Иван Сидоров", "Ёжик Туманов"),
        "ru",
        "Нейронные сети и эмбеддинги предложений для классификации текстов. Обучение "
        "моделей на Python с PyTorch.",
    ),
    (
        "Größere Datenmengen: Über Straßen, Flüsse und Geodaten",
        ("Jürgen Müller", "Ælfrida Øster"),
        "de",
        "Geodaten mit GeoPandas: Karten, Straßen und Flüsse. Räumliche Daten in Python "
        "verarbeiten und auf Karten zeigen.",
    ),
    (
        "Café\u0301 und Mu\u0308sli: Kombinierende Zeichen in Daten",
        ("Zoë Saldaña",),
        "de",
        "Unicode-Normalisierung für Textdaten: NFC und NFD. Warum zwei gleiche Wörter "
        "verschieden gespeichert sein können.",
    ),
    (
        "数据科学与机器学习入门",
        ("李小龙",),
        "zh",
        "机器学习和数据科学的基础知识。使用 Python 训练模型，并用神经网络分析文本。",
    ),
    (
        "機械学習のための日本語テキスト処理「入門」",
        ("山田 太郎",),
        "ja",
        "日本語のテキストを分かち書きして機械学習に使う方法。ニューラルネットワークで文書を分類する。",
    ),
    (
        "🐍 Python & 🚀 Raketen: Emoji im Titel 🎉",
        ("Emoji Person 👩‍💻", "Thumbs 👍🏽"),
        "en",
        "Emoji are text too 🇩🇪 🇺🇦: grapheme clusters, skin tones and flags in data pipelines "
        "and web APIs.",
    ),
    (
        "تعلم الآلة باستخدام بايثون",
        ("ليلى أحمد",),
        "ar",
        "مقدمة في تعلم الآلة والشبكات العصبية باستخدام بايثون لتحليل النصوص.",
    ),
    (
        "למידת מכונה בפייתון: מבוא\u200f",
        ("דנה כהן",),
        "he",
        "מבוא ללמידת מכונה ולרשתות נוירונים בפייתון עבור ניתוח טקסט.",
    ),
    (
        "Django ו-FastAPI: building web APIs \u202bבעברית\u202c",
        ("Noa Levi",),
        "en",
        "Building web APIs with Django and FastAPI: routing, validation and tests for a "
        "bilingual web application.",
    ),
    (
        "Web APIs with FastAPI and async Python",
        ("Sam Smith",),
        "en",
        "Async web APIs with FastAPI: routing, validation, dependency injection and tests.",
    ),
    (
        "Testing web applications with pytest",
        ("Tia Type",),
        "en",
        "Tests for web applications and APIs with pytest: fixtures, mocking and property-based "
        "testing with Hypothesis.",
    ),
]

NOTES = {
    PROGRAMME[0][0]: "Заметки: докладчик показала граф слов, нечёткие темы и Infomap. "
    "Очень понятно объяснила, зачем нужны «нечёткие» темы — ёлки-палки!",
    PROGRAMME[2][0]: "Notizen: Straßennetze als Graphen, Flüsse als Linien; sehr anschaulich. "
    "Frage aus dem Publikum zur Größe der Daten.",
    PROGRAMME[6][0]: "Notes with emoji 😀👍🏽 and a family 👨‍👩‍👧 — all should survive.",
}


def _write_inputs(folder: Path) -> None:
    lines = [
        json.dumps(
            {
                "title": title,
                "speakers": list(speakers),
                "language": lang,
                "abstract": abstract,
                "conference": "Unicode Conf",
                "year": 2024,
            },
            ensure_ascii=False,
        )
        for title, speakers, lang, abstract in PROGRAMME
    ]
    (folder / "programme.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    sections = [f"## {title}\n\n{notes}\n" for title, notes in NOTES.items()]
    (folder / "notes.md").write_text(
        "# Заметки с Unicode Conf 2024\n\n" + "\n".join(sections), encoding="utf-8"
    )


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("unicode") / "unicode-conf-2024"
    folder.mkdir()
    _write_inputs(folder)
    return folder


@pytest.fixture(scope="module")
def result(inputs: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DigestResult]:
    cache = tmp_path_factory.mktemp("cache")
    old = os.environ.get("TALKTOPICS_CACHE")
    os.environ["TALKTOPICS_CACHE"] = str(cache)
    try:
        config = RunConfig(topics=TopicConfig(embed=EmbedConfig(cache_dir=str(cache))))
        out = tmp_path_factory.mktemp("out")
        yield run_digest([inputs], out, config=config, progress=False)
    finally:
        if old is None:
            os.environ.pop("TALKTOPICS_CACHE", None)
        else:
            os.environ["TALKTOPICS_CACHE"] = old


def _by_title(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["title"]: item for item in items}


def test_fixture_holds_the_hard_cases() -> None:
    text = json.dumps(PROGRAMME, ensure_ascii=False) + json.dumps(NOTES, ensure_ascii=False)
    scripts = {"CYRILLIC", "CJK", "HIRAGANA", "ARABIC", "HEBREW", "LATIN SMALL LETTER U WITH"}
    names = " ".join(unicodedata.name(ch, "") for ch in text)
    assert all(s in names for s in scripts)
    assert "\u200d" in text and "\u0301" in text and "\u200f" in text and "\U0001f1e9" in text
    assert unicodedata.normalize("NFC", PROGRAMME[3][0]) != PROGRAMME[3][0]


def test_ingest_keeps_every_string(inputs: Path) -> None:
    corpus = read_talks([inputs])
    talks = {t.title: t for t in corpus.talks}
    for title, speakers, _lang, abstract in PROGRAMME:
        talk = talks[title]
        assert talk.speakers == speakers
        assert talk.abstract == abstract
        assert talk.notes == NOTES.get(title, "")
    assert not [i for i in corpus.issues if i.level == "error"], corpus.issues


def test_json_digest_round_trip(result: DigestResult) -> None:
    path = next(p for p in result.paths if p.suffix == ".json")
    raw = path.read_bytes()
    assert raw.decode("utf-8")  # valid UTF-8, not \\u-escaped mojibake
    data = json.loads(raw)
    talks = _by_title(data["talks"])
    for title, speakers, _lang, abstract in PROGRAMME:
        talk = talks[title]
        assert talk["speakers"] == list(speakers)
        assert talk["abstract"] == abstract
        assert talk["notes"] == NOTES.get(title, "")
        assert title.encode("utf-8") in raw  # written as UTF-8, byte for byte
        # Every script is summarised from its own text (not the title as a fallback), and
        # the sentences are verbatim: marks, joiners and bidi controls intact.
        summary = talk["summary"]
        assert summary["source"] in ("abstract", "notes"), (title, summary)
        source = abstract if summary["source"] == "abstract" else NOTES[title]
        for sentence in summary["sentences"]:
            assert sentence in source, (sentence, source)
    assert data["name"]


class _Cards(HTMLParser):
    """Text of each element with a given class, and the attributes of those elements."""

    def __init__(self, cls: str) -> None:
        super().__init__(convert_charrefs=True)
        self.cls = cls
        self.found: list[tuple[dict[str, str | None], str]] = []
        self._depth = 0
        self._attrs: dict[str, str | None] = {}
        self._buf: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._depth:
            self._depth += 1
        elif self.cls in (dict(attrs).get("class") or "").split():
            self._depth, self._attrs, self._buf = 1, dict(attrs), []

    def handle_endtag(self, tag: str) -> None:
        if self._depth:
            self._depth -= 1
            if not self._depth:
                self.found.append((self._attrs, "".join(self._buf)))

    def handle_data(self, data: str) -> None:
        if self._depth:
            self._buf.append(data)


def test_html_digest_round_trip(result: DigestResult) -> None:
    page = next(p for p in result.paths if p.suffix == ".html").read_text(encoding="utf-8")
    assert '<meta charset="utf-8">' in page.lower()
    titles = _Cards("talk-title")
    titles.feed(page)
    shown = [text for _, text in titles.found]
    assert sorted(shown) == sorted(t for t, *_ in PROGRAMME)
    assert all(attrs.get("dir") == "auto" for attrs, _ in titles.found)  # RTL titles read RTL
    speakers = _Cards("speakers")
    speakers.feed(page)
    assert sorted(text for _, text in speakers.found) == sorted(
        ", ".join(s) for _, s, *_ in PROGRAMME
    )
    details = _Cards("detail")
    details.feed(page)
    texts = " ".join(text for _, text in details.found)
    for title, _s, _l, abstract in PROGRAMME:
        assert abstract in texts
        if title in NOTES:
            assert NOTES[title] in texts


def test_markdown_digest_round_trip(result: DigestResult) -> None:
    text = next(p for p in result.paths if p.suffix == ".md").read_text(encoding="utf-8")
    tokens = MarkdownIt("commonmark").parse(text)
    headings = [
        tokens[i + 1].children
        for i, tok in enumerate(tokens)
        if tok.type == "heading_open" and tok.tag == "h3"
    ]
    shown = [
        "".join(c.content for c in children or [] if c.type == "text") for children in headings
    ]
    assert sorted(shown) == sorted(t for t, *_ in PROGRAMME)
    rendered = MarkdownIt("commonmark").render(text)
    for _title, speakers, *_ in PROGRAMME:
        assert ", ".join(speakers) in rendered


def test_digest_is_byte_identical_when_run_again(
    inputs: Path, result: DigestResult, tmp_path: Path
) -> None:
    """Same input, same seed: the same bytes (Unicode included)."""
    config = RunConfig(
        topics=TopicConfig(embed=EmbedConfig(cache_dir=os.environ.get("TALKTOPICS_CACHE")))
    )
    again = run_digest([inputs], tmp_path, config=config, progress=False)
    for first, second in zip(result.paths, again.paths, strict=True):
        assert first.read_bytes() == second.read_bytes(), first.name


def test_talks_titled_only_with_emoji_or_punctuation_stay_apart(tmp_path: Path) -> None:
    """Ids fold case and punctuation; titles that fold to nothing must still differ."""
    path = tmp_path / "talks.jsonl"
    titles = ["🐍🐍🐍", "😀", "🇩🇪 🇺🇦", "???", "!!!"]
    path.write_text(
        "".join(
            json.dumps({"title": t, "abstract": "x"}, ensure_ascii=False) + "\n" for t in titles
        ),
        encoding="utf-8",
    )
    corpus = read_talks([path])
    assert [t.title for t in corpus.talks] == titles
    assert len({t.id for t in corpus.talks}) == len(titles)
    assert corpus.issues == ()
