"""Security of input and output: paths never leave the input folder, links are http(s) only,
and every user string is text in the Markdown and HTML digests (Chromium included).

The renderers' own tests check a fixed hostile sample; here every user-facing field of a
digest is filled with generated hostile strings (Hypothesis, derandomized) and the whole
rendered documents are parsed: Markdown with markdown-it (CommonMark, raw HTML on), HTML with
the standard library parser and in headless Chromium.
"""

from __future__ import annotations

import html
import itertools
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from talktopics.ingest import read_talks
from talktopics.records import (
    OTHER_TOPIC,
    Digest,
    IngestIssue,
    RunInfo,
    SourceRef,
    Summary,
    Talk,
    TalkTopics,
    TermMembership,
    Topic,
    WordEdge,
    WordNode,
)
from talktopics.render import render_html, render_json, render_markdown
from talktopics.render.html import STATIC_SCRIPTS
from talktopics.render.view import single_line

PROPERTY = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# --- file paths from input never lead outside the input folder -----------------------------

SECRET = "SECRET-NOTES-OUTSIDE"


def _pyvideo(folder: Path, n: int = 2) -> Path:
    (folder / "videos").mkdir(parents=True)
    (folder / "category.json").write_text('{"title": "PyCon Test 2020"}', encoding="utf-8")
    for i in range(n):
        video = {"title": f"Video talk {i}", "speakers": ["A"], "abstract": "Inside.", "videos": []}
        (folder / "videos" / f"{i}.json").write_text(json.dumps(video), encoding="utf-8")
    return folder


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder next to the input with data that must never be read through a link."""
    folder = tmp_path / "outside"
    folder.mkdir()
    video = {"title": SECRET, "abstract": SECRET, "videos": []}
    (folder / "secret.json").write_text(json.dumps(video), encoding="utf-8")
    (folder / "category.json").write_text(json.dumps({"title": SECRET + " 1999"}), "utf-8")
    (folder / "secret.md").write_text(f"# {SECRET}\n\n## {SECRET}\n{SECRET}\n", "utf-8")
    return folder


def _no_secret(corpus: Any) -> None:
    assert SECRET not in json.dumps([repr(t) for t in corpus.talks], ensure_ascii=False)


def test_pyvideo_video_linked_from_outside_is_not_read(tmp_path: Path, outside: Path) -> None:
    root = _pyvideo(tmp_path / "pycon-test-2020")
    (root / "videos" / "evil.json").symlink_to(outside / "secret.json")
    (root / "videos" / "sneaky.json").symlink_to(Path("..", "..", "outside", "secret.json"))
    corpus = read_talks([root])
    _no_secret(corpus)
    assert sorted(t.title for t in corpus.talks) == ["Video talk 0", "Video talk 1"]
    warned = sorted(i.source.record for i in corpus.issues)
    assert warned == ["videos/evil.json", "videos/sneaky.json"]
    assert all(i.level == "warning" and "outside" in i.message for i in corpus.issues)


def test_pyvideo_category_and_videos_folder_linked_from_outside(
    tmp_path: Path, outside: Path
) -> None:
    root = tmp_path / "pycon-test-2020"
    root.mkdir()
    (root / "category.json").symlink_to(outside / "category.json")
    (root / "videos").symlink_to(outside, target_is_directory=True)
    corpus = read_talks([root])
    _no_secret(corpus)
    assert corpus.talks == ()
    records = {i.source.record for i in corpus.issues}
    assert records == {"category.json", "videos/category.json", "videos/secret.json"}
    for issue in corpus.issues:
        assert "outside" in issue.message and issue.source.path == str(root)


def test_pyvideo_links_inside_the_folder_are_read_once(tmp_path: Path) -> None:
    root = _pyvideo(tmp_path / "pycon-test-2020", n=1)
    (root / "videos" / "again.json").symlink_to(root / "videos" / "0.json")
    corpus = read_talks([root])
    assert [t.title for t in corpus.talks] == ["Video talk 0"]
    assert any("duplicate" in i.message for i in corpus.issues)


@pytest.mark.parametrize("kind", ["loop", "broken", "self-loop-dir"])
def test_broken_and_looping_links_are_reported(tmp_path: Path, kind: str) -> None:
    root = _pyvideo(tmp_path / "pycon-test-2020", n=1)
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "ok.md").write_text("# Notes 2020\n\n## Fine\nok\n\n## Also fine\nok\n", "utf-8")
    if kind == "loop":
        (root / "videos" / "loop.json").symlink_to(root / "videos" / "loop.json")
        (notes / "loop.md").symlink_to(notes / "loop.md")
    elif kind == "broken":
        (root / "videos" / "gone.json").symlink_to(tmp_path / "nothing.json")
        (notes / "gone.md").symlink_to(tmp_path / "nothing.md")
    else:
        (notes / "again").symlink_to(notes, target_is_directory=True)
    corpus = read_talks([root, notes])
    assert sorted(t.title for t in corpus.talks) == ["Also fine", "Fine", "Video talk 0"]
    for issue in corpus.issues:
        assert issue.level == "warning" and issue.source.path.startswith(str(tmp_path))


def test_explicit_path_through_a_link_is_the_users_choice(tmp_path: Path, outside: Path) -> None:
    """A path given on the command line is read wherever it leads; links *inside* it are not."""
    link = tmp_path / "input"
    link.symlink_to(outside, target_is_directory=True)
    corpus = read_talks([link / "secret.md"])
    assert [t.title for t in corpus.talks] == [SECRET]


def test_markdown_image_and_link_paths_are_never_opened(tmp_path: Path, outside: Path) -> None:
    notes = tmp_path / "in" / "notes.md"
    notes.parent.mkdir()
    secret = outside / "secret.md"
    notes.write_text(
        f"# Notes 2020\n\n## One\n![slide]({secret})\n[file]({secret.as_uri()})\n"
        f"Description: {secret.as_uri()}\nVideo: file://{secret}\n\n## Two\nx\n",
        encoding="utf-8",
    )
    corpus = read_talks([notes.parent])
    _no_secret(corpus)
    one = corpus.talks[0]
    assert one.url is None and one.video_url is None
    assert "![" not in one.notes


# --- links: only http(s) ------------------------------------------------------------------

BAD_URLS = (
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "\x01javascript:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "file:///etc/passwd",
    "ftp://example.org/x",
    "mailto:x@example.org",
    "//",
    "http:alert(1)",
    "https:/\\evil.example",
    "&#106;avascript:alert(1)",
    "%6Aavascript:alert(1)",
    "/relative/path",
    "#anchor",
)
GOOD_URLS = ("https://example.org/a?b=1&c=2", "http://example.org/x_(y)", "HTTPS://EXAMPLE.ORG")


@pytest.mark.parametrize("url", BAD_URLS)
def test_ingest_keeps_no_link_but_http(tmp_path: Path, url: str) -> None:
    path = tmp_path / "talks.jsonl"
    path.write_text(json.dumps({"title": "T", "url": url, "video_url": url}) + "\n", "utf-8")
    (talk,) = read_talks([path]).talks
    assert talk.url is None and talk.video_url is None


_URL_TEXT = st.one_of(
    st.sampled_from(BAD_URLS + GOOD_URLS),
    st.builds(
        lambda a, b, c: a + b + c,
        st.sampled_from(["", " ", "https://", "http://", "javascript:", "data:", "\t"]),
        st.text(max_size=30),
        st.sampled_from(["", ")", '"', "'>", "<script>", " onmouseover=alert(1) "]),
    ),
)


@PROPERTY
@given(url=_URL_TEXT, fmt=st.sampled_from(["jsonl", "csv", "frab", "md"]))
def test_ingested_links_are_http_or_nothing(tmp_path: Path, url: str, fmt: str) -> None:
    folder = tmp_path / f"x{abs(hash((url, fmt)))}"
    folder.mkdir()
    if fmt == "jsonl":
        path = folder / "t.jsonl"
        path.write_text(json.dumps({"title": "T", "url": url, "video": url}) + "\n", "utf-8")
    elif fmt == "csv":
        path = folder / "t.csv"
        path.write_text('title,url,video\nT,"{0}","{0}"\n'.format(url.replace('"', '""')), "utf-8")
    elif fmt == "frab":
        event = {"id": 1, "title": "T", "url": url}
        data = {
            "schedule": {
                "conference": {
                    "title": "C 2020",
                    "days": [{"date": "2020-01-01", "rooms": {"R": [event]}}],
                }
            }
        }
        path = folder / "schedule.json"
        path.write_text(json.dumps(data), "utf-8")
    else:
        path = folder / "notes.md"
        path.write_text(f"## T\nDescription: {url}\nVideo: {url}\n\n## U\nx\n", "utf-8")
    for talk in read_talks([path]).talks:
        for link in (talk.url, talk.video_url):
            assert link is None or re.fullmatch(r"(?i)https?://\S+", link), link


# --- a digest whose every user string is hostile -------------------------------------------

PAYLOADS = (
    "</script><script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    '"><svg onload="window.__pwned=1">',
    "[click](javascript:window.__pwned=1)",
    "![x](javascript:window.__pwned=1)",
    "<javascript:window.__pwned=1>",
    "<a href='javascript:window.__pwned=1'>link</a>",
    "{{ 7*7 }} {% raw %} ${7*7}",
    "# heading\n- list\n> quote\n```\ncode\n```",
    "&lt;script&gt; &amp; &#x3C;b&#x3E;",
    "*emph* __strong__ `code` ~~strike~~ | table |",
    "<!-- comment --> <![CDATA[ x ]]>",
    "\u2028\u2029\u202e RTL override \u200f",
    "Тест 数据 🐍 שלום",
)

hostile = st.one_of(
    st.sampled_from(PAYLOADS),
    st.text(
        alphabet=st.one_of(
            st.sampled_from(list("<>&\"'`[]()!*_#=/\\:;{}|~$%\n\t ")),
            st.characters(codec="utf-8", exclude_categories=("Cs",)),
        ),
        min_size=1,
        max_size=40,
    ),
)


def hostile_digest(s: list[str]) -> Digest:
    """A two-topic digest with ``s`` (cycled) in every user-facing string."""

    def at(i: int) -> str:
        return s[i % len(s)]

    talks = tuple(
        Talk(
            id=f"conf-2024-{i}",
            title=at(i) + f" {i}",
            conference=at(i + 1),
            year=2024,
            speakers=(at(i + 2), at(i + 3)),
            date="2024-05-01" if i % 2 else at(i + 4),
            start=at(i + 5),
            day=at(i + 6),
            room=at(i + 7),
            session_type=at(i + 8),
            language=at(i + 9),
            abstract=at(i + 10),
            description=at(i + 11),
            notes=at(i + 12),
            notes_language=at(i + 13),
            url=at(i + 14),
            video_url="javascript:window.__pwned=1",
            source=SourceRef(path=at(i + 15), record=at(i + 16)),
        )
        for i in range(4)
    )
    ids = [t.id for t in talks]
    topics = (
        Topic(
            id="t1", label=at(20), terms=((at(21), 0.5), (at(22), 0.3)), talk_ids=(ids[0], ids[1])
        ),
        Topic(id="t2", label=at(23), terms=((at(24), 0.4),), talk_ids=(ids[2],)),
    )
    subtopics = (
        Topic(
            id="t1.1",
            label=at(25),
            terms=((at(26), 0.2),),
            talk_ids=(ids[0],),
            parent="t1",
            level=2,
        ),
    )
    terms = [at(21), at(22), at(24), at(26)]
    terms = list(dict.fromkeys(terms))
    memberships = tuple(
        TermMembership(term=t, topics=(("t1", 0.6), ("t2", 0.4)), df=2) for t in terms
    )
    nodes = tuple(
        WordNode(
            term=t,
            display=t,
            topics=(("t1", 0.6), ("t2", 0.4)),
            df=2,
            score=0.5,
            x=100.0 + 200 * k,
            y=300.0,
        )
        for k, t in enumerate(terms)
    )
    edges = tuple(
        WordEdge(source=a.term, target=b.term, weight=0.5) for a, b in itertools.pairwise(nodes)
    )
    return Digest(
        name=at(27),
        talks=talks,
        topics=topics,
        subtopics=subtopics,
        run=RunInfo(version="0.0.0", seed=42, embedder=at(28), model=at(29)),
        memberships=memberships,
        talk_topics=(
            TalkTopics(
                talk_id=ids[0],
                primary="t1",
                distribution=(("t1", 0.7), ("t2", 0.3)),
                secondary=("t2",),
            ),
            TalkTopics(talk_id=ids[1], primary="t1", distribution=(("t1", 1.0),)),
            TalkTopics(talk_id=ids[2], primary="t2", distribution=(("t2", 1.0),)),
            TalkTopics(talk_id=ids[3], primary=OTHER_TOPIC, distribution=()),
        ),
        talk_summaries=tuple(
            Summary(
                subject_id=t.id,
                sentences=(at(30 + k), at(31 + k)),
                source="notes",
                language=at(32 + k),
            )
            for k, t in enumerate(talks)
        ),
        topic_summaries=(Summary(subject_id="t1", sentences=(at(40),), source="talks"),),
        word_nodes=nodes,
        word_edges=edges,
        other_share=0.25,
        issues=(
            IngestIssue(
                level="error", source=SourceRef(path=at(41), record=at(42)), message=at(43)
            ),
            IngestIssue(level="warning", source=SourceRef(path=at(44)), message=at(45)),
        ),
    )


# --- Markdown -------------------------------------------------------------------------------

_OUR_ANCHOR = re.compile(r'^(?=.)(<a id="[a-z0-9._-]+">)?(</a>)?\n?$')
"""The renderer's own raw HTML: ``<a id="...">`` anchors (markdown-it splits open and close)."""


