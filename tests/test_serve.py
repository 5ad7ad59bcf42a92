"""serve: build into a temporary folder, watch, rebuild, show errors, reload; stop cleanly."""

from __future__ import annotations

import asyncio
import http.client
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest

from generator.config import Config
from generator.log import BuildLog
from generator.serve import Preview, ServeError, Watch, is_ignored, watches_for

from .conftest import ROOT, SAMPLE

OLD_TITLE = "Opening: welcome to the harbour"
NEW_TITLE = "Opening: welcome aboard the preview"
WAIT = 30.0  # seconds; a deadline, not a pause


@pytest.fixture
def event(tmp_path: Path) -> Path:
    """The sample event, copied so the test may edit it."""
    return Path(shutil.copytree(SAMPLE, tmp_path / "event"))


@pytest.fixture
def theme(tmp_path: Path) -> Path:
    """The default theme, copied: edits to the shared theme must not rebuild this preview."""
    return Path(shutil.copytree(ROOT / "themes" / "default", tmp_path / "theme"))


@contextmanager
def running(source: Path, theme: Path, **kw: object) -> Iterator[tuple[Preview, io.StringIO]]:
    """A started preview on a free port of 127.0.0.1; stopped afterwards whatever happens."""
    stream = io.StringIO()
    flags = {"source": str(source), "theme": str(theme), "no_remote": True}
    preview = Preview(flags, BuildLog(stream=stream), port=0, **kw)  # type: ignore[arg-type]
    preview.start()
    try:
        yield preview, stream
    finally:
        preview.stop()


def fetch(url: str) -> tuple[int, str, dict[str, str]]:
    """Status, body and headers, for error statuses too."""
    try:
        with urllib.request.urlopen(url, timeout=WAIT) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(), dict(exc.headers)


