"""Hostile names, archives and downloads: nothing is written outside the output, no page
overwrites another, and every broken archive or URL gives a clear error or a warning."""

from __future__ import annotations

import http.server
import io
import json
import os
import struct
import threading
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from generator.assets import images
from generator.sources import loader

from .conftest import base_files, write_event

LONG = "x" * 10_000
NASTY_IDS = ["../../etc/passwd", "/etc/passwd", "C:\\Windows\\win.ini", "a\x00b", LONG]
CASES = ["Case", "case", "CASE"]
NASTY_PATHS = [
    "../../etc/passwd",
    "/../../../etc/passwd",
    "/etc/passwd",
    "C:\\Windows\\win.ini",
    "C:/Windows/win.ini",
    "images/a\x00b.jpg",
    "images/" + LONG + ".jpg",
    "images/" + "d/" * 2000 + "x.jpg",
    "file:///etc/passwd",
    "\\\\server\\share\\x.jpg",
]
FIXED_PAGES = 8  # index schedule tracks rooms speakers coc offline 404


def written(out: Path) -> list[Path]:
    """Every file below `out`, failing on anything that leads out of it."""
    files = []
    root = out.resolve()
    for folder, dirs, names in os.walk(out):
        for name in dirs + names:
            path = Path(folder) / name
            assert not path.is_symlink(), path
            assert path.resolve().is_relative_to(root), path
            assert len(name.encode()) <= 255, name[:80]
        files += [Path(folder) / n for n in names]
    return files


def nasty_event() -> dict[str, Any]:
    """Sessions, speakers, tracks, rooms and sponsors named to escape or collide."""
    files = base_files()
    ids = NASTY_IDS + CASES
    files["sessions"] = [
        {
            "id": sid,
            "state": "accepted",
            "starts-at": f"2030-05-02T{10 + i % 8:02d}:00:00+02:00",
            "ends-at": f"2030-05-02T{10 + i % 8:02d}:30:00+02:00",
            "title": ["Same Title", "same title", "../../../../tmp/evil", "C:\\x", LONG][i % 5],
            "track": {"id": ids[i % len(ids)], "name": ["Main", "MAIN", "../t", LONG][i % 4]},
            "microlocation": {"id": ids[-1 - i % 3], "name": ["Hall", "HALL", "/etc"][i % 3]},
            "speakers": [{"id": sid + "-sp"}, {"id": "shared"}],
        }
        for i, sid in enumerate(ids)
    ]
    files["sessions"].append({**files["sessions"][0], "title": "duplicate id"})
    names = ["Ada", "ada", "ADA", "../../ada", LONG, "C:\\ada", "a\x00da", "/ada"]
    files["speakers"] = [
        {
            "id": sid + "-sp",
            "name": names[i % len(names)],
            "photo-url": NASTY_PATHS[i % len(NASTY_PATHS)],
        }
        for i, sid in enumerate(ids)
    ] + [{"id": "shared", "name": "Ada", "photo-url": NASTY_PATHS[-1]}]
    files["tracks"] = []
    files["microlocations"] = []
    files["sponsors"] = [
        {"id": sid, "name": names[i % len(names)], "level": 1, "logo-url": NASTY_PATHS[i]}
        for i, sid in enumerate(ids[: len(NASTY_PATHS)])
    ] + [{"id": ids[0], "name": "Same id", "level": 2}]
    files["event"]["identifier"] = "../../" + LONG
    files["event"]["logo-url"] = "../../../etc/passwd"
    return files


def test_nasty_names_stay_inside_and_never_collide(tmp_path: Path, run_cli) -> None:
    src = write_event(tmp_path / "ev", nasty_event())
    out = tmp_path / "site"
    result = run_cli(src, "-o", out)
    assert result.code == 0, result.text
    assert "repeats id ../../etc/passwd; left out" in result.text
    files = written(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".eventsite-cache", "ev", "site"]
    sessions = sorted((out / "sessions").iterdir())
    speakers = sorted((out / "speakers").iterdir())
    assert len(sessions) == len(NASTY_IDS + CASES)  # the duplicate id is left out
    assert len(speakers) == len(NASTY_IDS + CASES) + 1  # "shared" too
    assert len({p.name.lower() for p in sessions}) == len(sessions)
    assert len({p.name.lower() for p in speakers}) == len(speakers)
    pages = [p for p in files if p.suffix == ".html"]
    assert len(pages) == FIXED_PAGES + len(sessions) + len(speakers)
    # Every photo fell back to a placeholder with a warning; no file of the system was read.
    blob = b"".join(p.read_bytes() for p in files)
    assert b"root:x:0:0" not in blob
    assert result.text.count("using a placeholder") == len(speakers)
    for name in (".eventsite-cache", "ev"):
        assert not list((tmp_path / name).rglob("*passwd*"))


