"""ISO weeks (collect.py): counted in the site's timezone, years that start in December."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from weeknotes.model.collect import week_key, week_start
from weeknotes.model.settings import Config
from weeknotes.model.values import Content


def content_in(timezone: str) -> Content:
    config = Config(title="T", base_url="https://example.org/", timezone=ZoneInfo(timezone))
    return Content(config, {}, (), (), (), ())


@pytest.mark.parametrize(("moment", "timezone", "week"), [
    (datetime(2024, 12, 30, 12, tzinfo=UTC), "UTC", "2025-W01"),  # a Monday in the next ISO year
    (datetime(2021, 1, 3, 12, tzinfo=UTC), "UTC", "2020-W53"),  # a Sunday in the last year's week 53
    (datetime(2026, 12, 31, 12, tzinfo=UTC), "UTC", "2026-W53"),
    (datetime(2026, 11, 22, 23, 59, tzinfo=UTC), "UTC", "2026-W47"),  # Sunday, last minute
    (datetime(2026, 11, 23, 0, 0, tzinfo=UTC), "UTC", "2026-W48"),  # Monday, first minute
    # Sunday 22:30 in London is Monday 09:30 in Sydney: the site's timezone decides.
    (datetime(2026, 1, 11, 22, 30, tzinfo=UTC), "Europe/London", "2026-W02"),
    (datetime(2026, 1, 11, 22, 30, tzinfo=UTC), "Australia/Sydney", "2026-W03"),
])
def test_a_moment_falls_in_the_iso_week_of_the_site_timezone(moment: datetime, timezone: str, week: str) -> None:
    assert week_key(moment, content_in(timezone)) == week


def test_a_week_starts_on_its_monday_at_midnight_in_the_site_timezone() -> None:
    london = ZoneInfo("Europe/London")
    assert week_start("2025-W01", content_in("Europe/London")) == datetime(2024, 12, 30, tzinfo=london)
    assert week_start("2026-W27", content_in("Europe/London")) == datetime(2026, 6, 29, tzinfo=london)  # BST
    assert week_start("2026-W27", content_in("Europe/London")).utcoffset() == timedelta(hours=1)
