"""Live reload: the build outcome browsers see, and what `serve` adds to each page.

`Preview` is what serve's builder thread and its request threads share, behind one
condition: where the site is, whether a build is replacing it, and the latest `Outcome`.
Each served HTML page carries a script that listens on EVENTS_PATH (Server-Sent Events)
and reloads when the outcome changes, and, while the last build failed, an overlay with
its errors over the last good build.
"""

from __future__ import annotations

import html
import json
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from weeknotes.base.wording import counted

EVENTS_PATH = "/__weeknotes/events"
KEEPALIVE = 15.0
"""Seconds between comments on an idle event stream, so a closed tab is noticed."""
RELOAD_SCRIPT = """<script data-weeknotes-live-reload>
(() => {
  let shown = %s;
  const file = %s;
  const events = new EventSource("%s");
  events.addEventListener("build", (event) => {
    const build = JSON.parse(event.data);
    if (build.id === shown) return;
    if (build.since === shown && build.files !== null && file && !build.files.includes(file)) {
      shown = build.id;  // only other pages changed since this one was served
      return;
    }
    events.close();
    location.reload();
  });
})();
</script>
"""
# Files a page never loads: a change to one of them need not reload any other page.
STANDALONE_SUFFIXES = (".html", ".xml", ".json", ".txt", ".opml")

OVERLAY = """<div id="weeknotes-build-errors" role="alert" style="position:fixed;top:0;left:0;\
right:0;z-index:2147483647;max-height:80vh;overflow:auto;margin:0;padding:1em 1.5em;\
background:#fff4f4;color:#5c0000;border-bottom:4px solid #c00;font:14px/1.5 system-ui,sans-serif;\
text-align:left">
<button type="button" onclick="this.parentNode.remove()" style="float:right">Hide</button>
<strong>%s</strong>
<pre style="white-space:pre-wrap;font:13px/1.45 ui-monospace,monospace;margin:.75em 0 0">%s</pre>
</div>
"""


@dataclass(frozen=True)
class Outcome:
    """The latest build, as browsers see it."""

    id: str
    """Changes whenever what a browser would show changes; a page reloads when it differs."""
    errors: tuple[str, ...] = ()
    """`PATH:LINE: error:` reports while the last build failed; empty when it worked."""
    since: str = ""
    """The outcome this one follows."""
    files: tuple[str, ...] | None = None
    """The only files changed since `since` (a page showing none of them stays as it is);
    None: every page reloads."""

    def event(self) -> bytes:
        data = json.dumps({"id": self.id, "ok": not self.errors, "errors": list(self.errors),
                           "since": self.since, "files": None if self.files is None else list(self.files)})
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

    def publish(self, errors: tuple[str, ...], built: bool, files: tuple[str, ...] | None = None,
                settled: bool = False) -> None:
        """A new outcome for browsers. `files`: the only files that changed, when known, so
        pages showing none of them need not reload; `settled`: the files in place match this
        outcome although the build goes on (serve showed the saved page ahead), so requests
        need not wait for it."""
        with self._changed:
            self._generation += 1
            if errors != self._outcome.errors or files is None or not all(f.endswith(STANDALONE_SUFFIXES) for f in files):
                files = None  # the overlay comes or goes, or a stylesheet or image changed: reload all
            self._outcome = Outcome(f"{self._session}-{self._generation}", errors, self._outcome.id, files)
            self.has_site = self.has_site or built
            self._busy = self._busy and not settled
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


def decorate(page: bytes, outcome: Outcome, file: str) -> bytes:
    """Add the live-reload script, and the error overlay while the last build failed.

    `file` is the page's file in the site (`notes/hello/index.html`), which tells the script
    whether a new build changed it; "" (a page that is not a file of the site, such as "not
    found") reloads on every build."""
    extra = RELOAD_SCRIPT % (json.dumps(outcome.id), json.dumps(file), EVENTS_PATH)
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