def _markdown_problems(text: str) -> list[str]:
    """Everything in a Markdown document that is markup not written by the renderer."""
    problems: list[str] = []
    md = MarkdownIt("commonmark", {"html": True})

    def walk(tokens: list[Any]) -> None:
        for tok in tokens:
            if tok.type in ("html_block", "html_inline") and not _OUR_ANCHOR.match(tok.content):
                problems.append(f"raw HTML: {tok.content!r}")
            if tok.type == "image":
                problems.append(f"image: {tok.attrs}")
            if tok.type == "link_open":
                href = str(tok.attrs.get("href", ""))
                if not (href.startswith("#") or re.match(r"(?i)https?://", href)):
                    problems.append(f"link to {href!r}")
            if tok.children:
                walk(tok.children)

    walk(md.parse(text))
    # What a Markdown viewer would show: parsed as HTML, only text and harmless elements.
    rendered = _parse(md.render(text))
    for tag, attrs in rendered.tags:
        if tag not in ("h1", "h2", "h3", "p", "a", "ul", "ol", "li", "em", "strong", "blockquote"):
            problems.append(f"rendered HTML has <{tag}>")
        for name, value in attrs.items():
            if name not in ("href", "id"):
                problems.append(f"rendered HTML has <{tag} {name}={value!r}>")
    return problems


