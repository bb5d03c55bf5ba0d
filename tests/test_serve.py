"""`weeknotes serve`, driven as a user drives it: a real server on a free port, real file edits.

Every wait is bounded (poll every few milliseconds, give up after WAIT seconds), and every
assertion is on what the server answers: pages, status codes, and the Server-Sent Events
stream that tells browsers to reload.
"""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SITE_YAML, Run, SiteDir, note
from weeknotes.base.reporter import RecordingReporter
from weeknotes.output.build import BuildOptions, build
from weeknotes.serve.live_reload import EVENTS_PATH
from weeknotes.serve.server import OWNER, PREFIX, remove_orphans
from weeknotes.serve.warm import WarmSession
from weeknotes.serve.watch import Change, Roots
from weeknotes.source.cache import RenderCache
from weeknotes.source.sources import display_path

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "content"
WAIT = 10.0
EPOCH = "1795000000"  # the `run` fixture's "now", so served and built pages can be compared
EXAMPLE_EPOCH = "1795132800"  # 2026-11-20, the example site's last day
HOOK = "data-weeknotes-live-reload"
OVERLAY = 'id="weeknotes-build-errors"'


def hear_ctrl_c() -> None:
    """In the server's process, before it starts: Ctrl-C as in a terminal. A suite started in
    the background by a shell without job control (`(cmd &)`, `nohup`) hands its children
    SIGINT ignored, and Python keeps it so: the server would never hear the tests' Ctrl-C."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Server:
    """`weeknotes serve --port 0` in a subprocess; its output is collected as it comes."""

    def __init__(self, content: Path, *args: str, epoch: str = EPOCH) -> None:
        command = [
            sys.executable,
            "-m",
            "weeknotes",
            "serve",
            "--content",
            str(content),
            "--port",
            "0",
            *args,
        ]
        env = {**os.environ, "SOURCE_DATE_EPOCH": epoch, "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            command,
            cwd=content.parent,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            preexec_fn=hear_ctrl_c,
        )
        self.lines: list[str] = []
        self.pump = threading.Thread(target=self._pump, daemon=True)
        self.pump.start()
        found = poll(lambda: re.search(r"http://\S+/", self.output), what="the server's URL")
        self.url = found.group(0)

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url + path.lstrip("/"), timeout=WAIT) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8")

    def wait_for(self, path: str, test: Callable[[int, str], bool], what: str) -> str:
        """Fetch `path` until `test(status, text)` holds; the text, or fail after WAIT seconds."""

        def check() -> str | None:
            assert self.process.poll() is None, f"the server died:\n{self.output}"
            status, text = self.get(path)
            return text if test(status, text) else None

        text: str = poll(check, what=lambda: f"{path}: {what}\n--- server output:\n{self.output}")
        return text

    def interrupt(self) -> int:
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=WAIT)
        poll(lambda: self.output.endswith("stopped.\n") or None, what="the server's last words")
        return code

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # so it removes its temporary site
            try:
                self.process.wait(timeout=WAIT)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.process.wait(timeout=WAIT)
        self.pump.join(WAIT)
        assert self.process.stdout is not None
        self.process.stdout.close()


class Events:
    """A browser's Server-Sent Events connection: each `build` event's data, in order."""

    def __init__(self, url: str) -> None:
        self.response = urllib.request.urlopen(url + EVENTS_PATH.lstrip("/"), timeout=WAIT)
        assert self.response.headers["Content-Type"] == "text/event-stream"
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        kind = ""
        try:
            for raw in self.response:
                line = raw.decode("utf-8").rstrip("\n")
                if line.startswith("event: "):
                    kind = line.removeprefix("event: ")
                elif line.startswith("data: ") and kind == "build":
                    self.events.put(json.loads(line.removeprefix("data: ")))
        except (OSError, ValueError):
            return  # the server went away

    def next(self) -> dict[str, Any]:
        try:
            return self.events.get(timeout=WAIT)
        except queue.Empty:
            pytest.fail(f"no build event within {WAIT}s")

    def close(self) -> None:
        self.response.close()


def poll(check: Callable[[], Any], what: str | Callable[[], str]) -> Any:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.02)
    pytest.fail(f"waited {WAIT}s for {what() if callable(what) else what}")


@pytest.fixture
def serve() -> Iterator[Callable[..., Server]]:
    servers: list[Server] = []

    def start(content: Path, *args: str, epoch: str = EPOCH) -> Server:
        servers.append(Server(content, *args, epoch=epoch))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A copy of the example site, which no test wrote: 60-odd items, search on."""
    shutil.copytree(EXAMPLE, tmp_path / "content", ignore=shutil.ignore_patterns(".weeknotes-cache"))
    return tmp_path / "content"


def body_of(page: str) -> str:
    return page.split("<main", 1)[1]


