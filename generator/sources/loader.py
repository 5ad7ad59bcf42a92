"""Read an event's raw files from a folder, a .zip, a single file or an http(s) base URL."""

from __future__ import annotations

import json
import posixpath
import stat
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError

MAX_ZIP_ENTRIES = 5_000
MAX_ZIP_BYTES = 300_000_000  # total unpacked size; a zip bomb stops here
MAX_JSON_BYTES = 100_000_000
MAX_PATH_BYTES = 1024  # an image path longer than this is refused (a file name is 255 at most)
DATA_TIMEOUT = 20.0  # seconds for one data file from a URL
ASSET_TIMEOUT = 10.0  # seconds for one image from a URL


@dataclass
class RawEvent:
    """The input as read: named data files (bytes) and a way to read images beside them."""

    origin: str  # what the user gave, for messages
    files: dict[str, bytes]  # "event" / "sessions" / "schedule.xml"... -> bytes
    read_asset: Callable[[str], bytes]
    labels: dict[str, str] = field(default_factory=dict)  # file key -> name shown in messages
    modified: float | None = None  # newest modification time of the data (epoch seconds)

    def label(self, key: str) -> str:
        """The name of a data file as the user knows it."""
        return self.labels.get(key, key)


def _strip_json(name: str) -> str:
    return name[:-5] if name.lower().endswith(".json") else name


def _safe_relpath(ref: str) -> str:
    """Turn "/images/x.jpg" or "images/x.jpg" into a clean relative path, refusing escapes."""
    shown = ref if len(ref) <= 80 else ref[:60] + "…"
    if "\x00" in ref or "\\" in ref or ":" in ref:
        raise InputError(f"image path {shown!r} is not a plain relative path")
    clean = posixpath.normpath(ref.lstrip("/"))
    if clean == ".." or clean.startswith("../") or clean in ("", "."):
        raise InputError(f"image path {shown!r} points outside the event folder")
    parts = clean.split("/")
    if len(clean.encode()) > MAX_PATH_BYTES or any(len(p.encode()) > 255 for p in parts):
        raise InputError(f"image path {shown!r} is too long")
    return clean


def read_folder(folder: Path, wanted: tuple[str, ...]) -> RawEvent:
    """Read the data files named in `wanted` (with or without .json) from a folder."""
    files: dict[str, bytes] = {}
    labels: dict[str, str] = {}
    mtimes: list[float] = []
    for entry in sorted(folder.iterdir()):
        key = _strip_json(entry.name)
        if key in wanted and entry.is_file() and key not in files:
            files[key] = _read_capped(entry)
            labels[key] = str(entry)
            mtimes.append(entry.stat().st_mtime)
    root = folder.resolve()

    def read_asset(ref: str) -> bytes:
        path = (root / _safe_relpath(ref)).resolve()
        if not path.is_relative_to(root):
            raise InputError(f"image path {ref!r} points outside the event folder")
        if not path.is_file():
            raise InputError(f"{ref} not found")
        return _read_capped(path)

    return RawEvent(str(folder), files, read_asset, labels, max(mtimes, default=None))


def read_file(path: Path) -> RawEvent:
    """A single schedule file; images beside it may be read too."""
    raw = read_folder(path.parent, ())
    raw.files = {path.name: _read_capped(path)}
    raw.labels = {path.name: str(path)}
    raw.origin = str(path)
    raw.modified = path.stat().st_mtime
    return raw


