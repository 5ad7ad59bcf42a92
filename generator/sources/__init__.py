"""Input readers: find the format, read the files, return the one Event model."""

from __future__ import annotations

from pathlib import Path

from ..config import Config
from ..errors import InputError
from ..model import Event
from . import openevent
from .common import ReadOptions, Reporter
from .loader import RawEvent, read_file, read_folder, read_url, read_zip

# Every data file name any reader looks for.
WANTED = openevent.FILES


def load(config: Config) -> RawEvent:
    """Read the raw input from a folder, a .zip, a file or an http(s) base URL."""
    source = config.source
    if config.is_url:
        return read_url(source, WANTED, openevent.REQUIRED)
    path = Path(source)
    if not path.exists():
        raise InputError(
            f"{source}: no such file or folder",
            "Give a folder of event data, a .zip, a schedule file or an http(s) URL.",
        )
    if path.is_dir():
        return read_folder(path, WANTED)
    if path.suffix.lower() == ".zip":
        return read_zip(path, WANTED)
    return read_file(path)


def normalize(raw: RawEvent, config: Config, report: Reporter) -> Event:
    """Detect the format (or use --format) and read the data into the model."""
    options = ReadOptions(timezone=config.timezone, day_change=config.day_change)
    if config.format and config.format != "openevent":
        raise InputError(f"unknown input format {config.format!r}", "Known formats: openevent")
    if config.format == "openevent" or openevent.detect(raw):
        return openevent.normalize(raw, options, report)
    found = ", ".join(sorted(raw.files)) or "no data files"
    raise InputError(
        f"{raw.origin}: no event data found ({found})",
        "Expected an Open Event export: files `event`, `sessions`, `speakers`, `tracks`, "
        "`microlocations`, `sponsors` (with or without .json).",
    )