def test_nasty_names_in_a_schedule_file(tmp_path: Path, run_cli) -> None:
    """C3VOC: room, track and person names that look like paths, or differ only in case."""
    events = [
        {
            "id": sid,
            "guid": f"0b7b9f0e-3c4f-4c55-9a53-2f7d3d6f{i:04d}",
            "date": f"2030-03-01T{10 + i}:00:00+01:00",
            "duration": "00:30",
            "room": ["../../r", "R", "r", LONG][i % 4],
            "title": "../../same",
            "track": ["../t", "T", "t"][i % 3],
            "persons": [{"public_name": ["Ada", "ADA", "../ada", "/ada", LONG][i % 5]}],
        }
        for i, sid in enumerate(NASTY_IDS + CASES)
    ]
    days = [{"index": 1, "date": "2030-03-01", "rooms": {"x": events}}]
    doc = {"schedule": {"conference": {"title": "T", "time_zone_name": "UTC", "days": days}}}
    (tmp_path / "schedule.json").write_text(json.dumps(doc))
    out = tmp_path / "site"
    result = run_cli(tmp_path / "schedule.json", "-o", out)
    assert result.code == 0, result.text
    files = written(out)
    assert len(list((out / "sessions").iterdir())) == len(events)
    assert len([p for p in files if p.suffix == ".ics"]) == 1 + 3 + len(events)


# ---- archives -------------------------------------------------------------------------------


def make_zip(path: Path, extra: dict[str, bytes] | None = None, **kw: Any) -> Path:
    """A zip of the tiny event, plus `extra` entries."""
    with zipfile.ZipFile(path, "w", **kw) as zf:
        for name, value in base_files().items():
            zf.writestr(name, json.dumps(value))
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return path


@pytest.mark.parametrize(
    "name", ["../evil.txt", "a/../../evil.txt", "..\\..\\evil.txt", "/etc/evil", "C:/evil"]
)
def test_zip_entries_leaving_the_archive_are_refused(tmp_path: Path, run_cli, name: str) -> None:
    archive = make_zip(tmp_path / "event.zip", {name: b"x"})
    result = run_cli(archive, "-o", tmp_path / "site")
    assert result.code == 1
    assert f"entry {name!r} points outside the archive" in result.text
    assert not (tmp_path / "site").exists()


def test_zip_symlink_is_never_followed(tmp_path: Path, run_cli) -> None:
    files = base_files()
    files["speakers"][0]["photo-url"] = "/images/ada.jpg"
    archive = tmp_path / "event.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name, value in files.items():
            zf.writestr(name, json.dumps(value))
        link = zipfile.ZipInfo("images/ada.jpg")
        link.external_attr = (0o120777 << 16) | 0x20
        zf.writestr(link, "/etc/passwd")
    result = run_cli(archive, "-o", tmp_path / "site")
    assert result.code == 0, result.text
    assert "images/ada.jpg not found in event.zip; using a placeholder" in result.text


@pytest.mark.parametrize(
    ("limit", "value", "message"),
    [
        ("MAX_ZIP_BYTES", 2_000, "unpacks to more than 0.002 MB; refusing"),
        ("MAX_ZIP_ENTRIES", 5, "more than 5 entries; refusing to unpack"),
    ],
)
def test_zip_bomb_caps(
    tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch, limit: str, value: int, message: str
) -> None:
    # A real bomb: tiny compressed, large unpacked (the caps are lowered to keep the test fast).
    archive = make_zip(
        tmp_path / "event.zip",
        {"bomb": b"\0" * 50_000},
        compression=zipfile.ZIP_DEFLATED,
    )
    assert archive.stat().st_size < 5_000
    monkeypatch.setattr(loader, limit, value)
    result = run_cli(archive, "-o", tmp_path / "site")
    assert result.code == 1
    assert f"{archive}: {message}" in result.text


