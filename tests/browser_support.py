"""Helpers for the outside checkers: the Nu Html Checker (vnu), axe-core in Chromium, Pagefind.

These tests need tools that a contributor's machine may lack (Java, Debian's chromium, the npm
packages in tests/browser/, Playwright for Python). Where one is missing the test skips and
says what to install; where the environment variable CI is set (CI runs with CI=true), the
same skip is a failure, so CI can never pass by skipping.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import importlib.util
import os
import shutil
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar, NoReturn

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_CONTENT = REPO / "content"
BROWSER_DIR = REPO / "tests" / "browser"
NODE_MODULES = BROWSER_DIR / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
CHROMIUM = Path(os.environ.get("WEEKNOTES_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = REPO / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"

# "Now" for test builds: after everything dated in the example site and the hostile site.
SOURCE_DATE_EPOCH = "1798761600"  # 2027-01-01T00:00:00Z

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

INSTALL_HINT = "run `make browser-deps` (or `make test`, which does it first)"


def in_ci() -> bool:
    """True when the CI variable is set to anything but an explicit no."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def missing(reason: str) -> NoReturn:
    """Skip for a missing tool on a contributor's machine; fail in CI, where it must be there."""
    if in_ci():
        pytest.fail(f"{reason} (CI is set, so a missing tool is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


def require_java() -> str:
    java = shutil.which("java")
    if java is None:
        missing(f"java not found on PATH: the Nu Html Checker needs Java 17 or newer; {INSTALL_HINT}"
                " or `apt-get install default-jre-headless`")
    if not VNU_JAR.is_file():
        missing(f"{VNU_JAR.relative_to(REPO)} is missing (npm package vnu-jar); {INSTALL_HINT}")
    return java


def require_chromium() -> Path:
    if importlib.util.find_spec("playwright") is None:
        missing("Playwright for Python is not installed: `pip install -e '.[test]'`")
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        missing(f"{CHROMIUM} not found: install Debian's chromium (`apt-get install chromium`, as "
                f"`make browser-deps` does) or point WEEKNOTES_CHROMIUM at a Chromium binary")
    if not AXE_JS.is_file():
        missing(f"{AXE_JS.relative_to(REPO)} is missing (npm package axe-core); {INSTALL_HINT}")
    return CHROMIUM


def require_pagefind() -> None:
    if importlib.util.find_spec("pagefind") is None:
        missing("the pagefind package is not installed: `pip install 'pagefind[extended]'`")


def build(content: Path, output: Path, *flags: str) -> None:
    """Build a site with the real CLI in a child process (so session fixtures can use it)."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}
    result = subprocess.run(
        [sys.executable, "-m", "weeknotes", "build", "--content", str(content), "--output", str(output),
         "--no-cache", *flags],
        capture_output=True, text=True, env=env, check=False, timeout=600)
    if result.returncode != 0:
        pytest.fail(f"weeknotes build of {content} failed ({result.returncode}):\n{result.stderr}",
                    pytrace=False)


# A small site whose every field tries to break out of its context: markup in titles, names,
# tags and summaries, quotes of both kinds, ampersands, non-ASCII and right-to-left text,
# a long unbroken word, query strings in URLs, and a code block.
HOSTILE_FILES = {
    "site.yaml": """\
        title: "Ampersand & <Angle> \\"Quotes\\" 'Circle'"
        base_url: https://example.org/a&b/
        description: "Notes on <b>bold</b> & 'brave' work — für alle, 日本語も"
        language: de-CH
        timezone: Europe/Zurich
        per_page: 3
        search: {enabled: true}
        """,
    "authors.yaml": """\
        zoe:
          name: "Zoë <script>alert('n')</script> & \\"Co\\""
          bio: "Librarian & <i>reader</i>; \u2018curly\u2019 and \\"straight\\" quotes"
          url: "https://zoe.example.net/?a=1&b=2"
          publish: public
        ana-maria:
          name: "Ana-María Ñúñez"
          publish: public
          feed: "https://ana.example.net/feed.xml?x=1&y=2"
          aggregate: true
        """,
    # What `weeknotes fetch` would have stored from ana-maria's blog (see tests/test_fetch.py).
    "blogs/ana-maria.json": """\
        {"weeknotes_snapshot": 1, "author": "ana-maria", "feed": "https://ana.example.net/feed.xml?x=1&y=2",
         "location": null, "etag": null, "last_modified": null, "gone": false,
         "entries": [{"id": "tag:ana.example.net,2026:<1>&\\"2\\"",
                      "url": "https://ana.example.net/posts/a?b=1&c=\\"2\\"",
                      "title": "Blog & <b>post</b> \\"quoted\\" 'single'",
                      "published": "2026-11-17T08:00:00+00:00", "updated": null,
                      "summary": "A summary with <angle> brackets & an ampersand."}]}
        """,
    "notes/2026-11-16-hostile-title.md": """\
        ---
        title: "A & B <script>alert('title')</script> \\"quoted\\" 'single'"
        date: 2026-11-16
        author: zoe
        tags: ["Tom & Jerry", "\\"quoted\\" tag", "it's", "Ümlaut Ökonomie", "日本語", "<b>bold</b>"]
        summary: "Summary with <em>markup</em> & an ampersand — and “curly” quotes"
        ---
        A paragraph with <b>raw html</b> that must be left out, & a bare ampersand, < and >.

        Supercalifragilisticexpialidocious_and_then_some_more_without_any_break_at_all_0123456789_abcdefghij.

        ```python
        if a < b and c > d: print("&amp;")
        ```

        | Column <1> | "Column" 2 |
        |---|---|
        | a & b | \u2018c\u2019 |

        [A link with & in it](https://example.com/?q=a&r=b "Title \\"with\\" quotes")
        """,
    "notes/2026-11-17-rtl.md": """\
        ---
        title: "שלום עולם and مرحبا: right-to-left in a title"
        date: 2026-11-17T09:30:00+01:00
        authors: [ana-maria, zoe]
        tags: ["Tom & Jerry", "日本語"]
        ---
        Ein Absatz auf Deutsch: Grüße aus Zürich. Emoji too: 🌱📚.
        """,
    "notes/2026-11-18-third.md": """\
        ---
        title: "Third <note> of the week"
        date: 2026-11-18
        author: ana-maria
        tags: ["<b>bold</b>"]
        ---
        Keeps the home page paginated.
        """,
    "notes/2026-11-19-fourth.md": """\
        ---
        title: "Fourth: 100% \\"real\\""
        date: 2026-11-19
        author: zoe
        ---
        A fourth note, dated after the others.
        """,
    "links/2026-11-18-hostile-link.md": """\
        ---
        url: "https://example.com/path?a=1&b=2&utm_source=x#frag"
        title: "<img src=x onerror=alert(1)> Link & \\"title\\""
        date: 2026-11-18
        author: zoe
        via: "Someone <b>Else</b> & Co"
        tags: ["Tom & Jerry"]
        ---
        Why it matters: because <angle> brackets & ampersands are everywhere.
        """,
    "links/2026-11-19-same-url.md": """\
        ---
        url: "http://www.example.com/path/?a=1&b=2"
        date: 2026-11-19
        author: ana-maria
        via: zoe
        ---
        The same link, curated again, so the digest merges the two.
        """,
    "digests/2026-W47.md": """\
        ---
        title: "Week 47: <tags> & \\"quotes\\""
        editors: [zoe]
        ---
        An editor's intro with **bold**, an ampersand & a [relative link](../../notes/hostile-title/).
        """,
    "pages/about.md": """\
        ---
        title: "About <us> & \\"them\\""
        ---
        About this hostile little site.
        """,
}


# Front-matter URLs holding characters that are not allowed in a URL as written (quotes,
# angle brackets, braces, spaces): a browser would percent-encode them, and so should weeknotes.
HOSTILE_URL_FILES = {
    "site.yaml": """\
        title: Odd addresses
        base_url: https://example.org/
        search: {enabled: false}
        """,
    "authors.yaml": """\
        zoe:
          name: Zoë
          url: "https://zoe.example.net/?a=1&b=<2>"
          avatar: "avatars/zoë b.svg"
          publish: public
        """,
    "static/avatars/zoë b.svg": """\
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect width="1" height="1"/></svg>
        """,
    "links/2026-11-10-odd.md": """\
        ---
        url: 'https://example.com/a"b<c>{d}|e^f`g?q=ü'
        date: 2026-11-10
        author: zoe
        via: 'https://via.example.com/x"y<z>'
        ---
        Why it matters.
        """,
}


def write_site(content: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return content


def write_hostile_site(content: Path) -> Path:
    return write_site(content, HOSTILE_FILES)


def html_pages(root: Path) -> list[Path]:
    """Every HTML page of a built site, except Pagefind's own files."""
    return sorted(p for p in root.rglob("*.html") if "pagefind" not in p.relative_to(root).parts)


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves `directory` under `prefix`, and the site's 404.html for anything missing,
    as a static host would."""

    prefix = "/"
    not_found_page: Path | None = None
    extra_files: ClassVar[dict[str, Path]] = {}  # set per server, by a subclass

    def log_message(self, format: str, *args: object) -> None:
        pass

    def translate_path(self, path: str) -> str:
        bare = path.split("?", 1)[0].split("#", 1)[0]
        if bare in self.extra_files:
            return str(self.extra_files[bare])
        if not bare.startswith(self.prefix):
            return str(Path(self.directory) / ".outside-the-prefix")  # a path that is never there
        return super().translate_path("/" + path[len(self.prefix):])

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        if code == 404 and self.not_found_page is not None and self.not_found_page.is_file():
            body = self.not_found_page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)


@contextlib.contextmanager
def serving(directory: Path, prefix: str = "/", extra_files: dict[str, Path] | None = None,
            ) -> Iterator[http.server.ThreadingHTTPServer]:
    """A ThreadingHTTPServer on 127.0.0.1, on a free port, bound before this yields (so the
    caller can build with a base URL that names the port) and stopped afterwards.
    `extra_files` maps URL paths outside the prefix to files (test helpers such as axe)."""
    handler = type("Handler", (_Handler,), {"prefix": prefix, "not_found_page": directory / "404.html",
                                            "extra_files": dict(extra_files or {})})
    factory = functools.partial(handler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), factory)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
