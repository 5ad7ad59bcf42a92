"""Shared fixtures: small Open Event folders written into tmp_path, the corpus, a CLI runner."""

from __future__ import annotations

import copy
import functools
import http.server
import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from generator.cli import main

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
SAMPLE = ROOT / "sample_events" / "harbour-open-tech-2026"


def corpus_path(*parts: str) -> Path:
    """A path inside ../shared/corpus; the test is skipped when the corpus is absent."""
    path = CORPUS.joinpath(*parts)
    if not CORPUS.is_dir():
        pytest.skip(f"../shared/corpus not found at {CORPUS} (CI always has it)")
    return path


BASE_EVENT: dict[str, Any] = {
    "id": 7,
    "identifier": "abc123",
    "name": "Test Conf",
    "timezone": "Europe/Berlin",
    "starts-at": "2030-05-02T09:00:00+02:00",
    "ends-at": "2030-05-03T18:00:00+02:00",
    "description": "<p>About the conference.</p>",
    "location-name": "Somewhere 1, Berlin",
    "code-of-conduct": "Be **excellent** to each other.",
}


def session(sid: int, start: str, end: str, **extra: Any) -> dict[str, Any]:
    """A minimal accepted session."""
    data = {
        "id": sid,
        "title": f"Session {sid}",
        "starts-at": start,
        "ends-at": end,
        "state": "accepted",
        "track": {"id": 1, "name": "Main", "color": "#1565c0"},
        "microlocation": {"id": 1, "name": "Hall A"},
        "speakers": [{"id": 100 + sid, "name": f"Speaker {sid}"}],
    }
    data.update(extra)
    return data


def base_files() -> dict[str, Any]:
    """A tiny valid Open Event dataset, as a dict of file name -> JSON value."""
    return {
        "event": copy.deepcopy(BASE_EVENT),
        "sessions": [
            session(1, "2030-05-02T10:00:00+02:00", "2030-05-02T10:30:00+02:00"),
            session(2, "2030-05-02T11:00:00+02:00", "2030-05-02T11:45:00+02:00"),
            session(3, "2030-05-03T10:00:00+02:00", "2030-05-03T11:00:00+02:00"),
        ],
        "speakers": [
            {"id": 101, "name": "Speaker 1", "sessions": [{"id": 1}]},
            {"id": 102, "name": "Speaker 2", "sessions": [{"id": 2}]},
            {"id": 103, "name": "Speaker 3", "sessions": [{"id": 3}]},
        ],
        "tracks": [{"id": 1, "name": "Main", "color": "#1565c0"}],
        "microlocations": [{"id": 1, "name": "Hall A"}],
        "sponsors": [],
    }


def write_event(folder: Path, files: dict[str, Any], suffix: str = "") -> Path:
    """Write each dataset file as JSON into `folder` (created)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, value in files.items():
        text = value if isinstance(value, str | bytes) else json.dumps(value, indent=1)
        target = folder / (name + suffix)
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Path]]:
    """A plain http server on 127.0.0.1 (a free port) serving tmp_path/www: (root URL, folder)."""
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("no_proxy", "*")
    root = tmp_path / "www"
    root.mkdir()

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(root))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", root
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def event_dir(tmp_path: Path) -> Path:
    """A tiny valid event in tmp_path/event."""
    return write_event(tmp_path / "event", base_files())


class CliResult:
    """Exit code and captured output of one CLI run."""

    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    @property
    def text(self) -> str:
        """Everything printed."""
        return self.out + self.err


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]):
    """Run generator.cli.main(argv) and capture what it printed."""

    def run(*argv: str) -> CliResult:
        code = main([str(a) for a in argv])
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


def all_files(folder: Path) -> dict[str, bytes]:
    """Every file below `folder`, by relative path."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


_LINK = re.compile(r"""(?:href|src)="([^"]+)"|srcset="([^"]+)\"""")


def broken_local_links(site: Path) -> list[str]:
    """Every local href/src/srcset in the site's HTML that points at no file."""
    from bs4 import BeautifulSoup

    broken = []
    for page in site.rglob("*.html"):
        if page.name == "404.html":
            continue  # its links are written for any depth
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        refs = [t.get("href") for t in soup.find_all(href=True)]
        refs += [t.get("src") for t in soup.find_all(src=True)]
        for tag in soup.find_all(srcset=True):
            refs += [part.strip().split(" ")[0] for part in tag["srcset"].split(",")]
        for ref in refs:
            parts = urlsplit(ref)
            if parts.scheme or ref.startswith(("//", "#")) or not parts.path:
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(site)} -> {ref}")
    return broken
