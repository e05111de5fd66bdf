"""talktopics: conference talks and attendee notes in, a talks-by-topic digest out.

The public API, as a notebook imports it (re-exports only; each name is loaded on first use, so
``import talktopics`` stays cheap for the command line)::

    import talktopics as tt

    corpus = tt.read_talks(["corpus/"])                  # files and folders -> Corpus
    model = tt.TopicModel(tt.TopicConfig(seed=42)).fit(corpus.talks)
    model.topics_, model.talk_topics_                    # what the fit learned
    model.transform(new_talks)                           # place new talks on its topics
    tt.summarize(text, k=2)                              # one raw text -> its key sentences
    digest = tt.build_digest(corpus)                     # talks -> Digest record
    tt.write_digest(digest, "out")                       # md, html, json, written atomically
    tt.compare_editions(tt.load_editions(tt.parse_editions(["2018/", "2019/"])))

Where each stage lives: docs/architecture.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from talktopics.lazy import lazy_dir, load_name
from talktopics.version import __version__

if TYPE_CHECKING:
    from talktopics.compare import (
        Comparison,
        Edition,
        compare_editions,
        load_editions,
        parse_editions,
    )
    from talktopics.config import (
        CompareConfig,
        EmbedConfig,
        GraphConfig,
        IngestLimits,
        NLPConfig,
        RunConfig,
        SummaryConfig,
        TopicConfig,
        load_config,
    )
    from talktopics.errors import (
        ConfigError,
        IngestError,
        ModelNotAvailableError,
        NotFittedError,
        TalkTopicsError,
    )
    from talktopics.ingest import read_talks
    from talktopics.recipes.digest import build_digest, run_digest, write_digest
    from talktopics.records import (
        Corpus,
        Digest,
        IngestIssue,
        Labels,
        SourceRef,
        Summary,
        Talk,
        TalkTopics,
        TermMembership,
        TermTable,
        Topic,
    )
    from talktopics.summaries import summarize
    from talktopics.topics import TopicModel

_WHERE: dict[str, str] = {
    **dict.fromkeys(
        ("Comparison", "Edition", "compare_editions", "load_editions", "parse_editions"),
        "talktopics.compare",
    ),
    **dict.fromkeys(
        (
            "CompareConfig",
            "EmbedConfig",
            "GraphConfig",
            "IngestLimits",
            "NLPConfig",
            "RunConfig",
            "SummaryConfig",
            "TopicConfig",
            "load_config",
        ),
        "talktopics.config",
    ),
    **dict.fromkeys(
        (
            "ConfigError",
            "IngestError",
            "ModelNotAvailableError",
            "NotFittedError",
            "TalkTopicsError",
        ),
        "talktopics.errors",
    ),
    "read_talks": "talktopics.ingest",
    **dict.fromkeys(("build_digest", "run_digest", "write_digest"), "talktopics.recipes.digest"),
    **dict.fromkeys(
        (
            "Corpus",
            "Digest",
            "IngestIssue",
            "Labels",
            "SourceRef",
            "Summary",
            "Talk",
            "TalkTopics",
            "TermMembership",
            "TermTable",
            "Topic",
        ),
        "talktopics.records",
    ),
    "summarize": "talktopics.summaries",
    "TopicModel": "talktopics.topics",
}
"""Public name -> the module that defines it."""

__all__ = [
    "CompareConfig",
    "Comparison",
    "ConfigError",
    "Corpus",
    "Digest",
    "Edition",
    "EmbedConfig",
    "GraphConfig",
    "IngestError",
    "IngestIssue",
    "IngestLimits",
    "Labels",
    "ModelNotAvailableError",
    "NLPConfig",
    "NotFittedError",
    "RunConfig",
    "SourceRef",
    "Summary",
    "SummaryConfig",
    "Talk",
    "TalkTopics",
    "TalkTopicsError",
    "TermMembership",
    "TermTable",
    "Topic",
    "TopicConfig",
    "TopicModel",
    "__version__",
    "build_digest",
    "compare_editions",
    "load_config",
    "load_editions",
    "parse_editions",
    "read_talks",
    "run_digest",
    "summarize",
    "write_digest",
]


def __getattr__(name: str) -> Any:
    """Load a public name from its module on first use (PEP 562)."""
    return load_name(globals(), _WHERE, name)


def __dir__() -> list[str]:
    return lazy_dir(globals(), _WHERE)
