"""What counts as a dead link: one run's answer and the last record make the next record;
a dead address's link curation offers an archived copy.

The rules (issue 25): 410 Gone is dead at once; 404 and a missing host are dead only when a
run at least a week after the first failing one still fails; 5xx, timeouts, TLS errors and
redirect loops are transient, reported but never dead on their own; a permanent redirect
is recorded with its new address. A record changes only when one of these facts changes,
so a run that learns nothing new leaves it as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from weeknotes.model import urls
from weeknotes.model.values import Item, LinkHealth

OK, MOVED, FAILING, DEAD, TRANSIENT = "ok", "moved", "failing", "dead", "transient"
STATES = (OK, MOVED, FAILING, DEAD, TRANSIENT)
FAILING_FOR = timedelta(days=7)
"""How long a 404 (or a missing host) must last, from the first failing run, to count as dead."""

# What one run may find at an address (`Found.outcome`).
ANSWERED, GONE, MISSING, UNSURE, DEFERRED = "answered", "gone", "missing", "unsure", "deferred"


@dataclass(frozen=True)
class Found:
    """What one run of `weeknotes links` found at an address."""

    outcome: str
    """`answered` (2xx), `gone` (410), `missing` (404, or no such host), `unsure` (any other
    failure: 5xx, a timeout, TLS, a redirect loop, ...) or `deferred` (asked to come back later
    than we wait: nothing learnt, asked again next run)."""
    answer: str
    """In a few words: `200 OK`, `410 Gone`, `timed out`."""
    moved_to: str | None = None
    """Where a permanent redirect (301, 308) sent the request, if one did."""


def next_health(old: LinkHealth | None, found: Found, today: date) -> LinkHealth | None:
    """The record after this run: the old one, unchanged, whenever the run taught nothing new."""
    if found.outcome == DEFERRED:
        return old
    if found.outcome == ANSWERED:
        if found.moved_to is None:
            return old if old is not None and old.status == OK else LinkHealth(OK)
        if old is not None and old.status == MOVED and old.moved_to == found.moved_to:
            return old
        return LinkHealth(MOVED, found.answer, today, found.moved_to)
    if old is not None and old.is_dead:
        return old  # dead stays dead until the address answers again
    if found.outcome == GONE:
        return LinkHealth(DEAD, found.answer, today, found.moved_to)
    if found.outcome == MISSING:
        if old is None or not old.is_failing:
            return LinkHealth(FAILING, found.answer, today, found.moved_to)
        assert old.since is not None
        if today - old.since >= FAILING_FOR:
            return replace(old, status=DEAD, confirmed=today)
        return old
    # Unsure: it neither confirms nor clears what an earlier run found.
    if old is not None and old.status in (FAILING, MOVED):
        return old
    if old is not None and old.is_transient and (old.answer, old.moved_to) == (found.answer, found.moved_to):
        return old
    since = old.since if old is not None and old.is_transient else today
    return LinkHealth(TRANSIENT, found.answer, since, found.moved_to)


def archived_copy(item: Item, health: LinkHealth | None, timezone: ZoneInfo) -> str | None:
    """Where to read a link curation's page once its address is dead: the curator's own
    `archive:`, else the Internet Archive's copy from the curation date. None while it lives."""
    if not item.is_link or item.url is None or health is None or not health.is_dead:
        return None
    return item.archive or urls.wayback(item.url, item.date.astimezone(timezone).date())


def with_archived_copy(item: Item, health: dict[str, LinkHealth], timezone: ZoneInfo) -> Item:
    """The item, marked dead with its archived copy when its address is; else the very same item."""
    copy = archived_copy(item, health.get(item.url or ""), timezone) if item.is_link else None
    return item if copy == item.archived_copy else replace(item, archived_copy=copy)
