"""Markdown digest: golden file, escaping of hostile input, links, unicode."""

from __future__ import annotations

import html
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from fixtures.sample_digest import (
    TALKS,
    UNICODE_TITLES,
    XSS_LINK_TITLE,
    XSS_SCRIPT_TITLE,
    sample_digest,
)
from talktopics.records import Digest, RunInfo, Summary, Talk, Topic
from talktopics.render.markdown import escape_markdown, render_markdown
from talktopics.render.view import single_line

GOLDEN = Path(__file__).parent / "golden" / "sample_digest.md"


def to_html(markdown: str) -> str:
    """Render like a permissive viewer would: raw HTML allowed, any link scheme accepted."""
    md = MarkdownIt("commonmark", {"html": True})
    md.validateLink = lambda url: True  # so an injected javascript: link would show up
    return str(md.render(markdown))


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(markup: str) -> _Tags:
    parser = _Tags()
    parser.feed(markup)
    return parser


@pytest.fixture(scope="module")
def markdown() -> str:
    return render_markdown(sample_digest())


def test_matches_golden_file(markdown: str) -> None:
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(markdown, encoding="utf-8")
    assert GOLDEN.exists(), "run with UPDATE_GOLDEN=1 once to create the golden file"
    assert markdown == GOLDEN.read_text(encoding="utf-8")


def test_is_deterministic(markdown: str) -> None:
    assert render_markdown(sample_digest()) == markdown


def test_contents_lists_every_topic_with_its_talk_count(markdown: str) -> None:
    contents = markdown.split("## Contents", 1)[1].split("<a id=", 1)[0]
    assert "1. [deep learning · pytorch · neural networks](#topic-t1): 4 talks" in contents
    assert "2. [maps · geodata · satellite](#topic-t2): 3 talks" in contents
    assert r"3. [testing \& typing \<tests\>](#topic-t3): 3 talks" in contents
    assert "- [Talks in no topic](#topic-other): 2 talks" in contents


def test_each_talk_appears_once_under_its_topic(markdown: str) -> None:
    sections = re.split(r"^## ", markdown, flags=re.M)
    by_heading = {s.split("\n", 1)[0]: s for s in sections}
    geo = by_heading["2. maps · geodata · satellite"]
    assert "### Processing Geodata using Python" in geo
    assert "### Satellite data is for everyone" in geo
    assert "### Lightning talks" in by_heading["Talks in no topic"]
    for talk in TALKS:
        assert markdown.count(f'<a id="talk-{talk.id}"></a>') == 1


def test_talk_shows_speakers_schedule_summary_links_and_secondary_topics(markdown: str) -> None:
    block = markdown.split("### Größenwahn: Über Datenqualität in Köln", 1)[1].split("###", 1)[0]
    assert "*Jürgen Müller* · Tue 23 Apr 2024 · 10:00 · Saal Ü" in block
    assert "Straßendaten und Karten: wie gut sind offene Geodaten?" in block
    assert "Also in: [1. deep learning · pytorch · neural networks](#topic-t1)" in block
    first = markdown.split("### Deep Learning with PyTorch", 1)[1].split("###", 1)[0]
    assert "[description](https://example.org/talks/pytorch)" in first
    # parentheses in a URL are percent-encoded so they cannot end the link early
    assert "[video](https://video.example.org/watch?v=abc%281%29)" in first


def test_topic_shows_top_terms_blurb_and_subtopics(markdown: str) -> None:
    t1 = markdown.split("## 1. deep learning", 1)[1].split("## 2.", 1)[0]
    assert "**Top terms:** pytorch · neural network · tensor · gpu" in t1
    assert "> Training neural networks with PyTorch. Tensors, autograd and GPUs explained." in t1
    assert "**Sub-topics:** pytorch · tensor (2 talks) · topic models (1 talk)" in t1


def test_summary_from_notes_is_marked(markdown: str) -> None:
    assert "Граф слов и Infomap, т.е. нечёткие темы. *(from the notes)*" in markdown


def test_hostile_titles_render_as_text(markdown: str) -> None:
    rendered = to_html(markdown)
    tags = parse(rendered).tags
    names = {tag for tag, _ in tags}
    assert not names & {"script", "img", "b", "iframe", "style"}, names
    assert names <= {"h1", "h2", "h3", "p", "ol", "ul", "li", "a", "em", "strong", "blockquote"}
    text = html.unescape(rendered)
    assert XSS_SCRIPT_TITLE in text
    assert XSS_LINK_TITLE in text
    assert "<b>Mallory</b>" in text
    assert "*Eve* `rm -rf`" in text


