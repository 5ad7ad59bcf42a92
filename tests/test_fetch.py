"""generator.fetch against a real HTTP server on the loopback interface (never another host)."""

from __future__ import annotations

import contextlib
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from generator.errors import InputError
from generator.fetch import FetchError, fetch, fetch_many

BODY = b"hello, attendees\n" * 100
HUGE = 2_000_000


class _Server(ThreadingHTTPServer):
    request_queue_size = 64  # many concurrent connects in the fetch_many test
    release: threading.Event


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, *args: object) -> None:
        pass  # keep pytest output clean

    def _headers(self, status: int, length: int | None = None, **extra: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream")
        if length is not None:
            self.send_header("Content-Length", str(length))
        for name, value in extra.items():
            self.send_header(name, value)
        self.end_headers()

    def do_GET(self) -> None:
        # The client giving up mid-answer is what several tests are about.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._route()

    def _route(self) -> None:
        path = self.path.split("?")[0]
        if path == "/file":
            self._headers(200, len(BODY))
            self.wfile.write(BODY)
        elif path == "/accept":
            echo = self.headers.get("Accept", "").encode()
            self._headers(200, len(echo))
            self.wfile.write(echo)
        elif path == "/stall":
            self.server.release.wait()  # no answer at all until the test ends
        elif path == "/trickle":
            # One byte at a time, each well within any per-read timeout: only a total
            # deadline stops this.
            self._headers(200, 1_000_000)
            while not self.server.release.wait(0.05):
                self.wfile.write(b"x")
                self.wfile.flush()
        elif path == "/huge":
            self._headers(200, HUGE)
            self._write_huge()
        elif path == "/huge-unsized":
            self._headers(200)  # HTTP/1.0 without a length: the body ends at close
            self._write_huge()
        elif path == "/to-ftp":
            self._headers(302, 0, Location="ftp://127.0.0.1/secret")
        elif path == "/to-file":
            self._headers(301, 0, Location="/file")
        else:
            self._headers(404, 0)

    def _write_huge(self) -> None:
        block = b"0" * 65536
        for _ in range(HUGE // len(block) + 1):
            self.wfile.write(block)


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    # Loopback only: a proxy from the environment must not carry these requests elsewhere.
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("no_proxy", "*")


@contextlib.contextmanager
def _serving(tls: ssl.SSLContext | None = None) -> Iterator[str]:
    server = _Server(("127.0.0.1", 0), _Handler)
    server.release = threading.Event()
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"{'https' if tls else 'http'}://127.0.0.1:{server.server_address[1]}"
    finally:
        server.release.set()
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def base_url() -> Iterator[str]:
    with _serving() as url:
        yield url


@pytest.fixture
def tls_url(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """An https server on 127.0.0.1 with a fresh self-signed certificate, and that certificate."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1"),
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    with _serving(context) as url:
        yield url, cert


def test_fetches_a_file(base_url: str) -> None:
    assert fetch(f"{base_url}/file") == BODY


def test_sends_the_accept_header(base_url: str) -> None:
    assert fetch(f"{base_url}/accept", accept="image/*") == b"image/*"


def test_follows_a_redirect_to_http(base_url: str) -> None:
    assert fetch(f"{base_url}/to-file") == BODY


def test_a_stalled_server_times_out(base_url: str) -> None:
    url = f"{base_url}/stall"
    start = time.monotonic()
    with pytest.raises(InputError) as info:
        fetch(url, timeout=0.5)
    assert time.monotonic() - start < 3
    assert info.value.message == f"could not fetch {url}: timed out after 0.5 s"


def test_the_timeout_is_a_total_deadline(base_url: str) -> None:
    url = f"{base_url}/trickle"
    start = time.monotonic()
    with pytest.raises(InputError, match=r"timed out after 0\.5 s"):
        fetch(url, timeout=0.5)
    assert time.monotonic() - start < 3


@pytest.mark.parametrize("path", ["/huge", "/huge-unsized"])
def test_refuses_a_body_over_the_cap(base_url: str, path: str) -> None:
    with pytest.raises(InputError) as info:
        fetch(f"{base_url}{path}", max_bytes=100_000)
    assert info.value.message == (
        f"could not fetch {base_url}{path}: the file is larger than 0.1 MB"
    )


def test_reads_a_body_at_the_cap(base_url: str) -> None:
    assert fetch(f"{base_url}/file", max_bytes=len(BODY)) == BODY


def test_http_error(base_url: str) -> None:
    url = f"{base_url}/missing.png"
    with pytest.raises(InputError) as info:
        fetch(url)
    assert info.value.message == f"could not fetch {url}: HTTP 404 Not Found"


def test_refuses_a_redirect_to_ftp(base_url: str) -> None:
    url = f"{base_url}/to-ftp"
    with pytest.raises(InputError) as info:
        fetch(url)
    assert info.value.message == (
        f"could not fetch {url}: it redirects to ftp://127.0.0.1/secret,"
        " which is not an http(s) URL"
    )


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/x", "file:///etc/passwd", "/images/a.png"])
def test_refuses_other_schemes(url: str) -> None:
    with pytest.raises(InputError, match="only http:// and https:// URLs can be fetched"):
        fetch(url)


def test_refuses_a_url_without_host() -> None:
    with pytest.raises(InputError, match="has no host"):
        fetch("http:///x.png")


def test_connection_refused() -> None:
    # A port we held and let go: nothing listens there any more.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/x.png"
    with pytest.raises(InputError) as info:
        fetch(url, timeout=2)
    assert info.value.message == f"could not fetch {url}: the connection was refused"
    assert isinstance(info.value, FetchError)
    assert info.value.reason == "the connection was refused"


def test_fetch_many_runs_concurrently(base_url: str) -> None:
    urls = [f"{base_url}/stall?{i}" for i in range(10)]
    start = time.monotonic()
    results = fetch_many(urls, timeout=0.5)
    elapsed = time.monotonic() - start
    # Ten stalls one after the other take 5 s; concurrent workers take about one 0.5 s round.
    assert elapsed < 2.5
    assert list(results) == urls
    assert all(isinstance(r, InputError) and "timed out" in r.message for r in results.values())


def test_fetch_many_mixes_results_and_errors(base_url: str) -> None:
    good, bad = f"{base_url}/file", f"{base_url}/nope"
    results = fetch_many([good, bad, good], max_bytes=10_000)
    assert list(results) == [good, bad]
    assert results[good] == BODY
    assert isinstance(results[bad], InputError)
    assert "HTTP 404" in results[bad].message


def test_fetch_many_of_nothing() -> None:
    assert fetch_many([]) == {}


def test_https_with_an_untrusted_certificate(tls_url: tuple[str, Path]) -> None:
    url = f"{tls_url[0]}/file"
    with pytest.raises(InputError) as info:
        fetch(url, timeout=2)
    assert info.value.message.startswith(f"could not fetch {url}: its TLS certificate is not valid")


def test_https_with_a_trusted_certificate(
    tls_url: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(tls_url[1]))  # read by the default TLS context
    assert fetch(f"{tls_url[0]}/file", timeout=2) == BODY
    with pytest.raises(InputError, match=r"timed out after 0\.5 s"):
        fetch(f"{tls_url[0]}/stall", timeout=0.5)


def test_an_unreachable_host_costs_about_one_timeout(base_url: str) -> None:
    # 60 photos on a host that never answers: the first time-outs mark the host as down and
    # the rest fail at once, so the whole batch costs about one timeout, not sixty.
    urls = [f"{base_url}/stall?{i}" for i in range(60)]
    start = time.monotonic()
    results = fetch_many(urls, timeout=0.5)
    assert time.monotonic() - start < 2.0
    assert all(isinstance(r, InputError) for r in results.values())
    assert sum("earlier request to the same host" in r.message for r in results.values()) >= 40