def _patch_zip(data: bytes, name: str, **fields: int) -> bytes:
    """Rewrite fields of `name`'s local and central headers (usize, flags), keeping the rest."""
    buf = bytearray(data)
    offsets = {"flags": (6, 8), "usize": (22, 24)}  # local header, central header
    at = 0
    while (at := buf.find(b"PK\x03\x04", at)) >= 0:
        n = struct.unpack_from("<H", buf, at + 26)[0]
        if buf[at + 30 : at + 30 + n] == name.encode():
            for f, v in fields.items():
                struct.pack_into("<H" if f == "flags" else "<I", buf, at + offsets[f][0], v)
        at += 4
    at = 0
    while (at := buf.find(b"PK\x01\x02", at)) >= 0:
        n = struct.unpack_from("<H", buf, at + 28)[0]
        if buf[at + 46 : at + 46 + n] == name.encode():
            for f, v in fields.items():
                struct.pack_into("<H" if f == "flags" else "<I", buf, at + offsets[f][1], v)
        at += 4
    return bytes(buf)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        # zipfile stops at the declared size, so the lie shows as a checksum error.
        ({"usize": 10}, "entry 'big' is damaged"),
        ({"flags": 1}, "entry 'big' cannot be read"),
    ],
)
def test_zip_entries_that_lie_or_are_locked(
    tmp_path: Path, run_cli, fields: dict[str, int], message: str
) -> None:
    archive = make_zip(tmp_path / "event.zip", {"big": b"y" * 5_000}, compression=8)
    archive.write_bytes(_patch_zip(archive.read_bytes(), "big", **fields))
    result = run_cli(archive, "-o", tmp_path / "site")
    assert result.code == 1
    assert message in result.text


def test_zip_with_a_damaged_entry(tmp_path: Path, run_cli) -> None:
    archive = make_zip(tmp_path / "event.zip", {"big": os.urandom(3000)}, compression=8)
    data = bytearray(archive.read_bytes())
    at = data.find(b"big") + 3 + 20  # inside the compressed stream of "big"
    data[at : at + 40] = b"\xff" * 40
    archive.write_bytes(bytes(data))
    result = run_cli(archive, "-o", tmp_path / "site")
    assert result.code == 1
    assert "entry 'big' is damaged" in result.text


def test_not_a_zip(tmp_path: Path, run_cli) -> None:
    archive = tmp_path / "event.zip"
    archive.write_bytes(b"PK\x03\x04 this is no archive")
    result = run_cli(archive, "-o", tmp_path / "site")
    assert result.code == 1
    assert f"{archive}: not a readable zip file" in result.text


