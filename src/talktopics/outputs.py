"""Output names and files: format lists and an output folder in, checked names and files
written atomically (one file-mode policy for text and bytes) out."""

from __future__ import annotations

import contextlib
import glob
import os
import signal
import tempfile
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from talktopics.errors import ConfigError, TalkTopicsError
from talktopics.records import Corpus

__all__ = [
    "DEFAULT_DIGEST_FORMATS",
    "DIGEST_FORMATS",
    "check_out_dir",
    "digest_name",
    "file_mode",
    "parse_formats",
    "remove_stale_parts",
    "write_atomic_bytes",
    "write_atomic_text",
    "write_files",
]

DIGEST_FORMATS: dict[str, str] = {
    "md": "digest.md",
    "html": "digest.html",
    "json": "digest.json",
    "ics": "digest.ics",
    "csv": "digest.csv",
}
"""Output format -> file name inside the output folder."""
DEFAULT_DIGEST_FORMATS = ("md", "html", "json")
"""The formats written when none are asked for."""


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
        name = {"markdown": "md", "htm": "html", "ical": "ics", "ifb": "ics"}.get(name, name)
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
    """Write a set of files (name inside ``out_dir`` -> text or bytes) all or nothing.

    Every file is first written to a hidden temporary file beside its target
    (``.<name>.<random>.part``) and flushed to disk; only when all of them are complete are they
    renamed over their targets, one after the other, and the folder is flushed. A failure or
    an interrupt before the renames (disk full, Ctrl-C while writing) removes the temporary
    files and leaves the previous set exactly as it was. The renames themselves are not one
    atomic step: Ctrl-C and SIGTERM are held back until the last one is done, but a power cut or
    SIGKILL in the few microseconds between two of them can leave new and previous files side
    by side (never a partial file). Stale ``.<name>.*.part`` files
    that a killed run left for these names are removed first; other files are not touched.

    Returns:
        The paths written, in the order of ``files``.

    Raises:
        TalkTopicsError: A file could not be written (disk full, folder removed meanwhile...).
    """
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        remove_stale_parts(out, list(files))
        staged: list[tuple[Path, Path]] = []
        try:
            for name, data in files.items():
                target = out / name
                raw = data.encode("utf-8") if isinstance(data, str) else data
                staged.append((_stage(target, raw), target))
            with _signals_held():
                for tmp, target in staged:
                    os.replace(tmp, target)
        except BaseException:
            for tmp, _ in staged:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
            raise
        _sync_folder(out)
    except OSError as exc:
        raise TalkTopicsError(f"cannot write the {what} to {out}: {exc.strerror or exc}") from exc
    return tuple(target for _, target in staged)


def remove_stale_parts(out_dir: Path, names: Sequence[str]) -> list[Path]:
    """Remove the temporary files (``.<name>.<pid>-<random>.part``) that an earlier, killed run
    left for these output names in ``out_dir``; any other file, and the temporary files of a
    process that still runs, are left alone.

    Returns:
        The files removed.
    """
    removed: list[Path] = []
    for name in names:
        for stale in out_dir.glob(f".{glob.escape(name)}.*.part"):
            if _writer_alive(stale.name[len(name) + 2 :]):
                continue  # another run is writing this very file now
            with contextlib.suppress(OSError):
                stale.unlink()
                removed.append(stale)
    return removed


def write_atomic_text(path: str | Path, text: str) -> Path:
    """Write UTF-8 text (``"\\n"`` line ends kept as they are) like :func:`write_atomic_bytes`."""
    return write_atomic_bytes(path, text.encode("utf-8"))


def write_atomic_bytes(path: str | Path, data: bytes) -> Path:
    """Write bytes so that ``path`` is either the old file or the complete new one.

    The data goes to a hidden temporary file in the same folder, is flushed to disk, then
    renamed over ``path`` (``os.replace`` is atomic on POSIX and Windows). On any failure or
    interrupt the temporary file is removed and ``path`` is untouched; stale temporary files a
    killed run left for ``path`` are removed (:func:`remove_stale_parts`). The file mode
    follows :func:`file_mode`.

    Returns:
        The path written.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_parts(target.parent, [target.name])
    tmp = _stage(target, data)
    try:
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return target


def _stage(target: Path, data: bytes) -> Path:
    """Bytes in, a complete hidden temporary file beside ``target`` out (flushed to disk, with
    the mode of :func:`file_mode`); removed again on any failure."""
    prefix = f".{target.name}.{os.getpid()}-"
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=prefix, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, file_mode(target))
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return Path(tmp)


def _writer_alive(tail: str) -> bool:
    """Whether the process named by a temporary file's ``<pid>-<random>.part`` tail still runs
    (this process included); a tail without a process id (an older run's) is stale."""
    pid = tail.split("-", 1)[0]
    if not pid.isdigit() or "-" not in tail:
        return False
    if int(pid) == os.getpid():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists but belongs to someone else, or the system cannot say
        return True
    return True


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold back SIGINT and SIGTERM for the duration (main thread only), then deliver them."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    wanted = [signal.SIGINT, getattr(signal, "SIGTERM", signal.SIGINT)]
    previous = {sig: signal.signal(sig, lambda num, frame: caught.append(num)) for sig in wanted}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, signal.SIG_DFL if handler is None else handler)
        for sig in dict.fromkeys(caught):
            signal.raise_signal(sig)


def _sync_folder(folder: Path) -> None:
    """Flush a folder's entries (the renames) to disk where the system allows it."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def file_mode(target: Path) -> int:
    """The one file-mode policy for every output: keep an existing file's permissions; a new
    file gets the usual 0666 minus the umask."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
