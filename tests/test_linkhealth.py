"""The rules that turn one run's answer and the last record into the next record
(model/linkhealth.py), and the waits a Retry-After header asks for (net/probe.py)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from weeknotes.model.linkhealth import ANSWERED, DEFERRED, GONE, MISSING, UNSURE, Found, LinkHealth, next_health
from weeknotes.net.probe import retry_after

DAY0 = date(2026, 11, 18)
NOT_FOUND = Found(MISSING, "404 Not Found")
DOWN = Found(UNSURE, "503 Service Unavailable")
OK = Found(ANSWERED, "200 OK")


def runs(*found: tuple[int, Found], start: LinkHealth | None = None) -> list[LinkHealth | None]:
    """The record after each run, given (days after DAY0, what the run found)."""
    records, record = [], start
    for day, answer in found:
        record = next_health(record, answer, DAY0 + timedelta(days=day))
        records.append(record)
    return records


def test_410_is_dead_at_once_and_stays_dead_until_the_address_answers() -> None:
    gone = Found(GONE, "410 Gone")
    first, *later, back = runs((0, gone), (3, NOT_FOUND), (4, DOWN), (5, gone), (40, OK))
    assert first == LinkHealth("dead", "410 Gone", DAY0)
    assert all(record is first for record in later)  # the very same record: nothing to write
    assert back == LinkHealth("ok")


def test_a_404_is_dead_a_week_after_the_first_failing_run_and_not_before() -> None:
    records = runs((0, NOT_FOUND), (1, NOT_FOUND), (6, NOT_FOUND), (7, NOT_FOUND), (8, NOT_FOUND))
    assert records[0] == LinkHealth("failing", "404 Not Found", DAY0)
    assert records[1] is records[0] and records[2] is records[0]
    assert records[3] == LinkHealth("dead", "404 Not Found", DAY0, confirmed=DAY0 + timedelta(days=7))
    assert records[4] is records[3]


def test_transient_answers_neither_confirm_nor_clear_what_was_found() -> None:
    failing, *_ = runs((0, NOT_FOUND))
    assert runs((9, DOWN), (10, Found(UNSURE, "timed out")), start=failing) == [failing, failing]
    moved = LinkHealth("moved", "301 Moved Permanently", DAY0, "https://example.org/new")
    assert runs((3, DOWN), start=moved) == [moved]
    # Alone, they are recorded as transient; another transient answer keeps the day it began.
    first, same, other = runs((0, DOWN), (30, DOWN), (60, Found(UNSURE, "timed out")))
    assert first == LinkHealth("transient", "503 Service Unavailable", DAY0)
    assert same is first
    assert other == LinkHealth("transient", "timed out", DAY0)


def test_a_permanent_redirect_is_recorded_with_its_new_address_until_it_changes() -> None:
    to_new = Found(ANSWERED, "301 Moved Permanently", "https://example.org/new")
    first, same, elsewhere, undone = runs((0, to_new), (5, to_new),
                                          (9, Found(ANSWERED, "308 Permanent Redirect", "https://example.org/b")),
                                          (20, OK))
    assert first == LinkHealth("moved", "301 Moved Permanently", DAY0, "https://example.org/new")
    assert same is first
    assert elsewhere == LinkHealth("moved", "308 Permanent Redirect", DAY0 + timedelta(days=9), "https://example.org/b")
    assert undone == LinkHealth("ok")


def test_an_address_left_for_the_next_run_keeps_its_record() -> None:
    later = Found(DEFERRED, "429 Too Many Requests (asked to wait 3600 s); left for the next run")
    assert runs((0, later)) == [None]
    failing, *_ = runs((0, NOT_FOUND))
    assert runs((8, later), start=failing) == [failing]


@pytest.mark.parametrize(("value", "date_header", "seconds"), [
    ("120", None, 120.0),
    (" 7 ", None, 7.0),
    ("Wed, 18 Nov 2026 11:10:00 GMT", "Wed, 18 Nov 2026 11:08:30 GMT", 90.0),
    ("Wed, 18 Nov 2026 11:00:00 GMT", "Wed, 18 Nov 2026 11:08:30 GMT", 0.0),  # already past: no wait
    ("soon", None, None),
    ("", None, None),
    (None, None, None),
])
def test_retry_after_is_seconds_or_an_http_date_counted_from_the_answers_date(
        value: str | None, date_header: str | None, seconds: float | None) -> None:
    assert retry_after(value, date_header) == seconds
