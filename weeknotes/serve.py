"""`weeknotes serve`: build into a temporary folder, serve it, rebuild on save, reload the page.

Three kinds of thread share one `Preview`:

    watchdog thread   queues the paths that changed (watch.py)
    builder thread    takes a settled burst of changes and rebuilds, keeping a `Warm` state
                      (rendered Markdown, Jinja environments) between builds; the build puts
                      each changed file in place atomically (write.py); the outcome goes to the
                      browsers; then the search index is built, off the path from save to page
    request threads   resolve each request against the current site when it comes; HTML gets
                      the live-reload script (and the error overlay while the last build
                      failed); EVENTS_PATH is a Server-Sent Events stream of build outcomes

Only responses are changed: the files on disk are what `weeknotes build` writes.
"""

from __future__ import annotations

import errno
import html
import json
import mimetypes
import os
import secrets
import shutil
import signal
import socket
import socketserver
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import unquote, urlsplit

from weeknotes import search
from weeknotes.build import BuildOptions, BuildResult, Warm, build
from weeknotes.cache import CACHE_DIR, RenderCache
from weeknotes.errors import ContentErrors, Problem, UsageError, WeeknotesError
from weeknotes.report import Reporter
from weeknotes.sources import display_path
from weeknotes.watch import Burst, Change, Roots, Watcher
from weeknotes.wording import counted
from weeknotes.workers import Workers

EVENTS_PATH = "/__weeknotes/events"
KEEPALIVE = 15.0
"""Seconds between comments on an idle event stream, so a closed tab is noticed."""
MISS_WAIT = 10.0
"""How long a request waits for a running build before it is answered from what is there."""
PREFIX = "weeknotes-serve-"
"""Each session builds into a new temporary folder named like this, and removes it on exit."""
OWNER = "owner.pid"

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

RELOAD_SCRIPT = """<script data-weeknotes-live-reload>
(() => {
  const shown = %s;
  const events = new EventSource("%s");
  events.addEventListener("build", (event) => {
    if (JSON.parse(event.data).id !== shown) { events.close(); location.reload(); }
  });
})();
</script>
"""

OVERLAY = """<div id="weeknotes-build-errors" role="alert" style="position:fixed;top:0;left:0;\
right:0;z-index:2147483647;max-height:80vh;overflow:auto;margin:0;padding:1em 1.5em;\
background:#fff4f4;color:#5c0000;border-bottom:4px solid #c00;font:14px/1.5 system-ui,sans-serif;\
text-align:left">
<button type="button" onclick="this.parentNode.remove()" style="float:right">Hide</button>
<strong>%s</strong>
<pre style="white-space:pre-wrap;font:13px/1.45 ui-monospace,monospace;margin:.75em 0 0">%s</pre>
</div>
"""

NO_SITE_PAGE = b"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>weeknotes serve</title></head>
<body><p>There is no site to show yet: the first build failed.</p></body></html>
"""

NOT_FOUND_PAGE = b"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Not found</title></head>
<body><p>Not found.</p></body></html>
"""


# --- what the browser sees -----------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """The latest build, as browsers see it."""

    id: str
    """Changes whenever what a browser would show changes; a page reloads when it differs."""
    errors: tuple[str, ...] = ()
    """`PATH:LINE: error:` reports while the last build failed; empty when it worked."""

    def event(self) -> bytes:
        data = json.dumps({"id": self.id, "ok": not self.errors, "errors": list(self.errors)})
        return f"event: build\ndata: {data}\n\n".encode()


class Preview:
    """What the builder thread and the request threads share, behind one condition."""

    def __init__(self, root: Path) -> None:
        self.site_dir = root / "site"
        self.search_dir = root / "search"
        self._session = secrets.token_hex(4)
        self._generation = 0
        self._outcome = Outcome(f"{self._session}-0")
        self._busy = True  # until the first build is done
        self._closing = False
        self.has_site = False
        self._changed = threading.Condition()

    def outcome(self) -> Outcome:
        with self._changed:
            return self._outcome

    @contextmanager
    def busy(self) -> Iterator[None]:
        """Mark the site as being replaced; requests that miss a file wait until this ends."""
        with self._changed:
            self._busy = True
        try:
            yield
        finally:
            with self._changed:
                self._busy = False
                self._changed.notify_all()

    def publish(self, errors: tuple[str, ...], built: bool) -> None:
        with self._changed:
            self._generation += 1
            self._outcome = Outcome(f"{self._session}-{self._generation}", errors)
            self.has_site = self.has_site or built
            self._changed.notify_all()

    def wait_until_idle(self, timeout: float) -> None:
        with self._changed:
            self._changed.wait_for(lambda: not self._busy or self._closing, timeout)

    def next_outcome(self, seen: str | None, timeout: float) -> Outcome | None:
        """The outcome once its id differs from `seen` (or after `timeout`); None when closing."""
        with self._changed:
            self._changed.wait_for(lambda: self._closing or self._outcome.id != seen, timeout)
            return None if self._closing else self._outcome

    def close(self) -> None:
        with self._changed:
            self._closing = True
            self._changed.notify_all()


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    location: str = ""


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
    if names[:1] == ["pagefind"] and preview.search_dir.is_dir():
        root, names = preview.search_dir, names[1:]
    target = root.joinpath(*names)
    if target.is_dir():
        if not url_path.endswith("/"):
            return Response(301, content_type="text/plain", location=url_path + "/")
        target = target / "index.html"
    return Response(200, target.read_bytes(), content_type_of(target))


