"""The whole run's configuration: a TOML file (or nothing) in, a :class:`RunConfig` out.

``load_config`` reads a TOML file whose tables are named like the fields of ``RunConfig``
(``[ingest]``, ``[topics]``, ``[summary]``, ``[compare]``, ``[parallel]``); an unknown option is
an error that lists the known ones.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from talktopics.config.compare import CompareConfig
from talktopics.config.ingest import IngestLimits
from talktopics.config.parallel import ParallelConfig
from talktopics.config.summary import SummaryConfig
from talktopics.config.topics import TopicConfig
from talktopics.errors import ConfigError

__all__ = ["RunConfig", "load_config"]


@dataclass(frozen=True, slots=True, kw_only=True)
class RunConfig:
    """Everything one run needs."""

    ingest: IngestLimits = field(default_factory=IngestLimits)
    topics: TopicConfig = field(default_factory=TopicConfig)
    summary: SummaryConfig = field(default_factory=SummaryConfig)
    compare: CompareConfig = field(default_factory=CompareConfig)
    parallel: ParallelConfig = field(default_factory=ParallelConfig)


def _build(cls: type[Any], table: dict[str, Any], where: str) -> Any:
    fields = {f.name: f for f in dataclasses.fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in table.items():
        if key not in fields:
            known = ", ".join(sorted(fields))
            raise ConfigError(f"{where}: unknown option {key!r}; known options: {known}")
        default = getattr(cls(), key)
        if dataclasses.is_dataclass(default) and isinstance(value, dict):
            kwargs[key] = _build(type(default), value, f"{where}.{key}")
        elif isinstance(default, tuple) and isinstance(value, list):
            kwargs[key] = tuple(value)
        else:
            kwargs[key] = value
    return cls(**kwargs)


def load_config(path: str | Path | None = None) -> RunConfig:
    """Read a TOML configuration file; ``None`` gives the defaults.

    Raises:
        ConfigError: the file cannot be read or names an unknown option.
    """
    if path is None:
        return RunConfig()
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    return _build(RunConfig, data, str(path))  # type: ignore[no-any-return]