def _read_capped(path: Path) -> bytes:
    """A regular file's bytes, up to the cap (a device or a pipe never ends: refused)."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            raise InputError(f"{path} is not a regular file")
        with path.open("rb") as fh:
            data = fh.read(MAX_JSON_BYTES + 1)  # the size may change while we read
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if len(data) > MAX_JSON_BYTES:
        raise InputError(f"{path} is larger than {_mb(MAX_JSON_BYTES)}; refusing to read it")
    return data


def _mb(n: int) -> str:
    return f"{n / 1_000_000:g} MB"


def read_zip(path: Path, wanted: tuple[str, ...]) -> RawEvent:
    """Read a zip whose files sit at its root or inside one wrapping folder."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise InputError(f"{path}: not a readable zip file", str(exc)) from None
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if len(infos) > MAX_ZIP_ENTRIES:
            raise InputError(f"{path}: more than {MAX_ZIP_ENTRIES} entries; refusing to unpack")
        total = 0
        members: dict[str, bytes] = {}
        for info in infos:
            name = info.filename
            if name.startswith("__MACOSX/"):
                continue
            try:
                if name.startswith("/"):  # an absolute entry is an escape (zip-slip), not a path
                    raise InputError(name)
                clean = _safe_relpath(name)
            except InputError:
                raise InputError(f"{path}: entry {name!r} points outside the archive") from None
            if (info.external_attr >> 16) & 0o170000 == 0o120000:
                continue  # a symlink: never followed
            total += info.file_size
            if total > MAX_ZIP_BYTES:
                raise InputError(f"{path}: unpacks to more than {_mb(MAX_ZIP_BYTES)}; refusing")
            members[clean] = _read_member(zf, info, path)
    tops = {m.split("/", 1)[0] for m in members}
    prefix = ""
    if not any("/" not in m and _strip_json(m) in wanted for m in members) and len(tops) == 1:
        prefix = tops.pop() + "/"  # one wrapping folder
    files: dict[str, bytes] = {}
    labels: dict[str, str] = {}
    for name, data in members.items():
        if name.startswith(prefix) and "/" not in name[len(prefix) :]:
            key = _strip_json(name[len(prefix) :])
            if key in wanted and key not in files:
                files[key] = data
                labels[key] = f"{path}:{name}"

    def read_asset(ref: str) -> bytes:
        name = prefix + _safe_relpath(ref)
        if name not in members:
            raise InputError(f"{ref} not found in {path.name}")
        return members[name]

    return RawEvent(str(path), files, read_asset, labels, path.stat().st_mtime)


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path) -> bytes:
    """Read one member, trusting no header: stop at the declared size plus one byte."""
    try:
        with zf.open(info) as fh:
            data = fh.read(info.file_size + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        raise InputError(f"{path}: entry {info.filename!r} is damaged", str(exc)) from None
    except (NotImplementedError, RuntimeError) as exc:  # encrypted or unknown compression
        raise InputError(f"{path}: entry {info.filename!r} cannot be read", str(exc)) from None
    if len(data) > info.file_size:
        raise InputError(f"{path}: entry {info.filename!r} is larger than it claims; refusing")
    return data


def read_url(base: str, wanted: tuple[str, ...], required: tuple[str, ...]) -> RawEvent:
    """Fetch the data files from an http(s) base URL (`event` or `event.json`...)."""
    from ..fetch import fetch, host_unreachable, refused_by_us

    root = base if base.endswith("/") else base + "/"
    files: dict[str, bytes] = {}
    labels: dict[str, str] = {}
    for key in wanted:
        last_error: InputError | None = None
        for name in (key, key + ".json"):
            try:
                files[key] = fetch(root + name, timeout=DATA_TIMEOUT, max_bytes=MAX_JSON_BYTES)
                labels[key] = root + name
                break
            except InputError as exc:
                if host_unreachable(exc) or refused_by_us(exc):
                    raise  # the other files would only wait for the same host
                last_error = exc
        if key not in files and key in required and last_error is not None:
            raise InputError(f"could not read {key} from {root}", last_error.message)

    def read_asset(ref: str) -> bytes:
        return fetch(root + _safe_relpath(ref), timeout=ASSET_TIMEOUT)

    return RawEvent(root, files, read_asset, labels)


def parse_json(raw: RawEvent, key: str, warn: Callable[[str], None]) -> Any:
    """Parse a data file as JSON; errors name the file, the line and the column."""
    data = raw.files[key]
    label = raw.label(key)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        warn(f"{label}: not valid UTF-8 at byte {exc.start}; undecodable bytes were replaced")
        text = data.decode("utf-8-sig", errors="replace")
    stripped = text.lstrip()[:200].lower()
    if stripped.startswith(("<!doctype html", "<html")):
        raise InputError(f"{label}: is an HTML page, not JSON", "Check the file or URL.")
    try:
        # strict=False: real exports carry raw control characters inside strings.
        return json.loads(text, strict=False)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{label}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
            "Fix the file (a JSON validator shows the spot) and build again.",
        ) from None
    except RecursionError:
        raise InputError(
            f"{label}: JSON nested too deeply to read",
            "Real event data is a few levels deep; this file is damaged or not event data.",
        ) from None
    except ValueError as exc:  # e.g. a number of more than 4300 digits
        raise InputError(f"{label}: unreadable JSON: {exc}") from None