def _markdown_headings(text: str) -> dict[int, list[str]]:
    """Plain text of every heading, by level (html-unescaped)."""
    md = MarkdownIt("commonmark", {"html": True})
    tokens = md.parse(text)
    out: dict[int, list[str]] = {}
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open":
            inline = tokens[i + 1]
            parts = [c.content for c in inline.children or [] if c.type in ("text", "code_inline")]
            out.setdefault(int(tok.tag[1]), []).append("".join(parts))
    return out


@PROPERTY
@given(strings=st.lists(hostile, min_size=1, max_size=12))
def test_markdown_digest_renders_every_string_as_text(strings: list[str]) -> None:
    digest = hostile_digest(strings)
    text = render_markdown(digest)
    assert _markdown_problems(text) == []
    headings = _markdown_headings(text)
    shown = [single_line(t.title) for t in digest.talks]
    assert sorted(headings[3]) == sorted(shown)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_link_injection_stays_text(payload: str) -> None:
    digest = hostile_digest([payload])
    text = render_markdown(digest)
    assert _markdown_problems(text) == []
    assert "](javascript:" not in text.replace("\\]", "").replace("\\(", "")


# --- HTML -----------------------------------------------------------------------------------


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.scripts = 0
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self.scripts += 1
            self._in_script = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if not self._in_script:
            self.text.append(data)


