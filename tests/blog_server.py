"""A real HTTP server on 127.0.0.1 for `weeknotes fetch` tests: serves fixture feeds, logs requests.

Each path answers as its `Route` says: a body with validators (and 304 to a request that
sends them back), a redirect, an error status, a body sent slowly, or more bytes than a
feed may have. Every request is logged with its headers, so a test can show what was
asked for, and what was never asked for.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from tests.local_server import serving

DATA = Path(__file__).parent / "data" / "blogs"


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/xml"
    etag: str | None = None
    last_modified: str | None = None
    location: str | None = None
    drip: float = 0.0
    """Seconds to wait between bytes of the body: a slow server."""
    repeat: int = 1
    """Send the body this many times over (an oversize answer)."""


@dataclass(frozen=True)
class Logged:
    path: str
    headers: dict[str, str]


@dataclass
class FeedServer:
    url: str
    routes: dict[str, Route] = field(default_factory=dict)
    log: list[Logged] = field(default_factory=list)

    def feed(self, path: str, fixture: str, **options: object) -> str:
        """Serve tests/data/blogs/FIXTURE at PATH; return its URL."""
        kind = "application/feed+json" if fixture.endswith(".json") else "application/xml"
        self.routes[path] = Route(body=(DATA / fixture).read_bytes(), content_type=kind, **options)  # type: ignore[arg-type]
        return self.url + path

    def requests_for(self, path: str) -> list[Logged]:
        return [entry for entry in self.log if entry.path == path]


def make_handler(server: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def do_GET(self) -> None:
            server.log.append(Logged(self.path, {k.lower(): v for k, v in self.headers.items()}))
            route = server.routes.get(self.path)
            if route is None:
                self.send_response(404)
                self.end_headers()
                return
            if route.status == 200 and self.not_modified(route):
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(route.status)
            if route.location:
                self.send_header("Location", route.location)
            if route.status != 200:
                self.end_headers()
                return
            self.send_header("Content-Type", route.content_type)
            if route.etag:
                self.send_header("ETag", route.etag)
            if route.last_modified:
                self.send_header("Last-Modified", route.last_modified)
            self.end_headers()
            self.send_body(route)

        def not_modified(self, route: Route) -> bool:
            etag, since = self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")
            return bool((route.etag and etag == route.etag) or (route.last_modified and since == route.last_modified))

        def send_body(self, route: Route) -> None:
            try:
                if route.drip:
                    for byte in route.body:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(route.drip)
                else:
                    for _ in range(route.repeat):
                        self.wfile.write(route.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped reading: that is what the test wanted

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@contextmanager
def feed_server() -> Iterator[FeedServer]:
    servers: list[FeedServer] = []

    def handler_for(url: str) -> type[BaseHTTPRequestHandler]:
        servers.append(FeedServer(url))
        return make_handler(servers[0])

    with serving(handler_for):
        yield servers[0]