# --- a real server -------------------------------------------------------------------------


def test_edit_to_a_title_shows_on_its_page_and_is_announced(serve: Callable[..., Server], example: Path) -> None:
    server = serve(example, epoch=EXAMPLE_EPOCH)
    page = "notes/winter-comes-back-to-the-reading-room/"
    first = server.wait_for(page, lambda status, text: status == 200, "the first build")
    assert "<title>Winter comes back to the reading room" in first and HOOK in first
    events = Events(server.url)
    assert events.next()["ok"] is True  # a browser hears the current build as soon as it connects

    source = example / "notes/zoe/2026-11-20-winter-comes-back-to-the-reading-room.md"
    started = time.perf_counter()
    source.write_text(
        source.read_text(encoding="utf-8").replace(
            "title: Winter comes back to the reading room",
            "title: Winter returns to the reading room",
        ),
        encoding="utf-8",
    )
    server.wait_for(page, lambda status, text: "Winter returns to the reading room" in text, "the new title")
    seconds = time.perf_counter() - started
    print(f"\nedit-to-page on the example site: {seconds:.3f}s")
    assert seconds < 5, server.output
    # First the saved note's own page, ahead of the rest of the rebuild: only it changed so far.
    ahead = events.next()
    assert ahead["ok"] is True and ahead["files"] == [f"{page}index.html"], ahead
    # Then the rest: the pages listing the note changed, its own page did not again, and a
    # page showing none of the files (the about page) keeps its place instead of reloading.
    rest = events.next()
    assert rest["since"] == ahead["id"], (ahead, rest)
    assert "index.html" in rest["files"] and "feed.xml" in rest["files"], rest
    assert f"{page}index.html" not in rest["files"] and "about/index.html" not in rest["files"], rest
    status, reloaded = server.get(page)  # what the browser then fetches
    assert status == 200 and "Winter returns" in reloaded
    assert rest["id"] in reloaded, (rest, server.output)
    report = poll(lambda: re.search(r"rebuilt in .*the saved page was shown after (\d+\.\d+)s", server.output),
                  what="the rebuild report")
    assert float(report.group(1)) <= seconds + 0.005  # shown before the test saw it (the report rounds)
    events.close()


def test_a_broken_note_keeps_the_server_up_and_shows_the_error_until_it_is_fixed(
    serve: Callable[..., Server], site: SiteDir
) -> None:
    site.write("notes/2026-11-16-hello.md", note("Hello"))
    broken = site.write("notes/2026-11-17-second.md", note("Second"))
    server = serve(site.content)
    server.wait_for("notes/hello/", lambda status, text: status == 200 and "Hello" in text, "the first build")
    events = Events(server.url)
    assert events.next()["ok"] is True

    broken.write_text(note("Second", author='"<b>nobody</b>"'), encoding="utf-8")
    failed = events.next()
    assert failed["ok"] is False
    assert failed["errors"][0].startswith("content/notes/2026-11-17-second.md:4: error: unknown author")
    page = server.wait_for("notes/hello/", lambda status, text: OVERLAY in text, "the error overlay")
    assert "content/notes/2026-11-17-second.md:4: error: unknown author &#x27;&lt;b&gt;nobody&lt;/b&gt;&#x27;" in page
    assert "<b>nobody</b>" not in page  # the overlay escapes what it quotes
    assert "<h1" in page and "Hello" in page  # over the last good page
    status, second = server.get("notes/second/")
    assert status == 200 and OVERLAY in second and "Second" in second
    reported = "content/notes/2026-11-17-second.md:4: error: unknown author '<b>nobody</b>'"
    poll(lambda: reported in server.output, what="the error in the terminal")
    assert server.process.poll() is None

    broken.write_text(note("Second, fixed", author="ben"), encoding="utf-8")
    assert events.next()["ok"] is True
    fixed = server.wait_for("notes/second/", lambda status, text: "Second, fixed" in text, "the fix")
    assert OVERLAY not in fixed and HOOK in fixed
    assert "Traceback" not in server.output
    events.close()


def test_theme_and_settings_changes_rebuild_and_template_errors_show(
    serve: Callable[..., Server], site: SiteDir
) -> None:
    site.write("notes/2026-11-16-hello.md", note("Hello"))
    server = serve(site.content)
    server.wait_for("notes/hello/", lambda status, text: status == 200, "the first build")
    override = site.root / "themes/default/templates/item.html"
    override.parent.mkdir(parents=True)
    override.write_text('{% extends "base.html" %}\n{% block main %}<p>Overridden {{ item.title }</p>{% endblock %}\n')
    page = server.wait_for("notes/hello/", lambda status, text: OVERLAY in text, "the template error")
    assert "themes/default/templates/item.html:2: error: template error" in page

    override.write_text('{% extends "base.html" %}\n{% block main %}<p>Overridden {{ item.title }}</p>{% endblock %}\n')
    fixed = server.wait_for("notes/hello/", lambda status, text: "<p>Overridden Hello</p>" in text, "the override")
    assert OVERLAY not in fixed

    site.write("site.yaml", SITE_YAML.replace("Test Circle", "Renamed Circle"))
    server.wait_for("notes/hello/", lambda status, text: "Renamed Circle" in text, "the new title")


