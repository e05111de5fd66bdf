"""Shared test fixtures: where ../shared lives, offline model settings, a fake embedder,
headless Chromium for the browser tests."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

# Never let a library try a model hub during tests (it would hang for about 70 s).
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

REPO = Path(__file__).resolve().parents[1]
# Embedding, term and model caches of the test run live inside the checkout (gitignored), never in
# the user's home; reruns reuse them, a fresh clone starts empty.
os.environ.setdefault("TALKTOPICS_CACHE", str(REPO / ".cache" / "tests"))
os.environ.setdefault("TALKTOPICS_MODEL_CACHE", str(REPO / ".cache" / "test-models"))
# Tests run every stage (many patch one); the result cache has tests of its own.
os.environ.setdefault("TALKTOPICS_RESULT_CACHE", "0")
SHARED = REPO.parent / "shared"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def default_sigint() -> None:
    """``preexec_fn`` for a child that tests Ctrl-C: SIGINT as a terminal user has it.

    A test run started in the background by a shell without job control inherits SIGINT
    ignored, and Python then never raises KeyboardInterrupt; the child must not inherit that.
    """
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


def shared_path(*parts: str) -> Path:
    """Path under ../shared; skips the test where it is absent (but fails in CI)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        if IN_CI:
            pytest.fail(f"{path} is missing, and tests must not skip in CI")
        pytest.skip(f"{path} is absent (the shared data sits beside the repo only in CI)")
    return path


@pytest.fixture
def shared() -> Path:
    """The ../shared folder (skips where absent, fails in CI)."""
    return shared_path()


class FakeEmbedder:
    """Deterministic bag-of-hashed-words embedder: similar word sets give similar vectors."""

    name = "fake"
    dim = 64

    def embed(self, texts: list[str] | tuple[str, ...]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in text.lower().split():
                h = int(hashlib.md5(word.encode("utf-8")).hexdigest(), 16)
                out[i, h % self.dim] += 1.0
                out[i, (h // self.dim) % self.dim] += 0.5
            norm = float(np.linalg.norm(out[i]))
            out[i] = out[i] / norm if norm else out[i]
            if not norm:
                out[i, 0] = 1.0
        return out


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


# --- headless Chromium (Debian's; never a downloaded browser) -------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str:
    """The system Chromium; skips the test where it is missing, fails it in CI."""
    path = shutil.which("chromium") or (CHROMIUM if Path(CHROMIUM).exists() else None)
    if path is None:
        if IN_CI:
            pytest.fail("chromium is not installed (make browser installs it)")
        pytest.skip("chromium is not installed (make browser installs it)")
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """A headless Chromium driven by Playwright, shared by a test module."""
    playwright = pytest.importorskip("playwright.sync_api")
    executable = chromium_path()
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield b
        b.close()