def rebuilt(preview: Preview, count: int) -> None:
    """Wait until `count` builds have finished and nothing is pending."""
    assert preview.wait_until(lambda: preview.builds >= count and preview.idle(), WAIT), (
        f"{preview.builds} builds after {WAIT} s, wanted {count}"
    )
    assert preview.builds == count


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_serves_a_temporary_build_with_the_reload_script_and_no_worker(
    event: Path, theme: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with running(event, theme) as (preview, _):
        assert preview.url.startswith("http://127.0.0.1:")
        status, page, headers = fetch(preview.url)
        assert status == 200 and OLD_TITLE in fetch(preview.url + "schedule.html")[1]
        assert '<script src="/livereload.js?port=' in page
        assert '<script src="/__eventsite__/preview.js" defer></script></head>' in page
        assert "sw-register.js" not in page  # the service worker is never registered
        assert headers["Cache-Control"] == "no-store"
        # The reload script is added to responses, not to the files on disk.
        root = preview.served.root
        assert root is not None and root.is_relative_to(preview.tmp)  # type: ignore[arg-type]
        assert "livereload" not in (root / "index.html").read_text(encoding="utf-8")
        status, script, headers = fetch(preview.url + "livereload.js")
        assert status == 200 and "LiveReload" in script and "javascript" in headers["Content-Type"]
        status, css, headers = fetch(preview.url + "assets/css/site.css")
        assert (
            status == 200
            and "livereload" not in css
            and headers["Content-Type"].startswith("text/css")
        )
        status, page, _ = fetch(preview.url + "sessions/no-such-page.html")
        assert status == 404 and f'href="{preview.url}assets/css/site.css"' in page
        conn = http.client.HTTPConnection("127.0.0.1", preview.port, timeout=WAIT)
        conn.request("GET", "/%2e%2e/%2e%2e/etc/passwd")
        assert conn.getresponse().status == 404
        conn.close()
    assert not (tmp_path / "_site").exists()


def test_edit_rebuilds_a_broken_file_shows_its_error_and_a_fix_recovers(
    tmp_path: Path, theme: Path
) -> None:
    # A folder name that needs escaping shows the error page escapes the message.
    event = Path(shutil.copytree(SAMPLE, tmp_path / "event & <co>"))
    with running(event, theme) as (preview, terminal):
        edit(event / "sessions", OLD_TITLE, NEW_TITLE)
        rebuilt(preview, 2)
        status, page, _ = fetch(preview.url + "schedule.html")
        assert status == 200 and NEW_TITLE in page and OLD_TITLE not in page

        edit(event / "sessions", '"title"', '"title" "')  # invalid JSON
        rebuilt(preview, 3)
        status, page, _ = fetch(preview.url + "schedule.html")
        assert status == 500
        assert "event &amp; &lt;co&gt;/sessions: invalid JSON at line 4, column" in page
        assert "Fix the file (a JSON validator shows the spot)" in page
        assert '<script src="/livereload.js?port=' in page  # so the fix reloads this page
        assert fetch(preview.url + "assets/css/site.css")[0] == 200  # the last good build stays
        assert "event & <co>/sessions: invalid JSON at line 4, column" in terminal.getvalue()

        edit(event / "sessions", '"title" "', '"title"')
        rebuilt(preview, 4)
        status, page, _ = fetch(preview.url + "schedule.html")
        assert status == 200 and NEW_TITLE in page


def test_a_burst_of_saves_gives_one_rebuild_and_editor_files_none(
    event: Path, theme: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(event)  # so the default output, _site, lies inside the watched folder
    with running(event, theme) as (preview, _):
        for name in (".#sessions", "sessions.swp", ".sessions.swx", "4913", "sessions~", "a.tmp"):
            (event / name).write_text("editor scratch")
        (event / ".git").mkdir()
        (event / ".git" / "index").write_text("not ours")
        (event / "_site").mkdir()
        (event / "_site" / "index.html").write_text("another build")
        edit(event / "sessions", OLD_TITLE, NEW_TITLE)
        edit(event / "tracks", '"name"', '"name"')
        edit(event / "speakers", '"name"', '"name"')
        rebuilt(preview, 2)
        assert preview.batches == [[], ["sessions", "speakers", "tracks"]]


def test_theme_and_its_parents_and_the_config_file_are_watched(tmp_path: Path) -> None:
    event = Path(shutil.copytree(SAMPLE, tmp_path / "event"))
    child = tmp_path / "child"
    (child / "static" / "js").mkdir(parents=True)
    (child / "theme.toml").write_text('name = "Child"\nextends = "default"\n')
    found = watches_for(Config(source=str(event), output=tmp_path / "out", theme=str(child)))
    assert found == {Watch(event), Watch(child), Watch(ROOT / "themes" / "default")}
    schedule = tmp_path / "data" / "schedule.zip"
    found = watches_for(Config(source=str(schedule), output=tmp_path / "out"))
    assert Watch(schedule.parent, False, frozenset({"schedule.zip", "eventsite.toml"})) in found

    with running(event, child) as (preview, _):
        (child / "static" / "js" / "extra.js").write_text("// added by the theme")
        rebuilt(preview, 2)
        assert fetch(preview.url + "assets/js/extra.js")[1] == "// added by the theme"
        (event / "eventsite.toml").write_text('timezone = "No/Such_Zone"\n')
        rebuilt(preview, 3)
        status, page, _ = fetch(preview.url)
        assert status == 500 and "unknown time zone &#x27;No/Such_Zone&#x27;" in page
    assert preview.batches[1:] == [["static/js/extra.js"], ["eventsite.toml"]]


@pytest.mark.parametrize(
    ("path", "ignored"),
    [
        ("sessions", False),
        ("images/logo.png", False),
        ("sessions.swp", True),
        (".sessions.swp", True),
        ("sessions~", True),
        (".#sessions", True),
        ("4913", True),
        ("x.tmp", True),
        (".git/index", True),
        ("images/.DS_Store", True),
    ],
)
def test_editor_files_and_dotfiles_are_ignored(path: str, ignored: bool) -> None:
    assert is_ignored(path) is ignored


def test_reload_message_reaches_a_same_origin_browser_only(event: Path, theme: Path) -> None:
    from tornado.httpclient import HTTPClientError, HTTPRequest
    from tornado.websocket import websocket_connect

    with running(event, theme) as (preview, _):
        ws_url = f"ws://127.0.0.1:{preview.port}/livereload"

        async def talk() -> dict:
            with pytest.raises(HTTPClientError, match="403"):
                await websocket_connect(HTTPRequest(ws_url, headers={"Origin": "http://evil.test"}))
            ws = await websocket_connect(ws_url)
            hello = {
                "command": "hello",
                "protocols": ["http://livereload.com/protocols/official-7"],
            }
            await ws.write_message(json.dumps(hello))
            assert json.loads(await ws.read_message())["command"] == "hello"  # type: ignore[arg-type]
            await ws.write_message(json.dumps({"command": "info", "url": preview.url}))
            assert await asyncio.to_thread(preview.wait_until, lambda: preview.clients == 1, WAIT)
            await asyncio.to_thread(edit, event / "sessions", OLD_TITLE, NEW_TITLE)
            message = await asyncio.wait_for(ws.read_message(), WAIT)
            ws.close()
            return json.loads(message)  # type: ignore[arg-type]

        # Its own thread and loop: browser tests may keep Playwright's loop in this thread.
        with ThreadPoolExecutor(1) as pool:
            assert pool.submit(lambda: asyncio.run(talk())).result()["command"] == "reload"
        assert preview.reloads == 1


def test_stop_leaves_no_thread_socket_or_folder(event: Path, theme: Path) -> None:
    before = set(threading.enumerate())
    with running(event, theme) as (preview, _):
        tmp, port = preview.tmp, preview.port
        assert tmp is not None and tmp.is_dir()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT)
        conn.request("GET", "/")  # a keep-alive connection still open at stop
        assert conn.getresponse().read()
        assert len(set(threading.enumerate()) - before) >= 3  # observer, builder, server
    assert set(threading.enumerate()) == before
    assert not tmp.exists()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=WAIT)
    conn.close()


