"""Quarters of the calendar year, and when the quarterly form (附件3) is due.

The plan (四、(二)) says each district files the form "每季度最后一个星期的周一前": before the
Monday of the quarter's last week. The quarter's last week is the ISO week (Monday to Sunday)
that contains the quarter's last day, so the due date is the Monday on or before 31 March,
30 June, 30 September and 31 December. When that day is itself a Monday (31 March 2025) the
form is due that very day. "前" is read as "by": a form marked submitted on the due date (China
time) is on time; from the next day on it is late.
"""

from __future__ import annotations

from datetime import date, timedelta

from app.core import clock, error_codes
from app.core.errors import InvalidInput

QUARTER_NAMES = {1: "一季度", 2: "二季度", 3: "三季度", 4: "四季度"}
FIRST_YEAR = 2021  # 附件1 counts stations from October 2021
LAST_YEAR = 2100


def check_year_quarter(year: int, quarter: int | None = None) -> None:
    """Domain errors (422, stable codes) for a year or quarter no form can have."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        message = f"年度应在 {FIRST_YEAR} 到 {LAST_YEAR} 之间"
        raise InvalidInput(message, code=error_codes.YEAR_OUT_OF_RANGE, details={"year": [message]})
    if quarter is not None and quarter not in QUARTER_NAMES:
        raise InvalidInput("季度应为 1 到 4", code=error_codes.QUARTER_INVALID, details={"quarter": ["季度应为 1 到 4"]})


def first_day(year: int, quarter: int) -> date:
    return clock.quarter_start(year, quarter)


def last_day(year: int, quarter: int) -> date:
    return next_first_day(year, quarter) - timedelta(days=1)


def next_first_day(year: int, quarter: int) -> date:
    """The day after the quarter: the end of its [start, end) range of days."""
    return clock.next_quarter_start(year, quarter)


def bounds(year: int, quarter: int) -> tuple[date, date]:
    """The quarter's days as [start, end)."""
    return first_day(year, quarter), next_first_day(year, quarter)


quarter_of = clock.quarter_of


def due_date(year: int, quarter: int) -> date:
    """The Monday of the ISO week that holds the quarter's last day."""
    end = last_day(year, quarter)
    return end - timedelta(days=end.weekday())


def has_started(year: int, quarter: int, today: date | None = None) -> bool:
    return first_day(year, quarter) <= (today or clock.today())
