"""What counts as a dead link: what `weeknotes links` records about an address, and how one
run's answer and the last record make the next record.

The rules (issue 25): 410 Gone is dead at once; 404 and a missing host are dead only when a
run at least a week after the first failing one still fails; 5xx, timeouts, TLS errors and
redirect loops are transient, reported but never dead on their own; a permanent redirect
is recorded with its new address. A record changes only when one of these facts changes,
so a run that learns nothing new leaves it as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

OK, MOVED, FAILING, DEAD, TRANSIENT = "ok", "moved", "failing", "dead", "transient"
STATES = (OK, MOVED, FAILING, DEAD, TRANSIENT)
FAILING_FOR = timedelta(days=7)
"""How long a 404 (or a missing host) must last, from the first failing run, to count as dead."""

# What one run may find at an address (`Found.outcome`).
ANSWERED, GONE, MISSING, UNSURE, DEFERRED = "answered", "gone", "missing", "unsure", "deferred"


@dataclass(frozen=True)
class LinkHealth:
    """What `weeknotes links` last learnt about one curated address (content/links-health.yaml).

    It holds no "last checked" moment: a record changes only when something about its
    address changes, so a run that finds nothing new leaves the file as it was.
    """

    status: str
    """`ok`; `moved` (a permanent redirect to an address that answers); `failing` (404 or no
    such host, not yet for a week); `dead` (410 at once, or still failing a week after the
    first failing run); `transient` (5xx, a timeout, a TLS error, a redirect loop, ...: never
    dead on its own)."""
    answer: str = ""
    """What the address answered, in a few words: `410 Gone`, `timed out`."""
    since: date | None = None
    """The run that first found the address as it is now (for `failing` and `dead` after a
    404: the first failing run)."""
    moved_to: str | None = None
    """Where a permanent redirect (301, 308) points, if one was followed."""
    confirmed: date | None = None
    """For an address found dead after failing: the run, a week or more later, that found it still failing."""

    @property
    def is_dead(self) -> bool:
        return self.status == DEAD

    @property
    def is_failing(self) -> bool:
        """Failing but not yet dead: a 404 or a missing host, waiting for a week to be sure."""
        return self.status == FAILING

    @property
    def is_transient(self) -> bool:
        return self.status == TRANSIENT


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
