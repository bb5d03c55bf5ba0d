"""When the jobs `weeknotes init` schedules run: a time chosen in the site's timezone, written
as cron in UTC (which GitHub Actions, GitLab and Netlify read), with a comment saying what
that is in the site's own time.

Cron in UTC does not follow daylight saving time, so each job is set by the zone's smallest
offset from UTC over the year: then it never runs before its local time (a daily publish
never runs before midnight, a weekly send never before the week has ended), and in the
other half of the year it runs an hour later by the local clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

MONDAY = date(2001, 1, 1)
"""Any Monday: the day a weekly time is counted from."""
CRON_DAYS = ("1", "2", "3", "4", "5", "6", "0")
"""Cron's number for each day, Monday first (cron counts from Sunday, 0)."""
DAY_NAMES = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays")


@dataclass(frozen=True)
class Schedule:
    cron: str
    """Five cron fields, in UTC: `17 0 * * *`."""
    comment: str
    """When that is, in UTC and in the site's timezone."""


def offsets(zone: ZoneInfo, year: int) -> list[tuple[timedelta, str]]:
    """The zone's offsets from UTC in a year, smallest first, each with its name (GMT, BST)."""
    found: dict[timedelta, str] = {}
    for month in range(1, 13):
        moment = datetime(year, month, 15, 12, tzinfo=zone)
        offset = moment.utcoffset() or timedelta(0)
        found.setdefault(offset, moment.tzname() or "")
    return sorted(found.items())


def at(timezone: str, hour: int, minute: int, weekday: int | None, year: int) -> Schedule:
    """A daily (`weekday` None) or weekly job at `hour:minute` in `timezone`, never earlier."""
    zone = ZoneInfo(timezone)
    seasons = offsets(zone, year)
    local = datetime.combine(MONDAY + timedelta(days=weekday or 0), datetime.min.time()).replace(
        hour=hour, minute=minute)
    utc = local - seasons[0][0]
    day = "*" if weekday is None else CRON_DAYS[utc.weekday()]
    when = "every day" if weekday is None else DAY_NAMES[utc.weekday()]
    comment = f"{when} at {utc:%H:%M} UTC"
    if seasons != [(timedelta(0), "UTC")]:
        shown = " / ".join(f"{utc + offset:%H:%M} {name}".rstrip() for offset, name in seasons)
        on = "" if weekday is None else f" on {DAY_NAMES[weekday]}"
        comment += f" = {shown}{on} in {timezone}"
    return Schedule(f"{utc.minute} {utc.hour} * * {day}", comment)


def schedules(timezone: str, today: date) -> dict[str, Schedule]:
    """The scheduled jobs and when each runs: a publish just after midnight (a post dated today
    appears today), a fetch an hour before it (new blog posts are in that build), and the
    digest on Monday morning, once the week has ended."""
    return {
        "publish": at(timezone, 0, 17, None, today.year),
        "fetch": at(timezone, 23, 17, None, today.year),
        "send": at(timezone, 7, 17, 0, today.year),
    }
