"""One request to one address for `weeknotes links`: its status line and a few headers, no body.

A HEAD (or, where HEAD is refused, a GET whose body is never read: the connection is closed
once the headers are in). One deadline covers the whole request, the name lookup included:
the lookup runs on a helper thread that is waited for no longer than the deadline, and a
timer shuts the socket when the deadline passes, so a server that drips its headers byte by
byte cannot hold us longer. Redirects are not followed here (links.py follows them, one
polite request at a time).
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from urllib.parse import quote, urlsplit

ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
NO_SUCH_HOST = frozenset({socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)})


class Unreachable(Exception):
    """No HTTP answer at all: `missing` (no such host) or `unsure` (a timeout, TLS, a refused connection)."""

    def __init__(self, outcome: str, message: str, timed_out: bool = False) -> None:
        super().__init__(message)
        self.outcome = outcome
        self.timed_out = timed_out


@dataclass(frozen=True)
class Reply:
    """What one request was answered (its body, if any, unread)."""

    status: int
    location: str | None = None
    retry_after: float | None = None
    """Seconds the server asked us to wait (Retry-After, RFC 9110 section 10.2.3), if it said."""

    @property
    def answer(self) -> str:
        """`404 Not Found`: the standard phrase, not the server's (which may change from run to run)."""
        try:
            return f"{self.status} {HTTPStatus(self.status).phrase}"
        except ValueError:
            return f"HTTP {self.status}"


def ask(method: str, url: str, agent: str, timeout: float) -> Reply:
    """Send one request (`HEAD` or `GET`) and read its status line and headers only."""
    parts = urlsplit(url)
    host, secure = parts.hostname or "", parts.scheme == "https"
    try:
        port = parts.port or (443 if secure else 80)
    except ValueError:
        raise Unreachable("unsure", "not an address that can be asked (its port is not a number from 1 to 65535)") \
            from None
    deadline = time.monotonic() + timeout
    addresses = resolve(host, port, timeout)
    left = max(0.001, deadline - time.monotonic())
    conn: http.client.HTTPConnection
    if secure:
        conn = http.client.HTTPSConnection(host, port, timeout=left, context=ssl.create_default_context())
    else:
        conn = http.client.HTTPConnection(host, port, timeout=left)
    # Connect to the address already looked up (within the deadline) rather than looking it up again.
    conn._create_connection = lambda _address, wait, _source: connect(addresses, wait)  # type: ignore[attr-defined]
    watchdog = threading.Timer(left, shut, (conn,))
    watchdog.daemon = True
    watchdog.start()
    try:
        conn.putrequest(method, request_target(parts.path, parts.query), skip_accept_encoding=True)
        for name, value in (("User-Agent", agent), ("Accept", ACCEPT), ("Accept-Encoding", "identity"),
                            ("Connection", "close")):
            conn.putheader(name, value)
        conn.endheaders()
        response = conn.getresponse()
        return Reply(response.status, response.getheader("location"),
                     retry_after(response.getheader("retry-after"), response.getheader("date")))
    except (OSError, http.client.HTTPException) as exc:
        raise failure(exc, time.monotonic() >= deadline) from None
    finally:
        watchdog.cancel()
        conn.close()  # the body, if any, is never read


def request_target(path: str, query: str) -> str:
    """The path and query as sent: letters beyond ASCII (a `Straße` in a path) percent-encoded
    in UTF-8, as a browser sends them; what is already percent-encoded stays as it is."""
    target = (path or "/") + (f"?{query}" if query else "")
    return quote(target, safe="/?#[]@!$&'()*+,;=:%-._~")


def resolve(host: str, port: int, timeout: float) -> list[tuple[int, tuple[str, int]]]:
    """The host's addresses, looked up on a helper thread waited for at most `timeout` seconds."""
    found: list[object] = []

    def lookup() -> None:
        try:
            found.append([(info[0], info[4]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)])
        except OSError as exc:
            found.append(exc)

    helper = threading.Thread(target=lookup, daemon=True)
    helper.start()
    helper.join(timeout)
    if not found:
        raise Unreachable("unsure", "timed out looking up the host name", timed_out=True)
    result = found[0]
    if isinstance(result, socket.gaierror) and result.errno in NO_SUCH_HOST:
        raise Unreachable("missing", "no such host")
    if isinstance(result, OSError):
        raise Unreachable("unsure", f"host name lookup failed ({result.strerror or result})")
    assert isinstance(result, list)
    return result


def connect(addresses: list[tuple[int, tuple[str, int]]], timeout: float) -> socket.socket:
    """A connection to the first of the addresses that takes one."""
    error: OSError = OSError("no address")
    for family, address in addresses:
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect(address)
            return sock
        except OSError as exc:
            sock.close()
            error = exc
    raise error


def shut(conn: http.client.HTTPConnection) -> None:
    """The deadline passed: end the exchange wherever it is (a blocked read returns at once)."""
    sock = conn.sock
    if sock is not None:
        with contextlib.suppress(OSError):  # already closed: nothing left to end
            sock.shutdown(socket.SHUT_RDWR)


def failure(exc: BaseException, late: bool) -> Unreachable:
    """Why there was no answer, in words that stay the same from run to run."""
    if late or isinstance(exc, TimeoutError):
        return Unreachable("unsure", "timed out", timed_out=True)
    if isinstance(exc, ssl.SSLCertVerificationError):
        return Unreachable("unsure", f"TLS error: {exc.verify_message or 'certificate not trusted'}")
    if isinstance(exc, ssl.SSLError):
        return Unreachable("unsure", f"TLS error: {exc.reason or 'handshake failed'}")
    if isinstance(exc, ConnectionRefusedError):
        return Unreachable("unsure", "connection refused")
    return Unreachable("unsure", f"connection failed ({exc.__class__.__name__})")


def retry_after(value: str | None, date: str | None) -> float | None:
    """Seconds to wait from a Retry-After header: delay-seconds, or an HTTP-date (counted
    from the answer's own Date when it has one, else from our clock)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = aware(parsedate_to_datetime(value))
        sent = aware(parsedate_to_datetime(date)) if date else datetime.now(UTC)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, (when - sent).total_seconds())


def aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