def test_a_catalog_edit_is_served_on_every_page(serve: Callable[..., Server], site: SiteDir) -> None:
    """A site's own translation is picked up on save, like a template, and reaches pages it changes."""
    site.write("site.yaml", SITE_YAML + "language: cy\n")
    site.write("notes/2026-11-16-hello.md", note("Helo"))
    server = serve(site.content)
    server.wait_for("notes/hello/", lambda status, text: ">Diweddaraf<" in text, "the Welsh build")
    catalog = site.root / "themes/default/locales/cy/LC_MESSAGES/messages.po"
    catalog.parent.mkdir(parents=True)
    catalog.write_text('msgid "Latest"\nmsgstr "Y diweddaraf"\n', encoding="utf-8")
    server.wait_for("notes/hello/", lambda status, text: ">Y diweddaraf<" in text, "the site's own word")
    server.wait_for("weeks/", lambda status, text: ">Y diweddaraf<" in text and ">Pobl<" in text, "every page")
    catalog.write_text('msgid "Latest"\nmsgstr "Newydd"\n', encoding="utf-8")
    server.wait_for("", lambda status, text: ">Newydd<" in text, "the edited word")


def test_a_site_that_never_built_shows_its_errors_then_recovers(serve: Callable[..., Server], site: SiteDir) -> None:
    site.write("notes/2026-11-16-hello.md", note("Hello", date="someday"))
    server = serve(site.content)
    page = server.wait_for("", lambda status, text: status == 500 and OVERLAY in text, "the error page")
    assert "content/notes/2026-11-16-hello.md:3: error: `date` must be a date" in page and HOOK in page
    site.write("notes/2026-11-16-hello.md", note("Hello"))
    server.wait_for("notes/hello/", lambda status, text: status == 200 and OVERLAY not in text, "the fixed site")


def test_requests_during_rebuilds_never_see_a_missing_or_half_written_page(
    serve: Callable[..., Server], site: SiteDir
) -> None:
    site.write("notes/2026-11-16-hello.md", note("Hello"))
    server = serve(site.content)
    server.wait_for("notes/hello/", lambda status, text: status == 200, "the first build")
    answers: list[tuple[int, bool]] = []
    stop = threading.Event()

    def fetch_all_the_time() -> None:
        while not stop.is_set():
            status, text = server.get("notes/hello/")
            answers.append((status, text.rstrip().endswith("</html>") and HOOK in text))

    reader = threading.Thread(target=fetch_all_the_time)
    reader.start()
    try:
        for number in range(5):
            site.write("notes/2026-11-16-hello.md", note(f"Hello {number}"))
            def shows_it(status: int, text: str, n: int = number) -> bool:
                return f"Hello {n}<" in text

            server.wait_for("notes/hello/", shows_it, "the edit")
    finally:
        stop.set()
        reader.join(WAIT)
    assert len(answers) > 10
    assert set(answers) == {(200, True)}


def test_the_reload_hook_is_in_served_pages_only(
    serve: Callable[..., Server], site: SiteDir, build: Callable[..., Run]
) -> None:
    site.write("notes/2026-11-16-hello.md", note("Hello"))
    server = serve(site.content)
    served = server.wait_for("notes/hello/", lambda status, text: status == 200, "the first build")
    assert served.count(HOOK) == 1 and EVENTS_PATH in served

    build("--audience", "internal", "--drafts", "--base-url", server.url)
    built = {rel: data for rel, data in site.files().items()}
    assert not [rel for rel, data in built.items() if b"__weeknotes" in data or HOOK.encode() in data]
    # Served and built pages differ by the hook and nothing else.
    hook = re.search(r"<script data-weeknotes-live-reload>.*?</script>\n", served, re.S)
    assert hook is not None
    assert served.replace(hook.group(0), "") == built["notes/hello/index.html"].decode("utf-8")


def test_a_port_in_use_is_a_clear_error(site: SiteDir) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "weeknotes",
                "serve",
                "--content",
                str(site.content),
                "--port",
                str(port),
            ],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    assert result.returncode == 2
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "--port 0" in result.stderr and "Traceback" not in result.stderr


