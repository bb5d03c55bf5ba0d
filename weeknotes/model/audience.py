"""The consent rule, in one place: what a build's audience may see.

An item is in a build when its own visibility and every one of its authors' `publish`
allow that build's audience. collect.py applies this before anything is rendered, so no
page, list, count, feed, index or "mentioned in" line can carry what it was never given.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from weeknotes.model.values import Audience, Author

# Which author `publish` levels each audience may show.
PUBLISH_ALLOWED = {"public": frozenset({"public"}), "internal": frozenset({"public", "internal"})}
# Which item visibilities each audience may show (drafts are added by --drafts).
VISIBILITY_ALLOWED = {"public": frozenset({"public", "unlisted"}),
                      "internal": frozenset({"public", "unlisted", "internal"})}


AUDIENCES = tuple(PUBLISH_ALLOWED)
"""The audiences a build is made for: `public` and `internal`."""


def admits(audience: Audience, visibility: str, authors: Iterable[Author]) -> bool:
    """True when this audience may see a record with this visibility by these authors."""
    return visibility_admitted(audience.name, audience.drafts, visibility) and not held_back_by(audience.name, authors)


def visibility_admitted(audience: str, drafts: bool, visibility: str) -> bool:
    """Whether a build for `audience` (with drafts or not) shows a record of this visibility."""
    return visibility in VISIBILITY_ALLOWED[audience] or (drafts and visibility == "draft")


def held_back_by(audience: str, authors: Iterable[Author]) -> list[Author]:
    """The authors who have not opted in to `audience`: any one of them keeps a record out."""
    return [a for a in authors if a.publish not in PUBLISH_ALLOWED[audience]]


def author_admitted(audience: Audience, author: Author) -> bool:
    return not held_back_by(audience.name, (author,))


def default_output(name: str, drafts: bool) -> Path:
    """Where a build writes without --output: each audience its own folder (issue #12), so
    an internal build or a preview never lands in the folder that gets published."""
    if drafts:
        return Path("preview")
    return Path("internal") if name == "internal" else Path("public")


def audience_of_label(label: str | None, now: datetime | None = None) -> Audience:
    """The audience a build's marker names (`Audience.label`, e.g. `internal + drafts`); a
    folder without one is taken for a public build."""
    for name in AUDIENCES:
        for drafts in (False, True):
            if Audience(name, drafts).label == label:
                return Audience(name, drafts, False, now)
    return Audience(AUDIENCES[0], False, False, now)
