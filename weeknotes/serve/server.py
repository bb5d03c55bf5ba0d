"""`weeknotes serve`: build into a temporary folder, serve it, rebuild on save, reload the page.

Three kinds of thread share one `Preview` (live_reload.py):

    watchdog thread   queues the paths that changed (watch.py)
    builder thread    rebuilds once per settled burst of changes, keeping what it can
                      between builds; the outcome goes to the browsers and the terminal;
                      then the search index follows (rebuild_loop.py)
    request threads   answer each request from the site current when it comes; HTML gets
                      the live-reload script (serve_http.py, live_reload.py)

This module is the command: the session's folder, the threads, and a clean stop.
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from types import FrameType

from weeknotes.base.errors import UsageError
from weeknotes.base.reporter import Reporter
from weeknotes.output.build import BuildOptions
from weeknotes.serve.live_reload import Preview
from weeknotes.serve.rebuild_loop import Builder, load_renders
from weeknotes.serve.serve_http import open_server, url_host
from weeknotes.serve.watch import Roots, Watcher
from weeknotes.source.sources import display_path

PREFIX = "weeknotes-serve-"
"""Each session builds into a new temporary folder named like this, and removes it on exit."""
OWNER = "owner.pid"


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
