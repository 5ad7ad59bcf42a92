"""The preview server: build into a temporary folder, watch, rebuild, reload the browsers."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import errno
import gc
import html
import mimetypes
import os
import shutil
import signal
import socket
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from tornado import httpserver, netutil, web
from tornado.ioloop import IOLoop
from tornado.websocket import WebSocketHandler
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from . import config as config_mod
from .errors import EventsiteError
from .log import BuildLog

DEBOUNCE = 0.15  # seconds of quiet after the last change before rebuilding
COLLECT_WHEN_IDLE = 1.0  # seconds without a change after a build before collecting garbage
PORT_TRIES = 20  # without --port, try 8000..8019
PREFIX = "/__eventsite__/"
SCRIPTS = (
    '<script src="/livereload.js?port={port}" defer></script>'
    f'<script src="{PREFIX}preview.js" defer></script>'
)
# Restores the scroll position after a reload (only after a reload, not after following a link).
PREVIEW_JS = """\
(function () {
  var key = "eventsite-preview-scroll:" + location.pathname;
  var nav = performance.getEntriesByType("navigation")[0];
  var saved = sessionStorage.getItem(key);
  sessionStorage.removeItem(key);
  function restore() {
    if (saved) window.scrollTo(+saved.split(",")[0], +saved.split(",")[1]);
  }
  if (nav && nav.type === "reload") {
    restore();
    addEventListener("load", restore);
  }
  addEventListener("pagehide", function () {
    sessionStorage.setItem(key, scrollX + "," + scrollY);
  });
})();
"""
PREVIEW_CSS = """\
body.eventsite-build-error { margin: 0; font: 16px/1.5 system-ui, sans-serif; background: #fff8f7;
  color: #3b0d0c; }
.eventsite-build-error main { max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
.eventsite-build-error h1 { color: #b3261e; }
.eventsite-build-error h2 { font-size: 1.1rem; overflow-wrap: anywhere; }
.eventsite-build-error pre { white-space: pre-wrap; background: #fff; padding: 1rem;
  border-left: 4px solid #b3261e; overflow-wrap: anywhere; }
"""
FAILED_ICON = (  # a red tab icon while the build is broken
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">'
    '<circle cx="8" cy="8" r="7" fill="#b3261e"/></svg>'
)
# A worker a real deploy may have left on this origin replaces itself with nothing.
UNREGISTER_SW = """\
self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (e) { e.waitUntil(self.registration.unregister()); });
"""
ERROR_PAGE = """\
<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Build failed · eventsite preview</title>
<link rel="stylesheet" href="{prefix}preview.css">
<link rel="icon" href="{prefix}failed.svg">
</head><body class="eventsite-build-error"><main>
<h1>The build failed</h1>
<p>The preview shows this page until the problem is fixed; it reloads by itself when you save.</p>
{errors}
</main></body></html>
"""
_IGNORED_NAMES = {"4913"}  # vim's probe file
_IGNORED_ENDINGS = (".swp", ".swo", ".swx", "~", ".tmp", "___jb_tmp___", "___jb_old___")


class ServeError(EventsiteError):
    """The preview server cannot start."""


def is_ignored(rel: str) -> bool:
    """An editor's temporary file, a dotfile or a file inside a dot folder (path relative)."""
    parts = rel.replace("\\", "/").split("/")
    name = parts[-1]
    return (
        any(p.startswith(".") for p in parts)
        or name in _IGNORED_NAMES
        or name.endswith(_IGNORED_ENDINGS)
    )


@dataclass(frozen=True)
class Watch:
    """A folder to watch; `only` limits it to some names (a schedule file and eventsite.toml)."""

    root: Path
    recursive: bool = True
    only: frozenset[str] | None = None


def watches_for(cfg: config_mod.Config) -> set[Watch]:
    """The event source (folder or file, with its eventsite.toml) and the theme with its parents."""
    from .theme import load_theme  # jinja2 loads only when serving, not for every command line

    found: set[Watch] = set()
    if not cfg.is_url:
        src = Path(cfg.source).resolve()
        if src.is_dir():
            found.add(Watch(src))
        else:
            found.add(Watch(src.parent, False, frozenset({src.name, config_mod.CONFIG_FILE})))
    found.update(Watch(folder.resolve()) for folder in load_theme(cfg.theme).chain)
    return found


class _Changes(FileSystemEventHandler):
    """Passes relevant file changes under one watch on to the preview."""

    def __init__(self, watch: Watch, skip: list[Path], notify: Callable[[str], None]) -> None:
        self.watch, self.skip, self.notify = watch, skip, notify

    def relevant(self, path: str) -> bool:
        """The file belongs to the watch and is not ignored."""
        p = Path(os.fsdecode(path))
        if not p.is_relative_to(self.watch.root) or any(p.is_relative_to(s) for s in self.skip):
            return False
        rel = p.relative_to(self.watch.root).as_posix()
        if self.watch.only is not None and rel not in self.watch.only:
            return False
        return rel != "." and not is_ignored(rel)

    def on_any_event(self, event: FileSystemEvent) -> None:
        """Report a change; reads (open, close without writing) and folder mtimes are not ones."""
        if event.event_type in ("opened", "closed_no_write") or (
            event.is_directory and event.event_type == "modified"
        ):
            return
        for path in (event.src_path, event.dest_path):
            if path and self.relevant(path):
                self.notify(Path(os.fsdecode(path)).relative_to(self.watch.root).as_posix())
                return


class _ReloadSocket(LiveReloadHandler):
    """livereload's WebSocket handshake; browsers kept per preview; same origin only."""

    def initialize(self, preview: Preview) -> None:
        self.preview = preview

    def check_origin(self, origin: str) -> bool:
        return WebSocketHandler.check_origin(self, origin)  # livereload allows any origin

    def on_message(self, message: str | bytes) -> None:
        super().on_message(message)
        # livereload registers browsers on a class attribute shared by every server; move it.
        if self in LiveReloadHandler.waiters:
            LiveReloadHandler.waiters.discard(self)
            self.preview._client(self, True)

    def on_close(self) -> None:
        LiveReloadHandler.waiters.discard(self)
        self.preview._client(self, False)


class _Text(web.RequestHandler):
    """A fixed text response (the preview's own script, style and worker)."""

    def initialize(self, body: str, ctype: str) -> None:
        self.body, self.ctype = body, ctype

    def get(self) -> None:
        self.set_header("Content-Type", self.ctype)
        self.set_header("Cache-Control", "no-store")
        self.write(self.body)


class _Site(web.RequestHandler):
    """The last good build, scripts added to each HTML page; the error page after a failure."""

    def initialize(self, preview: Preview) -> None:
        self.preview = preview

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-store")  # no cache may hide an edit

    def head(self) -> None:
        self.get()

    def get(self) -> None:
        raw = unquote(self.request.path)
        parts = [p for p in raw.split("/") if p not in ("", ".")]
        if ".." in parts or any("\\" in p or "\x00" in p for p in parts):
            raise web.HTTPError(404)
        wants_html = not parts or raw.endswith("/") or "." not in parts[-1] or raw.endswith(".html")
        served = self.preview.served
        if served.errors and wants_html:
            self.set_status(500)
            return self._send(_error_page(served.errors), "text/html; charset=utf-8")
        if served.root is None:
            raise web.HTTPError(404)
        target = served.root.joinpath(*parts)
        if target.is_dir():
            if not raw.endswith("/"):  # relative links need the slash
                query = f"?{self.request.query}" if self.request.query else ""
                return self.redirect(self.request.path + "/" + query)
            target = target / "index.html"
        try:
            data = target.read_bytes()
        except OSError:  # missing, or removed by a rebuild in between
            self.set_status(404)
            target = served.root / "404.html"
            data = target.read_bytes() if target.is_file() else b"Not found"
        self._send(data, _content_type(target.name))

    def _send(self, data: bytes | str, ctype: str) -> None:
        if isinstance(data, str):
            data = data.encode("utf-8")
        if ctype.startswith("text/html"):
            data = _inject(data, _port_of(self.request.host, self.request.protocol))
        self.set_header("Content-Type", ctype)
        self.write(data)


def _content_type(name: str) -> str:
    if name.endswith(".webmanifest"):  # unknown to Python's table
        return "application/manifest+json"
    kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
    textual = kind.startswith("text/") or kind.endswith(("javascript", "json", "xml"))
    return f"{kind}; charset=utf-8" if textual else kind


def _port_of(host: str, protocol: str) -> str:
    tail = host.rpartition(":")[2]
    return tail if tail.isdigit() else ("443" if protocol == "https" else "80")


def _inject(page: bytes, port: str) -> bytes:
    """Add the reload scripts before </head> of a served page (the files on disk stay clean)."""
    tags = SCRIPTS.format(port=port).encode()
    at = page.lower().find(b"</head>")
    return page + tags if at < 0 else page[:at] + tags + page[at:]


def _error_page(errors: tuple[tuple[str, str], ...]) -> str:
    items = "\n".join(
        f"<h2>{html.escape(small)}</h2>" + (f"\n<pre>{html.escape(large)}</pre>" if large else "")
        for small, large in errors
    )
    return ERROR_PAGE.format(prefix=PREFIX, errors=items)


class _RecordingLog(BuildLog):
    """A build log that keeps the errors it reported, so the browser shows the same text."""

    def __init__(self, fmt: str, verbosity: int, stream: Any) -> None:
        super().__init__(fmt, verbosity, stream)
        self.errors: list[tuple[str, str]] = []

    def _emit(self, kind: str, small: str, large: str = "", *args: Any, **kw: Any) -> None:
        if kind == "ERROR":
            self.errors.append((small, large))
        super()._emit(kind, small, large, *args, **kw)


@dataclass(frozen=True)
class Served:
    """What the server shows: the last good build, and the errors when the last build failed."""

    root: Path | None = None
    errors: tuple[tuple[str, str], ...] = ()
    folder_hash: str = ""


class Preview:
    """Builds into a temporary folder, serves it, rebuilds on changes and reloads the browsers."""

    def __init__(
        self,
        flags: dict[str, Any],
        log: BuildLog,
        host: str = "127.0.0.1",
        port: int = 8000,
        next_free_port: bool = False,
        debounce: float = DEBOUNCE,
    ) -> None:
        self.flags = {**flags, "output": None}
        self.log, self.host, self.port = log, host, port
        self.next_free_port, self.debounce = next_free_port, debounce
        self.served = Served()
        self.tmp: Path | None = None
        self.builds = 0  # finished builds, good or failed
        self.batches: list[list[str]] = []  # the changed files behind each rebuild
        self.reloads = 0  # reload messages sent
        self.connected = 0  # browsers that ever connected for live reload
        self.build_seconds: list[float] = []
        from .fingerprint import Reuse  # not at the top: `--help` should not load the builder

        # What the last build made, so that a rebuild redoes only what the change touches.
        self.reuse = Reuse(live=True)
        self._clients: set[_ReloadSocket] = set()
        self._cond = threading.Condition()
        self._pending: list[str] = []
        self._last_change = 0.0
        self._stopping = False
        self._skip: list[Path] = []
        self._watches: dict[Watch, Any] = {}
        self._observer: Any = None  # made in start(): inotify starts a thread at once
        self._builder = threading.Thread(
            target=self._build_loop, name="eventsite-rebuild", daemon=True
        )
        self._server_thread: threading.Thread | None = None
        self._ioloop: IOLoop | None = None
        self._quit: asyncio.Event | None = None

    @property
    def url(self) -> str:
        """Where the preview is served."""
        host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(self.host, self.host)  # any address
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}/"

    @property
    def clients(self) -> int:
        """Browsers connected for live reload."""
        return len(self._clients)

    def wait_until(self, predicate: Callable[[], bool], timeout: float) -> bool:
        """Wait until `predicate()` holds after a build or a browser (dis)connecting."""
        with self._cond:
            return self._cond.wait_for(predicate, timeout)

    def idle(self) -> bool:
        """No change waits for a rebuild."""
        return not self._pending

    def start(self) -> None:
        """Bind the port, watch, build once, then serve; any failure undoes what was started."""
        self.tmp = Path(tempfile.mkdtemp(prefix="eventsite-serve-"))
        sockets: list[socket.socket] = []
        try:
            sockets = self._bind()
            cfg = config_mod.load(self.flags)
            if not cfg.is_url and not Path(cfg.source).exists():
                raise ServeError(f"event source {cfg.source} not found")
            self._skip = [self.tmp.resolve(), cfg.output.resolve()]
            self._observer = Observer()
            self._observer.start()
            self._sync_watches(watches_for(cfg))
            self._build([])
            ready = threading.Event()
            self._server_thread = threading.Thread(
                target=lambda: asyncio.run(self._serve(sockets, ready)),
                name="eventsite-serve",
                daemon=True,
            )
            self._server_thread.start()
            ready.wait()
            if self._quit is None:
                raise ServeError("the preview server did not start", "Its error is printed above.")
            self._builder.start()
        except BaseException:
            self.stop()
            for sock in sockets:  # the server closes them too; twice does no harm
                sock.close()
            raise

    def stop(self) -> None:
        """Stop watching, building and serving (joining every thread) and remove the temp folder."""
        if self._observer is not None and self._observer.is_alive():
            self._observer.stop()
            self._observer.join()
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._builder.is_alive():
            self._builder.join()
        if self._server_thread is not None:
            if self._server_thread.is_alive() and self._ioloop and self._quit:
                self._ioloop.add_callback(self._quit.set)
            self._server_thread.join()
            self._server_thread = None
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None
        gc.enable()

    def _bind(self) -> list[socket.socket]:
        tries = PORT_TRIES if self.next_free_port and self.port else 1
        for offset in range(tries):
            port = self.port + offset
            try:
                sockets = netutil.bind_sockets(port, self.host)
            except OSError as exc:
                if exc.errno == errno.EADDRINUSE and offset + 1 < tries:
                    continue
                if exc.errno == errno.EADDRINUSE:
                    tried = f"ports {self.port}-{port}" if offset else f"port {port}"
                    raise ServeError(
                        f"{tried} on {self.host} already in use",
                        "Stop the other server, or choose another port with --port "
                        "(--port 0 picks any free one).",
                    ) from None
                raise ServeError(f"cannot listen on {self.host}:{port}", str(exc)) from None
            if offset:
                self.log.info(f"port {self.port} is busy; using port {port} instead")
            self.port = sockets[0].getsockname()[1]
            return sockets
        raise AssertionError("unreachable")

    async def _serve(self, sockets: list[socket.socket], ready: threading.Event) -> None:
        """The server thread: tornado on its own event loop until stop() asks it to quit."""
        try:
            app = self._app()
            server = httpserver.HTTPServer(app)
            server.add_sockets(sockets)
            self._ioloop = IOLoop.current()
            self._quit = asyncio.Event()
        finally:
            ready.set()  # start() goes on either way; it checks _quit
        await self._quit.wait()
        server.stop()
        for client in list(self._clients):
            client.close(1001, "preview stopped")
        await server.close_all_connections()

    def _app(self) -> web.Application:
        return web.Application(
            [
                (r"/livereload", _ReloadSocket, {"preview": self}),
                (r"/livereload\.js", LiveReloadJSHandler),
                (PREFIX + r"preview\.js", _Text, {"body": PREVIEW_JS, "ctype": "text/javascript"}),
                (PREFIX + r"preview\.css", _Text, {"body": PREVIEW_CSS, "ctype": "text/css"}),
                (PREFIX + r"failed\.svg", _Text, {"body": FAILED_ICON, "ctype": "image/svg+xml"}),
                (r"/sw\.js", _Text, {"body": UNREGISTER_SW, "ctype": "text/javascript"}),
                (r"/.*", _Site, {"preview": self}),
            ],
            log_function=lambda handler: None,  # the build log is the only output
        )

    def _client(self, client: _ReloadSocket, connected: bool) -> None:
        with self._cond:
            (self._clients.add if connected else self._clients.discard)(client)
            self.connected += connected
            self._cond.notify_all()

    def _reload_all(self) -> None:
        """Send livereload's reload command to every connected browser (server thread)."""
        message = {"command": "reload", "path": "*", "liveCSS": False, "liveImg": False}
        for client in list(self._clients):
            client.send_message(message)
            self.reloads += 1

    def _changed(self, rel: str) -> None:
        with self._cond:
            self._pending.append(rel)
            self._last_change = time.monotonic()
            self._cond.notify_all()

    def _sync_watches(self, wanted: set[Watch]) -> None:
        for watch in set(self._watches) - wanted:
            self._observer.unschedule(self._watches.pop(watch))
        for watch in sorted(wanted - set(self._watches), key=lambda w: str(w.root)):
            handler = _Changes(watch, self._skip, self._changed)
            self._watches[watch] = self._observer.schedule(
                handler, str(watch.root), recursive=watch.recursive
            )

    def _build_loop(self) -> None:
        """Rebuild once per burst of changes: after `debounce` seconds without a new one."""
        while True:
            with self._cond:
                # Builds run with the garbage collector paused; it runs here, once things are
                # quiet (see _build).
                idle = None if gc.isenabled() else COLLECT_WHEN_IDLE
                if not self._cond.wait_for(lambda: self._pending or self._stopping, idle):
                    gc.collect()
                    gc.enable()
                    continue
                while not self._stopping:
                    quiet = self._last_change + self.debounce - time.monotonic()
                    if quiet <= 0:
                        break
                    self._cond.wait(quiet)
                if self._stopping:
                    return
                batch, self._pending = sorted(set(self._pending)), []
            self._build(batch)

    def _build(self, batch: list[str]) -> None:
        """One build into a fresh folder; the server switches to it only when it succeeded."""
        from . import pipeline  # not at the top: cli imports this module for its parser

        assert self.tmp is not None
        if batch:
            shown = ", ".join(batch[:5]) + (f" and {len(batch) - 5} more" if len(batch) > 5 else "")
            self.log.info(f"Changed: {shown}; rebuilding")
        # One folder, rebuilt in place: the writer replaces only changed files, atomically.
        out = self.tmp / "site"
        # Step lines are noise on every save; errors and warnings still show.
        blog = _RecordingLog(self.log.fmt, 1 if self.log.verbosity > 0 else -1, self.log.stream)
        # The preview keeps the last build's objects (records, fingerprints, fragments): at
        # 5,000 sessions, a full collection scanning them cost 0.1-0.2 s of a rebuild. Paused
        # here, the collector runs when no change has come for COLLECT_WHEN_IDLE seconds.
        gc.disable()
        t0 = time.perf_counter()
        errors: list[tuple[str, str]] = []
        try:
            cfg = config_mod.load(self.flags)
            # The preview's own address as base URL: the 404 page's absolute links stay here.
            preview = replace(cfg, output=out, base_url=self.url, register_sw=False, force=False)
            result = pipeline.build(preview, blog, self.reuse)
        except EventsiteError as exc:
            if not getattr(exc, "logged", False):
                blog.error(exc.message, exc.details)
            errors = blog.errors or [(exc.message, exc.details)]
        except Exception as exc:  # a bug must show in the browser, not end the preview
            small = f"internal error: {type(exc).__name__}: {exc}"
            if not blog.errors:  # raised outside a build step, so not reported yet
                blog.error(small)
            errors = [
                *blog.errors,
                (small, "This is a bug in eventsite.\n" + traceback.format_exc()),
            ]
        old = self.served
        if errors:
            self.served = replace(old, errors=tuple(errors))
            self.log.info("The preview shows this error until the next successful build")
        else:
            self.served = Served(out, (), result.folder_hash)
            with_warnings = f" with {len(blog.warnings)} warnings" if blog.warnings else ""
            self.build_seconds.append(time.perf_counter() - t0)
            self.log.success(f"Built in {self.build_seconds[-1]:.2f} s{with_warnings}")
            with contextlib.suppress(EventsiteError):  # a new theme changes what to watch
                self._sync_watches(watches_for(cfg))
        with self._cond:
            self.builds += 1
            self.batches.append(batch)
            self._cond.notify_all()
        unchanged = not errors and not old.errors and old.folder_hash == self.served.folder_hash
        if self._ioloop is not None and not unchanged:
            self._ioloop.add_callback(self._reload_all)
        if self.reuse.reader is not None:
            # After the reload is sent, not in the next rebuild: a save meanwhile is still
            # waiting out its debounce.
            self.reuse.reader.prepare()


def port_number(text: str) -> int:
    """A TCP port from the command line (0 picks any free one)."""
    port = int(text)
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (0-65535)")
    return port


def add_serve_parser(
    subparsers: Any, add_build_flags: Callable[[argparse.ArgumentParser], None]
) -> None:
    """Add `serve`: build, serve on 127.0.0.1, rebuild and reload the browser on every save."""
    p = subparsers.add_parser(
        "serve",
        help="preview the site; it rebuilds and the browser reloads when you save",
        description="Build into a temporary folder (never _site), serve it, watch the data, "
        "eventsite.toml and the theme, and reload the browser after each rebuild. "
        "A failed build shows its error in the browser. Ctrl-C stops.",
    )
    add_build_flags(p)
    for action in p._actions:
        if action.dest == "output":
            action.help = "ignored: serve builds into a temporary folder"
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument(
        "--port",
        type=port_number,
        default=None,
        help="port (default 8000, or the next free one when busy; 0 picks any free port)",
    )


def run_serve(args: argparse.Namespace, log: BuildLog) -> int:
    """Run the preview until Ctrl-C (or SIGTERM); returns the exit code."""
    from .cli import _flags  # here, not at the top: cli imports this module for its parser

    flags = _flags(args)
    if flags.get("output"):
        log.warning("serve builds into a temporary folder; --output is ignored")
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        log.warning(f"serving on {args.host}: other machines may be able to see the preview")
    port = 8000 if args.port is None else args.port
    preview = Preview(flags, log, args.host, port, next_free_port=args.port is None)
    done = threading.Event()
    on_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, lambda *_: done.set()) if on_main else None
    try:
        preview.start()
        log.success(f"Serving {preview.url}", "Press Ctrl-C to stop.")
        done.wait()
    except KeyboardInterrupt:
        pass
    finally:
        preview.stop()
        if on_main:
            signal.signal(signal.SIGTERM, previous)
    log.info("Preview stopped; its temporary folder is removed")
    return 0
