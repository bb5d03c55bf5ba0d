"""A real WebSub hub on 127.0.0.1 for `weeknotes ping` tests (and a build hook for init's
Netlify function): it keeps every POST it is sent, and answers as told (204, an error
status, or never)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs

from tests.local_server import serving


@dataclass(frozen=True)
class Publish:
    """One POST the hub received: its form fields, and its content type."""

    fields: dict[str, list[str]]
    content_type: str


@dataclass
class Hub:
    url: str
    status: int = 204
    """What to answer; 0: never answer (a hanging hub)."""
    received: list[Publish] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    """Set when the test ends, so a hanging handler lets go."""


@contextmanager
def hub_server(status: int = 204) -> Iterator[Hub]:
    hub = Hub("", status)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode("ascii")
            hub.received.append(Publish(parse_qs(body),
                                        self.headers.get("Content-Type", "")))
            if hub.status == 0:
                hub.release.wait(30)
                return
            self.send_response(hub.status)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    with serving(lambda url: Handler) as url:
        hub.url = url + "/"
        try:
            yield hub
        finally:
            hub.release.set()  # a hanging answer ends before the server stops