def not_found(preview: Preview) -> Response:
    if not preview.has_site:
        return Response(500, NO_SITE_PAGE)
    try:
        return Response(404, (preview.site_dir / "404.html").read_bytes())
    except OSError:
        return Response(404, NOT_FOUND_PAGE)


def content_type_of(path: Path) -> str:
    suffix = path.suffix.lower()
    return CONTENT_TYPES.get(suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def decorate(page: bytes, outcome: Outcome) -> bytes:
    """Add the live-reload script, and the error overlay while the last build failed."""
    extra = RELOAD_SCRIPT % (json.dumps(outcome.id), EVENTS_PATH)
    if outcome.errors:
        count = len(outcome.errors)
        title = (
            f"weeknotes: the last build failed with {counted(count, 'error')}; "
            "this is the last good build. Fix the file and save: the page reloads by itself."
        )
        extra = OVERLAY % (html.escape(title), html.escape("\n\n".join(outcome.errors))) + extra
    at = page.lower().rfind(b"</body>")
    at = len(page) if at < 0 else at
    return page[:at] + extra.encode() + page[at:]


# --- the HTTP server -----------------------------------------------------------------------


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
            body = decorate(body, outcome)
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


# --- the builder ---------------------------------------------------------------------------


def load_renders(options: BuildOptions) -> RenderCache:
    """The Markdown cache, read from disk once; serve keeps it in memory and never saves it."""
    return RenderCache(options.content / CACHE_DIR).detached() if options.use_cache else RenderCache(None)


def prune(cache: RenderCache) -> None:
    """Keep what the last build used, so a long session does not keep every version of a note."""
    if cache.used:  # empty when the build stopped before rendering (a broken site.yaml)
        cache.keep_only(cache.used)
        cache.used = set()


class Builder:
    """The one thread that builds: the first build, then one rebuild per burst of changes."""

    def __init__(
        self,
        options: BuildOptions,
        preview: Preview,
        watcher: Watcher,
        stop: threading.Event,
        renders: RenderCache,
        reporter: Reporter,
    ) -> None:
        self.options = options
        self.reporter = reporter
        self.preview = preview
        self.watcher = watcher
        self.stop = stop
        self.warm = Warm(renders)
        self.errors: tuple[str, ...] = ()
        self.warnings: list[Problem] = []
        self.files = 0
        self.search_stale = False
        self.bundles: list[search.Bundle] = []

    def run(self) -> None:
        while not self.stop.is_set():
            burst = self.watcher.next_burst(self.stop, timeout=0.5 if self.search_stale else None)
            if burst is not None:
                self.rebuild(burst)
            elif self.search_stale and not self.watcher.pending():
                self.index_search()

    def rebuild(self, burst: Burst | None) -> None:
        """Build once, publish the outcome to browsers, and report it in the terminal."""
        # Watch new folders (a site's own themes/, just made) before the build reads them:
        # an edit saved after this is seen, one saved before is in this build.
        self.watcher.refresh()
        if burst is not None and burst.kind is Change.CONFIG:
            self.warm = Warm(RenderCache(None))  # site.yaml: a full rebuild, nothing kept
        elif burst is not None and burst.kind is Change.THEME:
            self.warm.environments.clear()  # a new override template must be found afresh
        with self.preview.busy():
            result, errors = self.attempt()
            news = errors != self.errors or (
                result is not None and (result.stats.written > 0 or result.stats.total != self.files)
            )
            if news:
                self.preview.publish(errors, built=result is not None)
        prune(self.warm.renders)
        self.report(result, errors, burst)
        self.errors = errors
        if result is not None:
            self.files = result.stats.total
            manifest = self.warm.manifest.files if self.warm.manifest else {}
            self.bundles = search.plan_bundles(result.site, {rel: known[1] for rel, known in manifest.items()})
            self.search_stale = news or self.search_stale
            if self.search_stale:
                self.index_search()

    def attempt(self) -> tuple[BuildResult | None, tuple[str, ...]]:
        """Build; a failed build is a list of error reports, never an exception."""
        try:
            # Never fork here: the server's threads would be copied half-way through their work.
            return build(self.options, self.warm, self.reporter, Workers(parallel=False)), ()
        except ContentErrors as exc:
            return None, tuple(problem.format() for problem in exc.problems)
        except WeeknotesError as exc:
            return None, (f"error: {exc}",)
        except Exception as exc:  # a bug must not stop the preview either
            return None, (
                f"weeknotes: internal error (a bug in weeknotes, not in your content): {type(exc).__name__}: {exc}",
            )

    def report(self, result: BuildResult | None, errors: tuple[str, ...], burst: Burst | None) -> None:
        if self.stop.is_set():
            return
        if result is None:
            kept = "still serving the last good build" if self.preview.has_site else "nothing to serve yet"
            self.reporter.failed(errors, kept)
            return
        if sorted(result.warnings) != self.warnings:
            self.warnings = sorted(result.warnings)
            self.reporter.warnings(self.warnings)
        if burst is None:
            self.reporter.built(result.site, result.stats, result.seconds, self.options.output)
            return
        since = time.perf_counter() - burst.first_seen
        self.reporter.rebuilt(result.stats, result.seconds, since, fixed=bool(self.errors))

    def index_search(self) -> None:
        """Bring the index beside the site up to date; give up as soon as a change comes."""
        try:
            done = search.update_index(self.preview.site_dir, self.preview.search_dir, self.bundles,
                                       lambda: self.watcher.pending() or self.stop.is_set())
        except WeeknotesError as exc:
            done = True
            self.reporter.notice(f"{exc}\n  search does not work here until the next change")
        self.search_stale = not done  # else the next build indexes the next site


# --- the command ---------------------------------------------------------------------------


def make_root() -> Path:
    """A new folder for this session's site, after removing those of sessions that were killed."""
    remove_orphans(Path(tempfile.gettempdir()))
    root = Path(tempfile.mkdtemp(prefix=PREFIX))
    (root / OWNER).write_text(f"{os.getpid()}\n")
    return root


def remove_orphans(base: Path) -> None:
    """Remove preview folders whose `weeknotes serve` is gone (killed before it could tidy up)."""
    for owner in base.glob(f"{PREFIX}*/{OWNER}"):
        try:
            os.kill(int(owner.read_text()), 0)
        except ProcessLookupError:
            shutil.rmtree(owner.parent, ignore_errors=True)
        except (OSError, ValueError):
            continue  # another user's, or being written: leave it


def start_thread(target: Callable[[], None], name: str) -> threading.Thread:
    thread = threading.Thread(target=target, name=name, daemon=True)
    thread.start()
    return thread


@contextmanager
def interrupt_on_sigterm() -> Iterator[None]:
    """Stop on SIGTERM as on Ctrl-C, so the temporary site is removed either way."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def serve(options: BuildOptions, host: str, port: int, reporter: Reporter) -> int:
    """Build, serve and rebuild on every change until Ctrl-C; return the exit status."""
    if not options.content.is_dir():
        raise UsageError(
            f"content directory {options.content} does not exist\n"
            "  hint: give the folder that holds site.yaml with --content DIR"
        )
    root = make_root()
    preview = Preview(root)
    try:
        server = open_server(host, port, preview, reporter)
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise
    url = f"http://{url_host(host)}:{server.server_port}/"
    renders = load_renders(options)
    # Pages link relatively; 404.html and feeds use base_url, so point it at this server.
    # The cache lives in memory from here on: nothing is written into the content folder.
    options = replace(
        options,
        output=preview.site_dir,
        base_url=options.base_url or url,
        search_index=False,
        use_cache=False,
    )
    stop = threading.Event()
    watcher = Watcher(Roots.of_site(options.content))
    builder = Builder(options, preview, watcher, stop, renders, reporter)
    threads: list[threading.Thread] = []
    try:
        with interrupt_on_sigterm():
            reporter.info(f"weeknotes serve: {url} (Ctrl-C to stop)")
            watcher.start()  # before the first build, so a save during it is not missed
            threads.append(start_thread(lambda: server.serve_forever(0.1), "weeknotes-http"))
            builder.rebuild(None)
            reporter.info(f"watching {display_path(options.content)} and the theme for changes")
            threads.append(start_thread(builder.run, "weeknotes-builder"))
            while threads[-1].is_alive():
                threads[-1].join(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        preview.close()
        watcher.stop()
        if threads:
            server.shutdown()
        server.server_close()
        for thread in threads[1:]:
            thread.join(10)
        shutil.rmtree(root, ignore_errors=True)
    reporter.info("stopped.")
    return 0
