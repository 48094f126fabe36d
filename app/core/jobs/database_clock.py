"""The database's clock, as the queue needs it. procrastinate runs a job when its `scheduled_at`
is at or before PostgreSQL's now(), so an instant the app computes on its own clock (a reminder
an hour before an activity, a retry 30 s from now) is handed over as the same delay on the
database's clock: instant − app now + database now.

Both clocks advance alike; only their offset can differ — a few milliseconds in production,
hours under scripts/at_hour.sh, which moves the app's clock and not PostgreSQL's. The offset is
measured with one query and kept for OFFSET_TTL_SECONDS per database (a process talks to one)."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.core import clock

OFFSET_TTL_SECONDS = 60.0
_offsets: dict[str, tuple[float, timedelta]] = {}  # database URL -> (monotonic when measured, offset)


def offset(connection: sa.Connection) -> timedelta:
    """Database now − app now."""
    key = str(connection.engine.url)
    measured = _offsets.get(key)
    if measured is None or time.monotonic() - measured[0] > OFFSET_TTL_SECONDS:
        before = clock.now()
        database_now = connection.execute(sa.text("SELECT clock_timestamp()")).scalar_one()
        after = clock.now()
        measured = (time.monotonic(), database_now - (before + (after - before) / 2))
        _offsets[key] = measured
    return measured[1]


def to_database(moment: datetime, connection: sa.Connection) -> datetime:
    """The app's instant as the database's clock reads it."""
    return moment + offset(connection)
