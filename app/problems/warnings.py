"""What other workers are told of a station while a "locked during opening hours" or "no water"
ticket is open (not yet said fixed): the kind, since when, how many reported it. Never who, nor
what they wrote."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from app.extensions import db
from app.problems.models import KINDS, OPEN, WARNED_KINDS, ProblemReport, ProblemTicket

KIND_NAMES = dict(KINDS)
_KINDS_SQL = ", ".join(f"'{kind}'" for kind in WARNED_KINDS)

# For nearby's one statement (app/station_pages/nearby.py): a JSON array per station row `alias`.
SQL_COLUMN = (
    "(SELECT coalesce(json_agg(json_build_array(t.kind, extract(epoch FROM t.opened_at),"
    " (SELECT count(*) FROM problem_reports r WHERE r.ticket_id = t.id)) ORDER BY t.opened_at), '[]'::json)"
    f" FROM problem_tickets t WHERE t.station_id = {{alias}}.id AND t.status = '{OPEN}' AND t.kind IN ({_KINDS_SQL}))"
)


@dataclass(frozen=True)
class StationWarning:
    kind: str
    kind_name: str
    since: datetime
    age_minutes: int
    reporters: int


def make(kind: str, since: datetime, reporters: int, now: datetime) -> StationWarning:
    return StationWarning(kind, KIND_NAMES[kind], since, max(0, int((now - since).total_seconds() // 60)), int(reporters))


def from_sql(value: list | None, now: datetime) -> list[StationWarning]:
    """The SQL_COLUMN's value, read."""
    return [make(kind, datetime.fromtimestamp(float(epoch), UTC), n, now) for kind, epoch, n in (value or [])]


def for_station(station_id: int, now: datetime) -> list[StationWarning]:
    reporters = sa.select(sa.func.count()).where(ProblemReport.ticket_id == ProblemTicket.id).scalar_subquery()
    query = (
        sa.select(ProblemTicket.kind, ProblemTicket.opened_at, reporters)
        .where(ProblemTicket.station_id == station_id, ProblemTicket.status == OPEN, ProblemTicket.kind.in_(WARNED_KINDS))
        .order_by(ProblemTicket.opened_at)
    )
    return [make(kind, since, n, now) for kind, since, n in db.session.execute(query)]
