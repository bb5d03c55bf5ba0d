"""One careful HTTP GET for `weeknotes fetch` (`weeknotes links` asks with net/probe.py).

Built on the standard library's http.client, so that one deadline covers the whole
exchange (connecting, headers, every byte of the body) and a body is read only up to a
byte limit. Redirects are followed by hand: only to http(s), at most MAX_REDIRECTS, never
in a loop, and a permanent one (301, 308) is remembered so it can be reported.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from weeknotes import __version__
from weeknotes.model.settings import Config

MAX_REDIRECTS = 5
PERMANENT = frozenset({301, 308})
TEMPORARY = frozenset({302, 303, 307})
CHUNK = 64 * 1024


def user_agent(config: Config, job: str) -> str:
    """Who is asking, and why: weeknotes, the site's address and its title (`job`: what for)."""
    return f"weeknotes/{__version__} (+{config.base_url}; {job} for {config.title})"


class FetchFailed(Exception):
    """The feed could not be fetched; the message says why, in a few words."""


@dataclass(frozen=True)
class Request:
    url: str
    user_agent: str
    timeout: float
    """Seconds for the whole exchange, body included."""
    limit: int
    """The most bytes of body to accept."""
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class Response:
    status: int
    """200, 304 or 410 (anything else raises FetchFailed)."""
    url: str
    """Where the answer finally came from, after redirects."""
    moved_to: str | None
    """The last URL a permanent redirect pointed to, if any."""
    body: bytes = b""
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None


def get(request: Request) -> Response:
    """GET a feed, following redirects; raise FetchFailed on anything but 200, 304 or 410."""
    deadline = time.monotonic() + request.timeout
    url, moved_to, seen = request.url, None, {request.url}
    for _ in range(MAX_REDIRECTS + 1):
        check_scheme(url)
        status, headers, body = exchange(url, request, deadline)
        if status in PERMANENT or status in TEMPORARY:
            location = headers.get("location")
            if not location:
                raise FetchFailed(f"HTTP {status} without a Location header")
            target = urljoin(url, location.strip())
            if target in seen:
                raise FetchFailed(f"redirect loop at {target}")
            seen.add(target)
            if status in PERMANENT:
                moved_to = target
            url = target
            continue
        if status in (200, 304, 410):
            return Response(status, url, moved_to, body, headers.get("content-type", ""),
                            headers.get("etag"), headers.get("last-modified"))
        raise FetchFailed(f"HTTP {status}")
    raise FetchFailed(f"more than {MAX_REDIRECTS} redirects")


def check_scheme(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchFailed(f"not an http(s) address: {url}")


def remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchFailed("timed out")
    return left


def open_connection(url: str, deadline: float) -> tuple[http.client.HTTPConnection, str]:
    """A connection to `url`'s host (TLS for https, the system's trusted certificates) that
    gives up at `deadline`, and the path with its query to ask it for."""
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if parts.scheme == "https":
        return http.client.HTTPSConnection(parts.hostname or "", parts.port, timeout=remaining(deadline),
                                           context=ssl.create_default_context()), path
    return http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=remaining(deadline)), path


def exchange(url: str, request: Request, deadline: float) -> tuple[int, dict[str, str], bytes]:
    """One request and its answer: (status, lower-cased headers, body of a 200)."""
    conn, path = open_connection(url, deadline)
    headers = {"User-Agent": request.user_agent, "Accept-Encoding": "identity",
               "Accept": "application/atom+xml, application/rss+xml, application/feed+json, "
                         "application/json;q=0.9, application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5"}
    if url == request.url:  # validators belong to the address they came from
        if request.etag:
            headers["If-None-Match"] = request.etag
        if request.last_modified:
            headers["If-Modified-Since"] = request.last_modified
    try:
        conn.connect()
        sock = conn.sock  # kept: http.client lets go of it once a closing response is read
        sock.settimeout(remaining(deadline))
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        found = {k.lower(): v for k, v in response.getheaders()}
        body = read_body(response, sock, request.limit, deadline) if response.status == 200 else b""
        return response.status, found, body
    except FetchFailed:
        raise
    except TimeoutError:
        raise FetchFailed("timed out") from None
    except ssl.SSLError as exc:
        raise FetchFailed(f"TLS error: {exc.reason or exc}") from None
    except (OSError, http.client.HTTPException) as exc:
        raise FetchFailed(f"connection failed: {exc.__class__.__name__}: {exc}".rstrip(": ")) from None
    finally:
        conn.close()


def read_body(response: http.client.HTTPResponse, sock: socket.socket, limit: int, deadline: float) -> bytes:
    """Read at most `limit` bytes, each read bounded by what is left of the deadline."""
    length = response.getheader("content-length")
    if length and length.isdigit() and int(length) > limit:
        raise FetchFailed(f"too large: {int(length)} bytes, the limit is {limit}")
    chunks: list[bytes] = []
    size = 0
    while True:
        sock.settimeout(remaining(deadline))
        chunk = response.read1(CHUNK)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            raise FetchFailed(f"too large: more than {limit} bytes")
        chunks.append(chunk)