def test_ctrl_c_stops_cleanly_and_removes_the_preview(serve: Callable[..., Server], site: SiteDir) -> None:
    site.write("notes/2026-11-16-hello.md", note("Hello"))
    server = serve(site.content)
    server.wait_for("notes/hello/", lambda status, text: status == 200, "the first build")
    built = poll(lambda: re.search(r"built (\S+) for", server.output), what="the build report")
    assert Path(built.group(1)).is_dir()
    events = Events(server.url)  # an open event stream must not hold the exit up
    events.next()
    assert server.interrupt() == 0
    assert "Traceback" not in server.output and "KeyboardInterrupt" not in server.output
    assert not Path(built.group(1)).exists()
    events.close()


# --- the incremental engine behind it ------------------------------------------------------


def test_a_rebuild_reparses_only_what_changed_and_rewrites_only_changed_pages(
    site: SiteDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    hello = site.write("notes/2026-11-16-hello.md", note("Hello", tags="[alpha]"))
    old = site.write("notes/2025-06-02-old.md", note("Old", date="2025-06-02", tags="[beta]", body="Old text."))
    options = BuildOptions(content=site.content, output=site.output, search_index=False)
    warm = WarmSession(options, RenderCache(None))
    recorder = RecordingReporter()
    first = build(options, warm, recorder)
    assert sorted(recorder.names("parsed")) == sorted([display_path(hello), display_path(old)])
    old_page = site.output / "notes/old/index.html"
    before = old_page.stat()

    site.write("notes/2026-11-16-hello.md", note("Hello again", tags="[alpha]", body="New text."))
    recorder.clear()
    second = build(options, warm, recorder)
    assert recorder.names("parsed") == [display_path(hello)]  # the other one came from memory
    assert "notes/old/index.html" not in recorder.names("rendered")
    assert 0 < second.stats.written < first.stats.total
    after = old_page.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)  # not rewritten
    assert not (site.output / "tags/beta/index.html").read_text().count("Hello again")

    override = site.root / "themes/default/templates/item.html"
    override.parent.mkdir(parents=True)
    override.write_text('{% extends "base.html" %}\n{% block main %}<p>{{ item.title }}</p>{% endblock %}\n')
    warm.environments.clear()  # what serve does on a theme change
    recorder.clear()
    third = build(options, warm, recorder)
    assert recorder.names("parsed") == []  # a theme change re-renders pages, and parses nothing
    assert "notes/old/index.html" in recorder.names("rendered")
    assert "<p>Old</p>" in old_page.read_text()
    assert third.stats.written < third.stats.total


def test_changes_are_classified_by_what_they_need(tmp_path: Path) -> None:
    content = tmp_path / "content"
    roots = Roots.of_site(content)
    content = content.resolve()
    assert roots.classify(content / "site.yaml") is Change.CONFIG
    assert roots.classify(content / "notes/ana/2026-11-16-hello.md") is Change.CONTENT
    assert roots.classify(content / "authors.yaml") is Change.CONTENT
    assert roots.classify(content / "static/logo.svg") is Change.CONTENT
    assert roots.classify(content.parent / "themes/default/templates/item.html") is Change.THEME
    assert roots.classify(content.parent / "themes") is Change.THEME
    for ignored in (
        ".weeknotes-cache/markdown/07.pickle",
        "notes/.hello.md.swp",
        "notes/hello.md~",
        "notes/.#hello.md",
        "notes/4913",
    ):
        assert roots.classify(content / ignored) is None, ignored
    assert roots.classify(content.parent / "public/index.html") is None
    assert roots.classify(content.parent / "README.md") is None


def test_folders_of_killed_sessions_are_removed_and_live_ones_kept(tmp_path: Path) -> None:
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    ).stdout
    for name, pid in (("killed", gone), ("running", str(os.getpid())), ("unknown", "")):
        (tmp_path / f"{PREFIX}{name}").mkdir()
        (tmp_path / f"{PREFIX}{name}" / OWNER).write_text(pid)
    (tmp_path / "someone-elses").mkdir()
    remove_orphans(tmp_path)
    left = sorted(path.name for path in tmp_path.iterdir())
    assert left == ["someone-elses", f"{PREFIX}running", f"{PREFIX}unknown"]


def test_a_date_moved_to_another_offset_at_the_same_instant_is_shown(site: SiteDir) -> None:
    """serve reuses the fingerprint of inputs that compare equal; two dates at one instant in
    different offsets compare equal as datetimes, yet pages show the day the author wrote."""
    site.write("notes/2026-11-20-late.md", note("Late", date="2026-11-20T23:30:00+00:00"))
    options = BuildOptions(content=site.content, output=site.output, search_index=False)
    warm = WarmSession(options, RenderCache(None))
    build(options, warm)
    page = site.output / "notes/late/index.html"
    assert 'datetime="2026-11-20T23:30:00+00:00"' in page.read_text()
    site.write("notes/2026-11-20-late.md", note("Late", date="2026-11-21T00:30:00+01:00"))
    build(options, warm)
    assert 'datetime="2026-11-21T00:30:00+01:00"' in page.read_text()