def _parse(page: str) -> _Page:
    parsed = _Page()
    parsed.feed(page)
    parsed.close()
    return parsed


@pytest.fixture(scope="module")
def baseline_tags() -> set[str]:
    """The elements the template itself writes (for a digest of harmless words)."""
    return {tag for tag, _ in _parse(render_html(hostile_digest(["word"]))).tags}


@PROPERTY
@given(strings=st.lists(hostile, min_size=1, max_size=12))
def test_html_digest_renders_every_string_as_text(
    baseline_tags: set[str], strings: list[str]
) -> None:
    digest = hostile_digest(strings)
    page = render_html(digest)
    parsed = _parse(page)
    assert {tag for tag, _ in parsed.tags} <= baseline_tags
    assert parsed.scripts == 1 + len(STATIC_SCRIPTS)  # the JSON data and our own scripts
    for tag, attrs in parsed.tags:
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name, value)
            if name in ("href", "src", "action", "formaction", "xlink:href"):
                assert value is not None
                assert value.startswith("#") or re.match(r"(?i)https?://", value), (tag, value)
    text = "".join(parsed.text)
    for talk in digest.talks:
        assert single_line(talk.title) in text
    data = re.search(r'<script type="application/json" id="tt-data">(.*?)</script>', page, re.S)
    assert data is not None
    labels = {n["label"] for n in json.loads(data.group(1))["nodes"]}
    assert labels == {n.display for n in digest.word_nodes}


