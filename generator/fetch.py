"""Fetching http(s) URLs with urllib: a total deadline, a size cap and messages for people."""

from __future__ import annotations

import functools
import http.client
import socket
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urljoin, urlsplit

from generator import __version__
from generator.errors import FetchError, InputError

SCHEMES = ("http", "https")
MAX_WORKERS = 16
CHUNK_SIZE = 64 * 1024
USER_AGENT = f"eventsite/{__version__}"


class _Deadline:
    """The time left for one fetch, shared by every connection it opens (redirects included)."""

    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds
        self.sock: socket.socket | None = None

    def remaining(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise TimeoutError("deadline passed")
        return left

    def arm(self) -> None:
        # A socket timeout bounds each operation, not their sum; shrinking it before every read
        # turns it into a bound on the whole fetch, so a server that trickles a byte at a time
        # cannot hold us past the deadline.
        left = self.remaining()
        if self.sock is not None:
            self.sock.settimeout(left)


class _DeadlineConnectionMixin:
    """Connects with the time left, then records the socket so reads can be re-armed."""

    def __init__(self, *args: Any, deadline: _Deadline, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline = deadline

    def connect(self) -> None:
        self.timeout = self._deadline.remaining()
        super().connect()  # type: ignore[misc]
        self.sock.settimeout(self._deadline.remaining())  # type: ignore[attr-defined]
        self._deadline.sock = self.sock  # type: ignore[attr-defined]


class _DeadlineHTTPConnection(_DeadlineConnectionMixin, http.client.HTTPConnection):
    pass


class _DeadlineHTTPSConnection(_DeadlineConnectionMixin, http.client.HTTPSConnection):
    pass


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, deadline: _Deadline) -> None:
        super().__init__()
        self._deadline = deadline

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        conn = functools.partial(_DeadlineHTTPConnection, deadline=self._deadline)
        return self.do_open(conn, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, deadline: _Deadline) -> None:
        super().__init__()
        self._deadline = deadline

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        conn = functools.partial(_DeadlineHTTPSConnection, deadline=self._deadline)
        return self.do_open(conn, req, context=self._context)


class _RedirectHandler(urllib.request.HTTPRedirectHandler):
    """Follows redirects, but only to http(s): never to ftp:, file: or anything else."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self._url = url

    def http_error_302(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
    ) -> Any:
        target = headers.get("location") or headers.get("uri")
        if target:
            absolute = urljoin(req.full_url, target.strip())
            if urlsplit(absolute).scheme.lower() not in SCHEMES:
                fp.close()
                raise FetchError(
                    self._url, f"it redirects to {absolute}, which is not an http(s) URL"
                )
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def _opener(url: str, deadline: _Deadline) -> urllib.request.OpenerDirector:
    # Built by hand rather than with build_opener so that no file:, ftp: or data: handler
    # exists at all; ProxyHandler keeps the usual *_proxy environment variables working.
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.UnknownHandler(),
        _HTTPHandler(deadline),
        _HTTPSHandler(deadline),
        urllib.request.HTTPDefaultErrorHandler(),
        _RedirectHandler(url),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def _megabytes(n: int) -> str:
    return f"{n / 1_000_000:g} MB"


def _describe(exc: BaseException, timeout: float) -> str:
    """What went wrong, in words, for an exception raised while fetching."""
    if isinstance(exc, urllib.error.HTTPError):
        exc.close()  # the error carries the open response
        if 300 <= exc.code < 400:
            return f"too many redirects (HTTP {exc.code})"
        return f"HTTP {exc.code} {exc.reason}".rstrip()
    if isinstance(exc, urllib.error.URLError) and isinstance(exc.reason, BaseException):
        exc = exc.reason
    elif isinstance(exc, urllib.error.URLError):
        return str(exc.reason)
    if isinstance(exc, TimeoutError):
        return f"timed out after {timeout:g} s"
    if isinstance(exc, socket.gaierror):
        return "the host name could not be resolved"
    if isinstance(exc, ConnectionRefusedError):
        return "the connection was refused"
    if isinstance(exc, ConnectionResetError):
        return "the connection was reset"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"its TLS certificate is not valid ({exc.verify_message})"
    if isinstance(exc, ssl.SSLError):
        return f"the TLS connection failed ({exc.reason or exc})"
    if isinstance(exc, http.client.IncompleteRead):
        return "the connection closed before the whole file arrived"
    if isinstance(exc, http.client.RemoteDisconnected):
        return "the server closed the connection without answering"
    if isinstance(exc, http.client.InvalidURL):
        return "it is not a valid URL"
    if isinstance(exc, http.client.HTTPException):
        return f"the answer is not valid HTTP ({type(exc).__name__})"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def _check_url(url: str) -> None:
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise FetchError(url, f"it is not a valid URL ({exc})") from None
    if parts.scheme.lower() not in SCHEMES:
        raise FetchError(url, "only http:// and https:// URLs can be fetched")
    if not parts.hostname:
        raise FetchError(url, "the URL has no host")


def _read(resp: http.client.HTTPResponse, url: str, deadline: _Deadline, max_bytes: int) -> bytes:
    too_large = f"the file is larger than {_megabytes(max_bytes)}"
    length = resp.headers.get("Content-Length", "").strip()
    if length.isdigit() and int(length) > max_bytes:
        raise FetchError(url, too_large)  # refuse before downloading anything
    chunks: list[bytes] = []
    total = 0
    while True:
        deadline.arm()
        chunk = resp.read1(CHUNK_SIZE)
        if not chunk:
            return b"".join(chunks)
        total += len(chunk)
        if total > max_bytes:
            raise FetchError(url, too_large)
        chunks.append(chunk)


def fetch(
    url: str, *, timeout: float = 5.0, max_bytes: int = 10_000_000, accept: str = "*/*"
) -> bytes:
    """The body of an http(s) URL, within `timeout` seconds in all and at most `max_bytes`."""
    _check_url(url)
    deadline = _Deadline(timeout)
    request = urllib.request.Request(url, headers={"Accept": accept, "User-Agent": USER_AGENT})
    try:
        with _opener(url, deadline).open(request, timeout=timeout) as resp:
            return _read(resp, url, deadline, max_bytes)
    except FetchError:
        raise
    except (OSError, http.client.HTTPException, ValueError) as exc:
        # URLError, HTTPError, socket errors and TimeoutError are all OSErrors.
        raise FetchError(url, _describe(exc, timeout)) from None


# Reasons that say the host itself is out of reach, not just one file on it.
_HOST_DOWN = ("timed out", "connection was refused", "could not be resolved", "unreachable")


def host_unreachable(exc: InputError) -> bool:
    """True when a failed fetch says the host is out of reach (not just one file missing)."""
    return isinstance(exc, FetchError) and any(word in exc.reason for word in _HOST_DOWN)


def refused_by_us(exc: InputError) -> bool:
    """True when we refused the answer (too large, a redirect to another scheme)."""
    return isinstance(exc, FetchError) and (
        "larger than" in exc.reason or "redirects to" in exc.reason
    )


class _HostBreaker:
    """Once a host is found unreachable, its other URLs fail at once instead of timing out."""

    def __init__(self) -> None:
        self.down: dict[str, str] = {}
        self.lock = threading.Lock()

    def fetch(self, url: str, kw: dict[str, Any]) -> bytes | InputError:
        host = urllib.parse.urlsplit(url).netloc.lower()
        with self.lock:
            reason = self.down.get(host)
        if reason:
            return FetchError(url, f"{reason} (earlier request to the same host)")
        try:
            return fetch(url, **kw)
        except FetchError as exc:
            if any(word in exc.reason for word in _HOST_DOWN):
                with self.lock:
                    self.down.setdefault(host, exc.reason)
            return exc
        except InputError as exc:
            return exc


def fetch_many(urls: list[str], **kw: Any) -> dict[str, bytes | InputError]:
    """Fetch several URLs at once (keyword arguments as for `fetch`); failures become values."""
    unique = list(dict.fromkeys(urls))
    if not unique:
        return {}
    # Threads, not sequential calls; and a host that timed out once is not asked again, so an
    # unreachable host costs about one timeout, not one per image.
    breaker = _HostBreaker()
    workers = min(MAX_WORKERS, len(unique))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="eventsite-fetch") as pool:
        futures = {url: pool.submit(breaker.fetch, url, kw) for url in unique}
    return {url: future.result() for url, future in futures.items()}
