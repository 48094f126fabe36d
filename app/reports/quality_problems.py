"""The quality evaluation's figures from the problem loop, spot checks and supplies (README,
"Quality evaluation"): per station, tickets per 100 visits, the share fixed by their first
deadline, the median hours to fix, spot checks passed, supplies held past their date; and which
stations the 最美站点 candidates exclude (an overdue ticket now, or a failed spot check within
SPOT_CHECK_PERIOD_DAYS). One set-based query per source."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from app.core import clock
from app.extensions import db
from app.problems.models import ProblemTicket
from app.problems.tickets import overdue_clause
from app.spot_checks.models import PASS, SpotCheck
from app.spot_checks.service import failures_since
from app.supplies.service import expired_counts


@dataclass(frozen=True)
class LoopFigures:
    tickets: int = 0
    fixed_on_time: int = 0
    fix_hours: tuple[float, ...] = ()
    deadline_hours: tuple[float, ...] = ()  # the fixed tickets' first deadlines, hours after opening
    spot_checks: int = 0
    spot_checks_passed: int = 0
    expired_supplies: int = 0

    def per_100_visits(self, visits: int) -> float:
        return 100 * self.tickets / max(visits, 1)

    @property
    def on_time_share(self) -> float | None:
        return self.fixed_on_time / self.tickets if self.tickets else None

    @property
    def median_fix_hours(self) -> float | None:
        return statistics.median(self.fix_hours) if self.fix_hours else None

    @property
    def fix_speed(self) -> float | None:
        """1 / (1 + median hours to fix / median first-deadline hours of the fixed tickets): 1 when
        fixed at once, 1/2 when the median fix takes the median deadline. None with no ticket fixed."""
        if not self.fix_hours:
            return None
        return 1 / (1 + self.median_fix_hours / max(statistics.median(self.deadline_hours), 1e-9))

    def problems_score(self, visits: int) -> float:
        """100 with no ticket; else 100 × mean(1 / (1 + tickets per 100 visits), share fixed by the
        deadline, fix speed); fix speed is left out (not 0) while no ticket is fixed."""
        if not self.tickets:
            return 100.0
        terms = [1 / (1 + self.per_100_visits(visits)), self.on_time_share]
        if self.fix_speed is not None:
            terms.append(self.fix_speed)
        return 100 * sum(terms) / len(terms)

    @property
    def inspections_score(self) -> float:
        """100 × mean(share of spot checks passed (1 with none), 1 / (1 + expired items))."""
        passed = self.spot_checks_passed / self.spot_checks if self.spot_checks else 1.0
        return 100 * (passed + 1 / (1 + self.expired_supplies)) / 2


def figures(station_ids: list[int], start: date, end: date) -> dict[int, LoopFigures]:
    """Per station: tickets opened in [start, end) local days and their fixing, spot checks made
    in it, supplies past their date on its last day."""
    since, until = clock.day_start(start), clock.day_start(end)
    tickets: dict[int, list] = {}
    query = sa.select(ProblemTicket.station_id, ProblemTicket.opened_at, ProblemTicket.due_at, ProblemTicket.fixed_at).where(
        ProblemTicket.station_id.in_(station_ids), ProblemTicket.opened_at >= since, ProblemTicket.opened_at < until
    )
    for station_id, opened, due, fixed in db.session.execute(query):
        tickets.setdefault(station_id, []).append((opened, due, fixed))
    checks = dict(
        ((sid, (int(n), int(p or 0))) for sid, n, p in db.session.execute(
            sa.select(SpotCheck.station_id, sa.func.count(), sa.func.sum(sa.case((SpotCheck.verdict == PASS, 1), else_=0)))
            .where(SpotCheck.station_id.in_(station_ids), SpotCheck.checked_at >= since, SpotCheck.checked_at < until)
            .group_by(SpotCheck.station_id)
        ))
    )  # fmt: skip
    expired = expired_counts(station_ids, on=end - timedelta(days=1))
    out = {}
    for sid in station_ids:
        rows = tickets.get(sid, [])
        n, passed = checks.get(sid, (0, 0))
        out[sid] = LoopFigures(
            tickets=len(rows),
            fixed_on_time=sum(1 for _, due, fixed in rows if fixed is not None and fixed <= due),
            fix_hours=tuple(_hours(fixed - opened) for opened, _, fixed in rows if fixed is not None),
            deadline_hours=tuple(_hours(due - opened) for opened, due, fixed in rows if fixed is not None),
            spot_checks=n,
            spot_checks_passed=passed,
            expired_supplies=expired.get(sid, 0),
        )
    return out


def _hours(delta: timedelta) -> float:
    return delta.total_seconds() / 3600


def not_candidates(station_ids: list[int], as_of: datetime | None = None) -> set[int]:
    """Stations with a ticket overdue now, or a spot check failed within SPOT_CHECK_PERIOD_DAYS."""
    now = as_of or clock.now()
    overdue = set(
        db.session.scalars(sa.select(ProblemTicket.station_id).where(ProblemTicket.station_id.in_(station_ids), overdue_clause(now)))
    )
    recent = now - timedelta(days=current_app.config["SPOT_CHECK_PERIOD_DAYS"])
    return overdue | set(failures_since(recent, station_ids))
