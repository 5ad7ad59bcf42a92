"""Input readers: find the format, read the files, return the one Event model.

A source is a folder, a .zip, a single schedule file or an http(s) URL. A folder is an Open Event
export when it holds `event` and `sessions`; otherwise it must hold one schedule file (*.json or
*.xml whose content is a C3VOC/frab schedule or Sessionize data). A URL ending in "/" is an Open
Event base URL; any other URL is fetched first and used as a single schedule file when its content
is one, else read as an Open Event base URL. The format is detected from content; `--format`
(config.format) forces one of FORMATS.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from ..config import Config
from ..errors import InputError
from ..model import Event
from . import c3voc, frab_xml, limits, loader, openevent, sessionize
from .common import ReadOptions, Reporter
from .loader import (
    RawEvent,
    _safe_relpath,
    parse_json,
    read_file,
    read_folder,
    read_url,
    read_zip,
)
from .memo import ReadMemo

FORMATS = ("openevent", "c3voc-json", "frab-xml", "sessionize")
READERS = {"c3voc-json": c3voc, "frab-xml": frab_xml, "sessionize": sessionize}

# Every data file name any reader looks for; "schedule" is schedule.json without its suffix.
WANTED = openevent.FILES
ZIP_WANTED = (*WANTED, "schedule", "schedule.xml")
SCHEDULE_SUFFIXES = (".json", ".xml")

_EXPECTED = (
    "Expected an Open Event export (files `event`, `sessions`, `speakers`, `tracks`, "
    "`microlocations`, `sponsors`, with or without .json), a C3VOC/frab schedule.json or "
    "schedule.xml, or Sessionize 'All' JSON."
)
_XML_ROOT = re.compile(
    rb"^(?:\s|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^[>]*(?:\[.*?\])?\s*>)*<schedule[\s>/]", re.S
)


def load(config: Config) -> RawEvent:
    """Read the raw input from a folder, a .zip, a file or an http(s) URL."""
    source = config.source
    if config.is_url:
        return _load_url(source, config.format)
    path = Path(source)
    if not path.exists():
        raise InputError(
            f"{source}: no such file or folder",
            "Give a folder of event data, a .zip, a schedule file or an http(s) URL.",
        )
    if path.is_dir():
        raw = read_folder(path, WANTED)
        if config.format == "openevent" or (not config.format and openevent.detect(raw)):
            return raw
        return _schedule_in_folder(path, config.format) or raw
    if path.suffix.lower() == ".zip":
        return read_zip(path, ZIP_WANTED)
    return read_file(path)


def looks_like_schedule(data: bytes) -> bool:
    """A cheap look at the start of a file: a <schedule> XML, or JSON with schedule keys."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        return bool(_XML_ROOT.match(head))
    if head.startswith(b"{"):
        return b'"conference"' in data or (b'"sessions"' in data and b'"speakers"' in data)
    return False


def _schedule_in_folder(folder: Path, forced: str) -> RawEvent | None:
    """The one schedule file in a folder without an Open Event export; None when there is none."""
    suffixes = {"frab-xml": (".xml",), "c3voc-json": (".json",), "sessionize": (".json",)}
    wanted = suffixes.get(forced, SCHEDULE_SUFFIXES)
    files = sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() in wanted and not p.name.startswith(".")
    )
    if len(files) > 1 or not forced:
        # A look inside: config.json or package.json beside a schedule is not a second one.
        files = [p for p in files if p.stat().st_size <= loader.MAX_JSON_BYTES]
        files = [p for p in files if looks_like_schedule(p.read_bytes())]
    if len(files) > 1:
        names = ", ".join(p.name for p in files)
        raise InputError(
            f"{folder}: several schedule files ({names})",
            f"Give the one to build as the source, e.g. {files[0]}.",
        )
    return read_file(files[0]) if files else None


def _load_url(url: str, forced: str) -> RawEvent:
    """A single schedule file at `url`, or an Open Event export below it."""
    from ..fetch import fetch, host_unreachable, refused_by_us

    if forced == "openevent" or url.endswith("/"):
        return read_url(url, WANTED, openevent.REQUIRED)
    try:
        data = fetch(url, timeout=loader.DATA_TIMEOUT, max_bytes=loader.MAX_JSON_BYTES)
    except InputError as exc:
        # Only a missing file may mean "a base URL without its slash"; a host that does not
        # answer, or an answer we refused, would fail the same way for every other file.
        if forced or host_unreachable(exc) or refused_by_us(exc):
            raise
        return read_url(url, WANTED, openevent.REQUIRED)
    if not forced and not looks_like_schedule(data):
        try:
            return read_url(url, WANTED, openevent.REQUIRED)
        except InputError:
            what = "an HTML page" if _looks_html(data) else "neither a schedule nor an export"
            raise InputError(f"{url}: is {what}, not event data", _EXPECTED) from None
    name = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1] or "schedule"

    def read_asset(ref: str) -> bytes:
        return fetch(urljoin(url, _safe_relpath(ref)), timeout=loader.ASSET_TIMEOUT)

    return RawEvent(url, {name: data}, read_asset, {name: url})


def normalize(
    raw: RawEvent, config: Config, report: Reporter, memo: ReadMemo | None = None
) -> Event:
    """Detect the format (or use --format) and read the data into the model.

    `memo` (the preview's) lets a reader that supports it reuse what the last read made.
    """
    return limits.enforce(_read(raw, config, report, memo), raw, report, memo)


def _read(raw: RawEvent, config: Config, report: Reporter, memo: ReadMemo | None) -> Event:
    """The event as the format's reader makes it."""
    options = ReadOptions(timezone=config.timezone, day_change=config.day_change)
    forced = config.format
    if forced and forced not in FORMATS:
        raise InputError(f"unknown input format {forced!r}", "Known formats: " + ", ".join(FORMATS))
    if forced == "openevent" or (not forced and openevent.detect(raw)):
        return openevent.normalize(raw, options, report, memo)
    # Files no Open Event reader claims first: a schedule file is what is left.
    keys = sorted(raw.files, key=lambda k: (k in openevent.FILES, k))
    for key in keys:
        doc = _parse(raw, key, report)
        if doc is None:
            continue
        fmt = forced or detect(doc)
        if fmt:
            return READERS[fmt].read(doc, raw, key, options, report)
    found = ", ".join(sorted(raw.files)) or "no data files"
    raise InputError(f"{raw.origin}: no event data found ({found})", _EXPECTED)


def detect(doc: Any) -> str | None:
    """The format of a parsed document (JSON value or XML root), or None."""
    for name, reader in READERS.items():
        if reader.detect(doc):
            return name
    return None


def _looks_html(data: bytes) -> bool:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")[:15].lower()
    return head.startswith((b"<!doctype html", b"<html"))


def _parse(raw: RawEvent, key: str, report: Reporter) -> Any:
    """A data file parsed as XML or JSON by its first character; None when it is neither."""
    head = raw.files[key][:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<") and not _looks_html(head):
        return frab_xml.parse(raw.files[key], raw.label(key), report.warn_text)
    if head.startswith((b"{", b"[")):
        return parse_json(raw, key, report.warn_text)
    return None
