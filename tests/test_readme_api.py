"""The README's notebook example runs as written, against the demo corpus, with the real model;
and the package face exports what it promises (and nothing it cannot load)."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
from pathlib import Path

import pytest

import talktopics
from conftest import REPO


def _readme_example() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Library API") :]
    match = re.search(r"```python\n(.*?)```", section, flags=re.S)
    assert match, "the Library API section has no python example"
    return match.group(1)


def test_every_public_name_loads() -> None:
    for name in talktopics.__all__:
        assert getattr(talktopics, name) is not None, name
    with pytest.raises(AttributeError):
        _ = talktopics.no_such_name  # type: ignore[attr-defined]


def test_the_estimator_keeps_its_parameters() -> None:
    config = talktopics.TopicConfig(seed=7)
    model = talktopics.TopicModel(config)
    assert model.get_params()["config"] is config
    assert model.random_state == 7
    with pytest.raises(talktopics.NotFittedError):
        _ = model.topics_


@pytest.mark.real
def test_the_readme_example_runs(tmp_path: Path) -> None:
    (tmp_path / "corpus").symlink_to(REPO / "corpus", target_is_directory=True)
    printed = io.StringIO()
    cwd = Path.cwd()
    os.chdir(tmp_path)
    try:
        with contextlib.redirect_stdout(printed):
            exec(compile(_readme_example(), "README.md", "exec"), {})
    finally:
        os.chdir(cwd)
    lines = printed.getvalue().splitlines()
    assert len(lines) >= 4  # one line per topic, then the summary
    summary = eval(lines[-1])  # the printed list of sentences
    corpus = talktopics.read_talks([str(REPO / "corpus")])
    text = next(t.abstract for t in corpus.talks if t.abstract)
    assert 1 <= len(summary) <= 2 and all(s in text for s in summary)
    data = json.loads((tmp_path / "out" / "digest.json").read_text(encoding="utf-8"))
    assert len(data["talks"]) == len(corpus.talks)
    assert (tmp_path / "out" / "digest.md").read_text(encoding="utf-8").startswith("#")
    loaded = talktopics.TopicModel.load(tmp_path / "models" / "demo")
    assert [t.label for t in loaded.topics_] == lines_labels(lines)


def lines_labels(lines: list[str]) -> list[str]:
    """The topic labels as the example printed them (each line starts with the label)."""
    return [line.split(" [", 1)[0] for line in lines[:-1]]