def test_a_busy_port_is_refused_clearly_or_the_next_one_is_taken(event: Path, theme: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        before = set(threading.enumerate())
        stream = io.StringIO()
        flags = {"source": str(event), "theme": str(theme), "no_remote": True}
        preview = Preview(flags, BuildLog(stream=stream), port=port)
        with pytest.raises(ServeError, match=f"port {port} on 127.0.0.1 already in use") as info:
            preview.start()
        assert "--port" in info.value.details
        assert set(threading.enumerate()) == before and preview.tmp is None

        preview = Preview(flags, BuildLog(stream=stream), port=port, next_free_port=True)
        preview.start()
        try:
            assert preview.port > port and fetch(preview.url)[0] == 200
            assert f"port {port} is busy; using port {preview.port} instead" in stream.getvalue()
        finally:
            preview.stop()


def test_ctrl_c_stops_the_command_and_removes_its_folder(
    event: Path, theme: Path, tmp_path: Path
) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    with socket.socket() as probe:  # a port that was free a moment ago
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    script = (
        "import argparse, sys\n"
        "from generator.cli import _source_and_build_flags\n"
        "from generator.log import BuildLog\n"
        "from generator.serve import add_serve_parser, run_serve\n"
        "p = argparse.ArgumentParser()\n"
        "add_serve_parser(p.add_subparsers(dest='command'), _source_and_build_flags)\n"
        "sys.exit(run_serve(p.parse_args(sys.argv[1:]), BuildLog()))\n"
    )
    argv = ["serve", str(event), "--theme", str(theme), "--no-remote", "--port", str(port)]
    env = {**os.environ, "TMPDIR": str(temp), "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", script, *argv], env=env, stderr=subprocess.PIPE, text=True
    )
    watchdog = threading.Timer(2 * WAIT, proc.kill)  # a hung server fails the test, not the run
    watchdog.start()
    try:
        lines = []
        for line in proc.stderr:  # type: ignore[union-attr]
            lines.append(line)
            if "Serving http://" in line:
                break
        assert f"Serving http://127.0.0.1:{port}/" in "".join(lines)
        assert next(p.name for p in temp.iterdir()).startswith("eventsite-serve-")
        assert fetch(f"http://127.0.0.1:{port}/")[0] == 200
        proc.send_signal(signal.SIGINT)
        rest = proc.stderr.read()  # type: ignore[union-attr]
        assert proc.wait(WAIT) == 0, rest
    finally:
        watchdog.cancel()
        proc.kill()
        proc.wait()
    assert "Preview stopped" in rest and "Traceback" not in rest
    assert list(temp.iterdir()) == []