def png_bomb(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width` x `height` pixels."""
    buf = io.BytesIO()
    Image.new("RGB", (1, 1)).save(buf, "PNG")
    data = bytearray(buf.getvalue())
    ihdr = data.find(b"IHDR")
    struct.pack_into(">II", data, ihdr + 4, width, height)
    crc = zlib.crc32(bytes(data[ihdr : ihdr + 17]))
    struct.pack_into(">I", data, ihdr + 17, crc)
    return bytes(data)


def test_decompression_bomb_photo_gets_a_placeholder(tmp_path: Path, run_cli) -> None:
    files = base_files()
    files["speakers"][0]["photo-url"] = "/images/bomb.png"
    src = write_event(tmp_path / "ev", files)
    (src / "images").mkdir()
    (src / "images/bomb.png").write_bytes(png_bomb(100_000, 100_000))
    result = run_cli(src, "-o", tmp_path / "site")
    assert result.code == 0, result.text
    assert "/images/bomb.png" in result.text and "megapixels" in result.text
    assert "using a placeholder" in result.text


# ---- downloads (every server binds 127.0.0.1 only) ------------------------------------------


@pytest.fixture
def server() -> Iterator[Callable[[dict[str, Callable[[Any], None]]], str]]:
    """Start a 127.0.0.1 server whose paths are answered by the given handlers."""
    started: list[http.server.ThreadingHTTPServer] = []
    release = threading.Event()

    def start(routes: dict[str, Callable[[Any], None]]) -> str:
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                route = routes.get(self.path)
                if route is None:
                    self.send_error(404)
                else:
                    route(self)

            def log_message(self, *args: object) -> None:
                pass

        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        httpd.release = release  # type: ignore[attr-defined]
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        started.append(httpd)
        return f"http://127.0.0.1:{httpd.server_address[1]}/"

    yield start
    release.set()
    for httpd in started:
        httpd.shutdown()
        httpd.server_close()


def body(data: bytes, ctype: str = "application/json") -> Callable[[Any], None]:
    def answer(h: Any) -> None:
        h.send_response(200)
        h.send_header("Content-Type", ctype)
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)

    return answer


def redirect(location: str) -> Callable[[Any], None]:
    def answer(h: Any) -> None:
        h.send_response(302)
        h.send_header("Location", location)
        h.send_header("Content-Length", "0")
        h.end_headers()

    return answer


def stall(h: Any) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "application/json")
    h.end_headers()
    h.wfile.write(b'{"schedule": ')
    h.wfile.flush()
    h.server.release.wait(10)


SCHEDULE = (Path(__file__).parent / "fixtures/formats/c3voc-no-zone.schedule.json").read_bytes()
HTML = b"<!doctype html><html><body><h1>Welcome</h1></body></html>"


@pytest.mark.parametrize(
    ("routes", "path", "message"),
    [
        ({"/s.json": stall}, "s.json", "s.json: timed out after 1 s"),
        ({"/s.json": body(SCHEDULE * 10)}, "s.json", "the file is larger than 0.01 MB"),
        (
            {"/s.json": redirect("file:///etc/passwd")},
            "s.json",
            "it redirects to file:///etc/passwd, which is not an http(s) URL",
        ),
        ({"/s.json": body(HTML, "text/html")}, "s.json", "s.json: is an HTML page, not event data"),
        (
            {"/ev/event": body(HTML, "text/html"), "/ev/sessions": body(b"[]")},
            "ev/",
            "ev/event: is an HTML page, not JSON",
        ),
        ({"/ev/event": stall}, "ev/", "ev/event: timed out after 1 s"),
    ],
    ids=["slow", "huge", "redirect-to-file", "html-not-json", "html-event-file", "slow-base"],
)
def test_bad_downloads_are_clear_errors(
    tmp_path: Path,
    run_cli,
    monkeypatch: pytest.MonkeyPatch,
    server: Callable,
    routes: dict,
    path: str,
    message: str,
) -> None:
    monkeypatch.setattr(loader, "DATA_TIMEOUT", 1.0)
    monkeypatch.setattr(loader, "MAX_JSON_BYTES", 10_000)
    base = server(routes)
    t0 = time.monotonic()
    result = run_cli(base + path, "-o", tmp_path / "site", "--timezone", "UTC")
    assert result.code == 1
    assert message in result.text, result.text
    assert "internal error" not in result.text
    assert time.monotonic() - t0 < 5  # one timeout, not one per file it might have been
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize(
    ("route", "reason"),
    [
        (redirect("file:///etc/passwd"), "not an http(s) URL"),
        (body(HTML, "text/html"), "photo"),
        (body(b"\x89PNG" + b"0" * 5_000, "image/png"), "larger than 0.001 MB"),
    ],
    ids=["redirect-to-file", "html-not-image", "huge"],
)
def test_bad_remote_photos_get_placeholders(
    tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch, server: Callable, route, reason: str
) -> None:
    monkeypatch.setattr(images, "MAX_BYTES", 1_000)
    base = server({"/ada.png": route})
    files = base_files()
    files["speakers"][0]["photo-url"] = base + "ada.png"
    result = run_cli(write_event(tmp_path / "ev", files), "-o", tmp_path / "site")
    assert result.code == 0, result.text
    assert reason in result.text and "using a placeholder" in result.text


@pytest.mark.parametrize("kind", ["device", "fifo", "too-large", "too-large-in-folder"])
def test_local_sources_that_never_end_or_are_too_large(
    tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    monkeypatch.setattr(loader, "MAX_JSON_BYTES", 1_000)
    if kind == "device":
        source = Path("/dev/zero")
        message = "/dev/zero is not a regular file"
    elif kind == "fifo":
        source = tmp_path / "schedule.json"
        os.mkfifo(source)
        message = f"{source} is not a regular file"
    elif kind == "too-large":
        source = tmp_path / "schedule.json"
        source.write_bytes(SCHEDULE)
        message = f"{source} is larger than 0.001 MB; refusing to read it"
    else:
        source = write_event(tmp_path / "ev", {**base_files(), "event": "x" * 2_000})
        message = f"{source / 'event'} is larger than 0.001 MB; refusing to read it"
    result = run_cli(source, "-o", tmp_path / "site")
    assert result.code == 1
    assert message in result.text