def test_links_only_for_http_and_https(markdown: str) -> None:
    links = [attrs for tag, attrs in parse(to_html(markdown)).tags if tag == "a"]
    hrefs = [a["href"] or "" for a in links if "href" in a]
    assert all(set(a) == {"id"} for a in links if "href" not in a)  # our own anchors
    external = [h for h in hrefs if not h.startswith("#")]
    assert external, "the sample has http(s) links"
    assert all(re.match(r"https?://", h) for h in external), external
    assert "javascript:" not in " ".join(hrefs)
    assert "data:" not in " ".join(hrefs)
    # the talk whose description URL is javascript: gets no description link at all
    block = markdown.split(f'<a id="talk-{TALKS[2].id}"></a>', 1)[1].split("<a id=", 1)[0]
    assert "](" not in block


def test_unicode_survives(markdown: str) -> None:
    text = html.unescape(to_html(markdown))
    for title in UNICODE_TITLES:
        assert single_line(title) in text
    assert "مقدمة في تعلم الآلة واختبار البرمجيات." in text
    assert "山田 太郎" in text


def test_markdown_lookalikes_in_summaries_stay_text(markdown: str) -> None:
    rendered = to_html(markdown)
    assert "<h1>Not a heading" not in rendered
    assert "# Not a heading. Testing with pytest" in html.unescape(rendered)


def test_empty_digest_renders() -> None:
    digest = Digest(name="", talks=(), topics=(), run=RunInfo(version="0.1.0"))
    text = render_markdown(digest)
    assert text.startswith("# Conference: talks by topic\n")
    assert "0 talks in 0 topics" in text


def test_talk_with_unknown_topic_id_goes_to_no_topic() -> None:
    talk = Talk(id="a", title="Orphan")
    topic = Topic(id="t1", label="x", terms=(), talk_ids=("missing",))
    digest = Digest(name="X", talks=(talk,), topics=(topic,), run=RunInfo(version="0"))
    text = render_markdown(digest)
    assert "## Talks in no topic" in text.split("### Orphan")[0]
    assert "1. [x](#topic-t1): 0 talks" in text


def test_title_ending_in_hashes_keeps_them() -> None:
    talk = Talk(id="a", title="Why I love C #")
    summary = Summary(subject_id="a", sentences=("1986. A good year.",), source="abstract")
    digest = Digest(
        name="X", talks=(talk,), topics=(), talk_summaries=(summary,), run=RunInfo(version="0")
    )
    rendered = to_html(render_markdown(digest))
    assert "<h3>Why I love C #</h3>" in rendered
    assert "<p>1986. A good year.</p>" in rendered


# --- property: escaped text renders exactly as the text --------------------------------------

_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("\\`*_{}[]()<>#+-.!|~&$=:;/'\"@%^ \t\n0123456789abcXYZ")),
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
    ),
    max_size=60,
)


@settings(max_examples=200, deadline=None)
@given(_TEXT)
def test_escaped_inline_text_renders_verbatim(text: str) -> None:
    escaped = escape_markdown(text)
    rendered = MarkdownIt("commonmark", {"html": True}).renderInline(escaped)
    assert "<" not in rendered.replace("&lt;", ""), rendered
    assert html.unescape(rendered) == _visible(text)


@settings(max_examples=200, deadline=None)
@given(_TEXT)
def test_escaped_text_at_line_start_is_one_paragraph(text: str) -> None:
    escaped = escape_markdown(text, line_start=True)
    rendered = MarkdownIt("commonmark", {"html": True}).render(escaped)
    expected = _visible(text)
    if not expected:
        assert rendered == ""
        return
    assert rendered.startswith("<p>") and rendered.endswith("</p>\n"), rendered
    assert html.unescape(rendered[3:-5]) == expected


def _visible(text: str) -> str:
    """What a reader should see: the text on one line; markdown-it turns NUL into U+FFFD."""
    return single_line(text)


@settings(max_examples=200, deadline=None)
@given(_TEXT)
def test_escaped_text_in_a_heading_is_the_whole_heading(text: str) -> None:
    expected = _visible(text)
    rendered = MarkdownIt("commonmark", {"html": True}).render("### " + escape_markdown(text))
    assert rendered == f"<h3>{html.escape(expected, quote=False)}</h3>\n" or (
        html.unescape(rendered) == f"<h3>{expected}</h3>\n"
    ), rendered
