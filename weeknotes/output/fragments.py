"""Parts of one output kept between builds: the weekly digests inside the digest feed.

The digest feed (weeks/feed.xml) carries the whole digest of each of its newest weeks, and
is made again whenever one of them changes: rendering twenty weeks' digests to change one
took a quarter of a one-note rebuild's rendering at 10,000 items. So each week's rendered
digest is kept in a file named by the fingerprint of what it is made from (the week, the
theme, the settings and what the template reads of the site: fingerprint.py), and used
again while that fingerprint is the same.

One file per fragment, written whole, so that the worker process that renders the feed in a
large build keeps them too; the feed is the only output that reads or writes the folder,
and it removes what it no longer uses.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import jinja2

from weeknotes.base.files import write_atomically
from weeknotes.model import urls
from weeknotes.model.values import Site
from weeknotes.model.weeks import Week
from weeknotes.output.fingerprint import Fingerprinter
from weeknotes.render import digest

TEMPLATE = "digest_content.html"
"""What a week's digest in the feed is rendered with (digest.week_content)."""


class WeekDigests:
    """The digest feed, made with each week's digest rendered or read back if kept."""

    def __init__(self, folder: Path | None, fingerprints: Callable[[], Fingerprinter]) -> None:
        """`folder` keeps the fragments (None: keep nothing); `fingerprints` is the build's."""
        self.folder = folder
        self.fingerprints = fingerprints
        self.used: set[str] = set()

    def feed(self, env: jinja2.Environment, site: Site) -> bytes:
        data = digest.weeks_feed(env, site, lambda week: self.content(env, site, week))
        self.forget_the_rest()
        return data

    def content(self, env: jinja2.Environment, site: Site, week: Week) -> str:
        if self.folder is None:
            return digest.week_content(env, site, week)
        key = self.fingerprints().key(f"{urls.feed_path(urls.WEEKS)}#{week.key}", TEMPLATE, (week,))
        self.used.add(key)
        path = self.folder / f"{key}.html"
        try:
            return path.read_text("utf-8")
        except OSError:
            html = digest.week_content(env, site, week)
            write_atomically(path, html.encode("utf-8"))
            return html

    def forget_the_rest(self) -> None:
        """Remove the fragments this feed no longer uses (called once it is made)."""
        if self.folder is None or not self.folder.is_dir():
            return
        with os.scandir(self.folder) as entries:
            for entry in entries:
                if entry.name.endswith(".html") and entry.name[:-5] not in self.used:
                    os.unlink(entry.path)
