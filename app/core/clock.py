"""The one clock of the product.

Everything a person reads — a day, a week, a month, a quarter, "today" — is China's calendar
(Asia/Shanghai, no daylight saving); every instant is stored and compared in UTC. This module is
the only place that reads the machine's clock or names a time zone: services, views, the CLI,
tests and the benchmark ask it for "now" and "today", so a test that pins the clock (time-machine)
moves the whole product at once. See docs and the README's "Dates and times".
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

CHINA_TZ_NAME = "Asia/Shanghai"  # also what PostgreSQL's AT TIME ZONE is given
CHINA_TZ = ZoneInfo(CHINA_TZ_NAME)


def now() -> datetime:
    """The current instant, aware, in UTC."""
    return datetime.now(UTC)


def today() -> date:
    """China's calendar day now."""
    return china_date(now())


def china_date(moment: datetime) -> date:
    """The China calendar day an aware instant falls on."""
    return moment.astimezone(CHINA_TZ).date()


def china_time(moment: datetime) -> datetime:
    """An aware instant as China's wall-clock time (for display and opening hours)."""
    return moment.astimezone(CHINA_TZ)


def day_start(day: date) -> datetime:
    """The instant China's day begins (00:00 in Asia/Shanghai), aware, in UTC."""
    return datetime.combine(day, time.min, CHINA_TZ).astimezone(UTC)


def day_range(first: date, last_exclusive: date) -> tuple[datetime, datetime]:
    """China's days [first, last_exclusive) as a half-open range of UTC instants."""
    return day_start(first), day_start(last_exclusive)


def at_china_time(day: date, wall: time) -> datetime:
    """The instant of a China wall-clock time on a China day, aware, in UTC."""
    return datetime.combine(day, wall, CHINA_TZ).astimezone(UTC)


def week_start(day: date) -> date:
    """The Monday of the ISO week holding the day."""
    return day - timedelta(days=day.weekday())


def month_start(day: date) -> date:
    return day.replace(day=1)


def quarter_of(day: date) -> tuple[int, int]:
    """(year, quarter 1–4) of a day."""
    return day.year, (day.month - 1) // 3 + 1


def quarter_start(year: int, quarter: int) -> date:
    return date(year, 3 * quarter - 2, 1)


def next_quarter_start(year: int, quarter: int) -> date:
    """The day after the quarter: the end of its [start, end) range of days."""
    return date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
