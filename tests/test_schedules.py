"""When `init`'s scheduled jobs run (commands/schedules.py): cron in UTC that, read in the
site's timezone on every day of the year, daylight saving or not, never runs a job early."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from weeknotes.commands.schedules import schedules

ZONES = ["Europe/London", "UTC", "America/New_York", "America/Los_Angeles", "Australia/Sydney", "Pacific/Auckland",
         "Pacific/Kiritimati", "Asia/Kolkata", "America/St_Johns", "Pacific/Pago_Pago"]


def firings(cron: str, year: int) -> list[datetime]:
    """Every moment of `year` (UTC) a `M H * * D` line fires."""
    minute, hour, _, _, day = cron.split()
    start = datetime(year, 1, 1, tzinfo=UTC)
    moments = [datetime.combine(start.date() + timedelta(days=n), time(int(hour), int(minute)), UTC)
               for n in range(366 if year % 4 == 0 else 365)]
    return [m for m in moments if day == "*" or (m.isoweekday() % 7) == int(day)]


def local_minutes(moment: datetime, zone: ZoneInfo) -> int:
    local = moment.astimezone(zone)
    return local.hour * 60 + local.minute


@pytest.mark.parametrize("zone", ZONES)
def test_every_job_runs_at_its_local_time_or_up_to_an_hour_later_all_year(zone: str) -> None:
    planned = schedules(zone, date(2026, 11, 18))
    tz = ZoneInfo(zone)
    publish = firings(planned["publish"].cron, 2026)
    assert len(publish) == 365
    for moment in publish:  # just after local midnight: a post dated today is built today
        assert 17 <= local_minutes(moment, tz) <= 60 + 17, moment.astimezone(tz)
    for moment in firings(planned["fetch"].cron, 2026):  # an hour before the publish
        assert local_minutes(moment, tz) >= 23 * 60 + 17 or local_minutes(moment, tz) <= 17, moment.astimezone(tz)
    sends = firings(planned["send"].cron, 2026)
    assert len(sends) in (52, 53)
    for moment in sends:  # Monday morning: the week has ended in the site's timezone
        local = moment.astimezone(tz)
        assert local.isoweekday() == 1 and 7 * 60 + 17 <= local_minutes(moment, tz) <= 8 * 60 + 17, local


def test_the_comment_says_the_time_in_the_site_timezone() -> None:
    planned = schedules("America/New_York", date(2026, 11, 18))
    assert planned["publish"].cron == "17 5 * * *"
    assert planned["publish"].comment == "every day at 05:17 UTC = 00:17 EST / 01:17 EDT in America/New_York"
    assert planned["send"].cron == "17 12 * * 1"
    assert planned["send"].comment == "Mondays at 12:17 UTC = 07:17 EST / 08:17 EDT on Mondays in America/New_York"
    early = schedules("Pacific/Kiritimati", date(2026, 11, 18))["send"]  # UTC+14: Sunday in UTC
    assert early.cron == "17 17 * * 0" and early.comment.startswith("Sundays at 17:17 UTC = 07:17")
    assert schedules("UTC", date(2026, 11, 18))["fetch"].comment == "every day at 23:17 UTC"
