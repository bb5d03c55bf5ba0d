"""serve's HTTP side: answer each request from the site current when it comes.

Files are read from the preview folder (and the search index beside it); HTML gets the
live-reload script and, while the last build failed, the error overlay (live_reload.py);
EVENTS_PATH streams build outcomes. Only responses are changed: the files on disk are
what `weeknotes build` writes.
"""

from __future__ import annotations

import errno
import mimetypes
import socket
import socketserver
import sys
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from weeknotes.base.errors import UsageError
from weeknotes.base.reporter import Reporter
from weeknotes.model import urls
from weeknotes.serve.live_reload import EVENTS_PATH, KEEPALIVE, Preview, decorate

MISS_WAIT = 10.0
"""How long a request waits for a running build before it is answered from what is there."""
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml; charset=utf-8",
    ".opml": "text/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".wasm": "application/wasm",
}

NO_SITE_PAGE = b"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>weeknotes serve</title></head>
<body><p>There is no site to show yet: the first build failed.</p></body></html>
"""

NOT_FOUND_PAGE = b"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Not found</title></head>
<body><p>Not found.</p></body></html>
"""


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    location: str = ""
    file: str = ""
    """The site's file it shows (`notes/hello/index.html`), for live reload ("" for none)."""


def lookup(preview: Preview, url_path: str) -> Response:
    """The file a URL path names, read from the site that is current when the request comes."""
    names = [name for name in unquote(url_path).split("/") if name not in ("", ".")]
    if any(name == ".." or "\\" in name or "\0" in name for name in names):
        return not_found(preview)
    try:
        return read_file(preview, names, url_path)
    except OSError:
        # A first build swaps a whole folder in (two renames), and a rebuild may add the
        # page asked for: a request that missed while a build ran tries once more after it.
        preview.wait_until_idle(MISS_WAIT)
    try:
        return read_file(preview, names, url_path)
    except OSError:
        return not_found(preview)


def read_file(preview: Preview, names: list[str], url_path: str) -> Response:
    root = preview.site_dir
    if names[:1] == [urls.PAGEFIND_DIR] and preview.search_dir.is_dir():
        root, names = preview.search_dir, names[1:]
    target = root.joinpath(*names)
    if target.is_dir():
        if not url_path.endswith("/"):
            return Response(301, content_type="text/plain", location=url_path + "/")
        target = target / urls.INDEX
        names = [*names, urls.INDEX]
    return Response(200, target.read_bytes(), content_type_of(target), file="/".join(names))


def not_found(preview: Preview) -> Response:
    if not preview.has_site:
        return Response(500, NO_SITE_PAGE)
    try:
        # No `file`: a tab showing "not found" reloads on every build, which may make the page.
        return Response(404, (preview.site_dir / urls.NOT_FOUND).read_bytes())
    except OSError:
        return Response(404, NOT_FOUND_PAGE)


def content_type_of(path: Path) -> str:
    suffix = path.suffix.lower()
    return CONTENT_TYPES.get(suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], preview: Preview, reporter: Reporter) -> None:
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.preview = preview
        self.reporter = reporter
        super().__init__(address, PreviewHandler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks the host name up (socket.getfqdn), which can take
        # seconds on a machine with slow DNS; the name is never used here.
        socketserver.TCPServer.server_bind(self)
        self.server_name = str(self.server_address[0])
        self.server_port = int(self.server_address[1])

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if not isinstance(error, ConnectionError):  # a closed tab is not worth a word
            self.reporter.notice(f"weeknotes serve: could not answer a request: {error!r}")


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "weeknotes-serve"
    sys_version = ""

    def do_GET(self) -> None:
        self.respond(send_body=True)

    def do_HEAD(self) -> None:
        self.respond(send_body=False)

    def log_message(self, format: str, *args: Any) -> None:
        return  # one line per request would bury the build reports

    def respond(self, send_body: bool) -> None:
        path = urlsplit(self.path).path or "/"
        if path == EVENTS_PATH:
            self.stream_events()
            return
        preview = self.server.preview
        # A page read while a build replaces the site could be newer than the outcome beside
        # it (a fixed page under the overlay of the error just fixed): wait for the build.
        preview.wait_until_idle(MISS_WAIT)
        outcome = preview.outcome()  # before the file: a newer page with an older id only reloads once more
        response = lookup(preview, path)
        body = response.body
        if response.content_type.startswith("text/html"):
            body = decorate(body, outcome, response.file)
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        if response.location:
            self.send_header("Location", response.location)
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def stream_events(self) -> None:
        """Send the current build outcome, then each new one, until the browser goes away."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(b"retry: 500\n\n")
        seen: str | None = None
        while (outcome := self.server.preview.next_outcome(seen, KEEPALIVE)) is not None:
            self.wfile.write(outcome.event() if outcome.id != seen else b": still here\n\n")
            self.wfile.flush()
            seen = outcome.id


def open_server(host: str, port: int, preview: Preview, reporter: Reporter) -> PreviewServer:
    """Listen on host:port, or explain in one line why not (exit status 2)."""
    try:
        return PreviewServer((host, port), preview, reporter)
    except OverflowError as exc:
        raise UsageError(f"--port must be between 0 and 65535, not {port}") from exc
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise UsageError(
                f"port {port} on {host} is already in use (is another `weeknotes serve` running?)\n"
                "  hint: stop the other server, choose another port with --port N, "
                "or use --port 0 to pick a free one"
            ) from exc
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc


def url_host(host: str) -> str:
    if host in ("", "0.0.0.0"):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host
