"""Browser tests: a local HTTP server on 127.0.0.1 and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from generator.cli import main

from ..conftest import SAMPLE, corpus_path

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def chromium_path() -> str:
    """Debian's Chromium; skip (or fail, in CI) when it is missing."""
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    problem = None
    if not Path(path).exists():
        problem = f"Chromium not found at {path} (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "playwright is not installed (pip install -e '.[test]')"
    if problem:
        if os.environ.get("EVENTSITE_REQUIRE_BROWSER"):
            pytest.fail(f"browser tests must run here but cannot: {problem}")
        pytest.skip(problem)
    return path


class SiteServer:
    """Serves a folder over HTTP on 127.0.0.1, optionally under a path prefix such as /my-event/."""

    def __init__(self, root: Path, prefix: str = "/") -> None:
        self.root = root
        self.prefix = prefix if prefix.endswith("/") else prefix + "/"
        server_self = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def translate_path(self, path: str) -> str:
                clean = unquote(urlsplit(path).path)
                if not clean.startswith(server_self.prefix):
                    return str(server_self.root / "__outside_prefix__")
                rel = clean[len(server_self.prefix) :]
                return str(server_self.root / rel) if rel else str(server_self.root)

            def send_head(self):  # type: ignore[no-untyped-def]
                # Last-Modified has one-second steps: a rebuild within the same second would be
                # answered "304 Not Modified". Tests rebuild fast, so always send the file.
                del self.headers["If-Modified-Since"]
                return super().send_head()

            def end_headers(self) -> None:
                # Tests decide what is cached: the browser must not keep stale copies.
                self.send_header("Cache-Control", "no-cache")
                super().end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        """The site's root URL."""
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{self.prefix}"

    def close(self) -> None:
        """Stop serving."""
        self.httpd.shutdown()
        self.httpd.server_close()


def build_site(source: Path, out: Path, *flags: str) -> Path:
    """Build `source` into `out` with the CLI; fail the test on a non-zero exit."""
    code = main([str(source), "-o", str(out), "-q", "--no-remote", *flags])
    assert code == 0, f"build of {source} failed"
    return out


@pytest.fixture(scope="session")
def playwright() -> Iterator[object]:
    """The one Playwright driver of the session (the sync API cannot be nested)."""
    chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright: object) -> Iterator[object]:
    """One headless Chromium for the whole session."""
    instance = playwright.chromium.launch(  # type: ignore[attr-defined]
        executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
    )
    yield instance
    instance.close()


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample event, built once."""
    return build_site(SAMPLE, tmp_path_factory.mktemp("browser") / "sample")


@pytest.fixture(scope="session")
def sample_server(sample_site: Path) -> Iterator[SiteServer]:
    """The sample event served over HTTP."""
    server = SiteServer(sample_site)
    yield server
    server.close()


@pytest.fixture(scope="session")
def fossasia_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """FOSSASIA Summit 2017 from the corpus, built once."""
    src = corpus_path("openevent", "FOSSASIASummit2017")
    return build_site(src, tmp_path_factory.mktemp("browser") / "fossasia2017")


@pytest.fixture(scope="session")
def fossasia_server(fossasia_site: Path) -> Iterator[SiteServer]:
    """FOSSASIA Summit 2017 served over HTTP."""
    server = SiteServer(fossasia_site)
    yield server
    server.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    """A fresh page in a fresh context; console errors and other-origin requests are recorded."""
    context = browser.new_context()  # type: ignore[attr-defined]
    context.set_default_timeout(10_000)
    pg = context.new_page()
    pg.console_errors = []
    pg.foreign_requests = []
    pg.on("console", lambda m: m.type == "error" and pg.console_errors.append(m.text))
    pg.on("pageerror", lambda e: pg.console_errors.append(str(e)))

    def _check(request: object) -> None:
        url = request.url  # type: ignore[attr-defined]
        if not url.startswith(("http://127.0.0.1", "data:", "blob:", "about:")):
            pg.foreign_requests.append(url)

    pg.on("request", _check)
    yield pg
    context.close()
