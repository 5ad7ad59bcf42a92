"""Flags plus an optional `eventsite.toml` beside the data, turned into one validated Config."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from datetime import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_EVENT = PROJECT_ROOT / "sample_events" / "harbour-open-tech-2026"
THEMES_DIR = PROJECT_ROOT / "themes"
CONFIG_FILE = "eventsite.toml"


@dataclass(frozen=True)
class Config:
    """Everything a build needs to know besides the data."""

    source: str  # folder, .zip, schedule file or http(s) URL
    output: Path
    theme: str = "default"
    base_url: str = ""
    timezone: str = ""  # overrides the data's zone when set
    day_change: time | None = None  # overrides the data's / default 04:00 when set
    format: str = ""  # forces an input format
    no_remote: bool = False
    strict: bool = False
    force: bool = False
    register_sw: bool = True  # the preview server builds without the service worker
    config_file: Path | None = None

    @property
    def is_url(self) -> bool:
        """The source is an http(s) URL."""
        return self.source.startswith(("http://", "https://"))


# Keys an eventsite.toml may hold, and the Config field each sets.
_FILE_KEYS = {
    "theme": "theme",
    "base_url": "base_url",
    "timezone": "timezone",
    "day_change": "day_change",
    "format": "format",
    "no_remote": "no_remote",
    "strict": "strict",
    "output": "output",
}


def parse_day_change(value: str, where: str) -> time:
    """Parse "HH:MM" (or "H") into a time."""
    try:
        parts = [int(p) for p in str(value).split(":")]
        if len(parts) == 1:
            parts.append(0)
        if len(parts) != 2:
            raise ValueError
        return time(parts[0], parts[1])
    except ValueError:
        raise ConfigError(
            f"{where}: day change {value!r} is not a time", "Give it as HH:MM, e.g. 04:00."
        ) from None


def check_zone(name: str, where: str) -> str:
    """Return `name` when it is an IANA zone, else raise a ConfigError saying so."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"{where}: unknown time zone {name!r}",
            "Use an IANA zone name such as Europe/Berlin or Asia/Singapore.",
        ) from None
    return name


def load(flags: dict[str, Any]) -> Config:
    """Merge flags (which win) over the event's eventsite.toml and validate the result."""
    source = flags.get("source") or str(SAMPLE_EVENT)
    values: dict[str, Any] = {}
    config_file = None
    if not source.startswith(("http://", "https://")):
        src = Path(source)
        folder = src if src.is_dir() else src.parent
        candidate = folder / CONFIG_FILE
        if candidate.is_file():
            config_file = candidate
            values.update(_read_file(candidate))
    for key, value in flags.items():
        if value is not None and key != "source":
            values[key] = value
    known = {f.name for f in fields(Config)}
    values = {k: v for k, v in values.items() if k in known}
    where = "--day-change" if flags.get("day_change") else str(config_file or "")
    if isinstance(values.get("day_change"), str):
        values["day_change"] = parse_day_change(values["day_change"], where)
    if values.get("timezone"):
        zone_where = "--timezone" if flags.get("timezone") else str(config_file)
        check_zone(values["timezone"], zone_where)
    values["output"] = Path(values.get("output") or "_site")
    if values.get("base_url") and not str(values["base_url"]).startswith(("http://", "https://")):
        raise ConfigError(
            f"base URL {values['base_url']!r} is not an http(s) URL",
            "Give the address the site will live at, e.g. https://example.org/my-event/.",
        )
    return Config(source=source, config_file=config_file, **values)


def _read_file(path: Path) -> dict[str, Any]:
    """Read eventsite.toml, naming the file and the key in every error."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML", str(exc)) from None
    unknown = sorted(set(data) - set(_FILE_KEYS))
    if unknown:
        raise ConfigError(
            f"{path}: unknown setting {', '.join(unknown)}",
            "Known settings: " + ", ".join(sorted(_FILE_KEYS)),
        )
    out = {_FILE_KEYS[k]: v for k, v in data.items()}
    if "output" in out:
        out["output"] = str((path.parent / out["output"]).resolve())
    return out
