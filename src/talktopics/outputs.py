"""Output names and files: format lists and an output folder in, checked names and files
written atomically (one file-mode policy for text and bytes) out."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from talktopics.errors import ConfigError, TalkTopicsError
from talktopics.records import Corpus

__all__ = [
    "DIGEST_FORMATS",
    "check_out_dir",
    "digest_name",
    "file_mode",
    "parse_formats",
    "write_atomic_bytes",
    "write_atomic_text",
    "write_files",
]

DIGEST_FORMATS: dict[str, str] = {"md": "digest.md", "html": "digest.html", "json": "digest.json"}
"""Output format -> file name inside the output folder."""


def parse_formats(
    formats: str | Sequence[str], known: Sequence[str] = tuple(DIGEST_FORMATS), what: str = "digest"
) -> tuple[str, ...]:
    """``"md,html"`` or ``["md", "html"]`` -> ``("md", "html")``, checked and de-duplicated.

    Args:
        formats: Comma-separated names or a sequence of them ("markdown" = md, "htm" = html).
        known: The formats that can be written, in their usual order.
        what: What is written ("digest", "compare"), for the error messages.

    Raises:
        ConfigError: An unknown or no format.
    """
    items = formats.split(",") if isinstance(formats, str) else list(formats)
    out: list[str] = []
    for item in items:
        name = item.strip().lower().lstrip(".")
        name = {"markdown": "md", "htm": "html"}.get(name, name)
        if not name:
            continue
        if name not in known:
            raise ConfigError(
                f"unknown {what} format {item.strip()!r}; known formats: {', '.join(known)}"
            )
        if name not in out:
            out.append(name)
    if not out:
        raise ConfigError(f"no {what} format given; use e.g. --format {','.join(known)}")
    return tuple(out)


def digest_name(corpus: Corpus) -> str:
    """The digest's title: its editions (``"PyCon DE 2018 + PyCon DE 2019"``) when there are
    at most three, else the corpus name."""
    editions: dict[str, None] = {}
    for talk in corpus.talks:
        label = " ".join(x for x in (talk.conference.strip(), str(talk.year or "")) if x)
        if label:
            editions.setdefault(label, None)
    if 0 < len(editions) <= 3:
        return " + ".join(editions)
    return corpus.name or "Conference"


def check_out_dir(out_dir: str | Path) -> Path:
    """The output folder, checked before any work: it (or the folder it will be created in)
    must be a writable folder.

    Raises:
        ConfigError: It is a file, or the nearest existing folder is not writable.
    """
    out = Path(out_dir)
    existing = out
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise ConfigError(f"-o {out}: {existing} is not a folder; choose another output folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise ConfigError(f"-o {out}: {existing} is not writable; choose another output folder")
    return out


def write_files(
    out_dir: str | Path, files: Mapping[str, str | bytes], *, what: str = "digest"
) -> tuple[Path, ...]:
    """Write each file (name inside ``out_dir`` -> text or bytes) atomically, in order.

    Returns:
        The paths written.

    Raises:
        TalkTopicsError: A file could not be written (disk full, folder removed meanwhile...).
    """
    out = Path(out_dir)
    try:
        return tuple(
            write_atomic_text(out / name, data)
            if isinstance(data, str)
            else write_atomic_bytes(out / name, data)
            for name, data in files.items()
        )
    except OSError as exc:
        raise TalkTopicsError(f"cannot write the {what} to {out}: {exc.strerror or exc}") from exc


def write_atomic_text(path: str | Path, text: str) -> Path:
    """Write UTF-8 text (``"\\n"`` line ends kept as they are) like :func:`write_atomic_bytes`."""
    return write_atomic_bytes(path, text.encode("utf-8"))


def write_atomic_bytes(path: str | Path, data: bytes) -> Path:
    """Write bytes so that ``path`` is either the old file or the complete new one.

    The data goes to a hidden temporary file in the same folder, is flushed to disk, then
    renamed over ``path`` (``os.replace`` is atomic on POSIX and Windows). On any failure or
    interrupt the temporary file is removed and ``path`` is untouched. The file mode follows
    :func:`file_mode`.

    Returns:
        The path written.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, file_mode(target))
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return target


def file_mode(target: Path) -> int:
    """The one file-mode policy for every output: keep an existing file's permissions; a new
    file gets the usual 0666 minus the umask."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
