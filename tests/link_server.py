"""A real HTTP server on 127.0.0.1 playing the web for `weeknotes links` tests.

Each path answers as its `Route` says, one `Answer` per request in turn (the last one for
every request after): a status with headers, a different status to HEAD, an answer sent
only after a delay or dripped byte by byte, a body far larger than anyone should read. The
server is threaded, so requests made at once are served at once, and its log keeps each
request's method, headers, start and end, and how many requests were under way with it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

from tests.local_server import serving


@dataclass(frozen=True)
class Answer:
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    head_status: int | None = None
    """What HEAD is answered instead (405: HEAD refused), if not `status`."""
    delay: float = 0.0
    """Seconds before anything is sent: a slow server."""
    drip: float = 0.0
    """Seconds between the bytes of the status line and headers: a server that never stops sending."""
    body_size: int = 0
    """Bytes of body sent to GET."""


def redirect(status: int, location: str) -> Answer:
    return Answer(status, (("Location", location),))


@dataclass
class Route:
    answers: list[Answer]
    served: int = 0

    def next(self) -> Answer:
        answer = self.answers[min(self.served, len(self.answers) - 1)]
        self.served += 1
        return answer


@dataclass(frozen=True)
class Logged:
    method: str
    path: str
    headers: dict[str, str]
    start: float
    """time.monotonic() when the request line was read."""
    end: float
    """When the answer was written (or the client went away)."""
    at_once: int
    """Requests under way when this one started, itself included."""
    body_sent: int


@dataclass
class LinkServer:
    url: str
    routes: dict[str, Route] = field(default_factory=dict)
    log: list[Logged] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    under_way: int = 0

    def route(self, path: str, *answers: Answer) -> str:
        """Answer requests for `path` with `answers` in turn; return its address."""
        self.routes[path] = Route(list(answers))
        return self.url + path

    def requests_for(self, path: str) -> list[Logged]:
        return [entry for entry in self.log if entry.path == path]

    def wait_until_idle(self) -> None:
        """Let requests the client gave up on finish (a slow answer notices only when it next writes)."""
        for _ in range(200):
            with self.lock:
                if self.under_way == 0:
                    return
            time.sleep(0.05)

    def overlapping(self) -> list[Logged]:
        """Requests that started while another was under way."""
        return [entry for entry in self.log if entry.at_once > 1]


def make_handler(server: LinkServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_HEAD(self) -> None:
            self.answer("HEAD")

        def do_GET(self) -> None:
            self.answer("GET")

        def answer(self, method: str) -> None:
            with server.lock:
                server.under_way += 1
                at_once = server.under_way
                route = server.routes.get(self.path.split("?")[0])
                answer = route.next() if route else Answer(404)
            start, self.sent = time.monotonic(), 0
            try:
                self.send(method, answer)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped listening: what a polite client does with a body
            finally:
                with server.lock:
                    server.under_way -= 1
                    server.log.append(Logged(method, self.path, {k.lower(): v for k, v in self.headers.items()},
                                             start, time.monotonic(), at_once, self.sent))
                self.close_connection = True

        sent = 0

        def send(self, method: str, answer: Answer) -> None:
            time.sleep(answer.delay)
            status = answer.head_status if method == "HEAD" and answer.head_status else answer.status
            head = f"HTTP/1.1 {status} Whatever\r\n"
            head += "".join(f"{name}: {value}\r\n" for name, value in answer.headers)
            size = answer.body_size if method == "GET" else 0
            head += f"Content-Length: {size}\r\nConnection: close\r\n\r\n"
            if answer.drip:
                for byte in head.encode():
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(answer.drip)
            else:
                self.wfile.write(head.encode())
            self.wfile.flush()
            chunk = b"x" * 65536
            while self.sent < size:
                self.wfile.write(chunk)
                self.sent += len(chunk)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@contextmanager
def link_server() -> Iterator[LinkServer]:
    servers: list[LinkServer] = []

    def handler_for(url: str) -> type[BaseHTTPRequestHandler]:
        servers.append(LinkServer(url))
        return make_handler(servers[0])

    with serving(handler_for):
        yield servers[0]