def test_json_digest_keeps_every_string_verbatim() -> None:
    digest = hostile_digest(list(PAYLOADS))
    data = json.loads(render_json(digest))
    titles = sorted(t["title"] for t in data["talks"])
    assert titles == sorted(t.title for t in digest.talks)


# --- in the browser -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_page(
    tmp_path_factory: pytest.TempPathFactory, browser: Any
) -> Iterator[tuple[Any, Digest]]:
    digest = hostile_digest(list(PAYLOADS))
    path = tmp_path_factory.mktemp("hostile") / "digest.html"
    path.write_text(render_html(digest), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    events: list[str] = []
    page.on("dialog", lambda d: (events.append(f"dialog {d.message}"), d.dismiss()))
    page.on("pageerror", lambda e: events.append(f"error {e}"))
    page.on("request", lambda r: r.url == path.as_uri() or events.append(f"request {r.url}"))
    page.goto(path.as_uri())
    page.wait_for_function("window.talktopics && window.talktopics.cy")
    page.events = events  # type: ignore[attr-defined]
    yield page, digest
    page.close()


@pytest.mark.browser
def test_no_injected_script_runs_in_chromium(hostile_page: tuple[Any, Digest]) -> None:
    page, digest = hostile_page
    # Interact with everything that shows user text: each term's tooltip, its "find talks"
    # button (which types the term into the search box), and the legend.
    page.locator("#tt-network").scroll_into_view_if_needed()
    for node in digest.word_nodes:
        page.evaluate(
            "(label) => { window.talktopics.cy.nodes('.term')"
            ".filter(x => x.data('label') === label).emit('tap'); }",
            node.display,
        )
        tip = page.locator("#tt-tip")
        tip.wait_for(state="visible")
        assert single_line(node.display) in single_line(tip.inner_text())
        page.locator("#tt-tip button").click()
    for button in page.locator(".legend-item").all():
        button.click()
    page.locator("#tt-search").fill(PAYLOADS[0])
    page.wait_for_timeout(200)
    # the schedule view and the downloads show the same text, as text
    page.locator("#tt-search").fill("")
    page.locator(".view-switch button[data-view='schedule']").click()
    scheduled = page.locator(".sched-item .sched-title").all_inner_texts()
    titles = sorted(single_line(t.title) or "Untitled talk" for t in digest.talks)
    assert sorted(scheduled) == titles
    made = page.evaluate(
        "(() => { const t = window.talktopics, r = t.selectedRecords();"
        " return [t.icsFor(r), t.csvFor(r)]; })()"
    )
    assert made[0].startswith("BEGIN:VCALENDAR") and len(made[1].splitlines()) > len(digest.talks)
    page.locator(".view-switch button[data-view='topic']").click()
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.events == []  # type: ignore[attr-defined]
    assert page.locator("img, svg[onload], iframe").count() == 0
    assert page.locator("script").count() == 1 + len(STATIC_SCRIPTS)
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    assert all(h.startswith("#") or re.match(r"(?i)https?://", h) for h in hrefs), hrefs
    titles = page.locator("article.talk .talk-title").all_inner_texts()
    assert sorted(titles) == sorted(single_line(t.title) for t in digest.talks)
    assert page.title() == f"{single_line(digest.name)}: talks by topic"


def test_hostile_digest_helper_puts_payloads_everywhere() -> None:
    """Guard against the fixture silently losing a field (the tests above would pass)."""
    digest = hostile_digest(["PAYLOAD"])
    page = html.unescape(render_html(digest))
    assert page.count("PAYLOAD") >= 30
