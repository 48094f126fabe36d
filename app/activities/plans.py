"""The yearly plan: per district, how many activities of each kind it means to hold in each
quarter; and progress against it — held (activities not cancelled that start in the quarter,
China time) beside the target, and who is behind: a quarter that has ended with fewer held than
planned. The current quarter shows as under way, never as behind."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from app.accounts import audit
from app.accounts.actor import Actor
from app.activities.models import STATUS_ACTIVE, Activity, PlanTarget
from app.activities.scope import district_for, district_to_write
from app.core import clock
from app.extensions import db


def set_plan(actor: Actor, district: str | None, year: int, targets: list[dict]) -> list[PlanTarget]:
    """Replace a district's plan for the year with these cells (kind, quarter, target)."""
    code = district_to_write(actor, district)
    existing = {
        (t.quarter, t.kind): t
        for t in db.session.scalars(sa.select(PlanTarget).where(PlanTarget.district_code == code, PlanTarget.year == year))
    }
    before = {f"{q}-{k}": t.target for (q, k), t in existing.items()}
    wanted = {(cell["quarter"], cell["kind"]): cell["target"] for cell in targets}
    for key, row in existing.items():
        if key not in wanted:
            db.session.delete(row)
    for (quarter, kind), target in wanted.items():
        row = existing.get((quarter, kind)) or PlanTarget(district_code=code, year=year, quarter=quarter, kind=kind)
        row.target = target
        db.session.add(row)
    audit.record(
        actor,
        "activity_plan.set",
        "activity_plan",
        f"{code}-{year}",
        district_code=code,
        before=before,
        after={f"{q}-{k}": t for (q, k), t in wanted.items()},
    )
    db.session.commit()
    return get_plan(actor, code, year)


def get_plan(actor: Actor, district: str | None, year: int) -> list[PlanTarget]:
    code = district_for(actor, district)
    query = sa.select(PlanTarget).where(PlanTarget.year == year)
    if code:
        query = query.where(PlanTarget.district_code == code)
    return list(db.session.scalars(query.order_by(PlanTarget.district_code, PlanTarget.quarter, PlanTarget.kind)))


@dataclass(frozen=True)
class ProgressRow:
    district_code: str
    quarter: int
    kind: str
    target: int
    held: int
    state: str  # done | behind | under_way | ahead (not started: "planned")

    @property
    def shortfall(self) -> int:
        return max(0, self.target - self.held)


def held_counts(year: int, codes: list[str] | None) -> dict[tuple[str, int, str], int]:
    """Activities not cancelled, by (district, quarter of their China start date, kind)."""
    local_start = sa.func.timezone(clock.CHINA_TZ_NAME, Activity.starts_at)
    quarter = sa.cast(sa.extract("quarter", local_start), sa.Integer)
    query = (
        sa.select(Activity.district_code, quarter, Activity.kind, sa.func.count())
        .where(Activity.status == STATUS_ACTIVE, sa.extract("year", local_start) == year)
        .group_by(Activity.district_code, quarter, Activity.kind)
    )
    if codes:
        query = query.where(Activity.district_code.in_(codes))
    return {(d, q, k): n for d, q, k, n in db.session.execute(query)}


def _state(year: int, quarter: int, target: int, held: int) -> str:
    today_year, today_quarter = clock.quarter_of(clock.today())
    if held >= target:
        return "done"
    if (year, quarter) < (today_year, today_quarter):
        return "behind"
    return "under_way" if (year, quarter) == (today_year, today_quarter) else "planned"


def progress(actor: Actor, *, year: int, district: str | None = None) -> list[ProgressRow]:
    """Every planned cell, and every cell held without a plan (target 0)."""
    code = district_for(actor, district)
    codes = [code] if code else None
    targets = {(t.district_code, t.quarter, t.kind): t.target for t in get_plan(actor, code, year)}
    held = held_counts(year, codes)
    keys = sorted(set(targets) | set(held))
    return [
        ProgressRow(
            d, q, k, targets.get((d, q, k), 0), held.get((d, q, k), 0), _state(year, q, targets.get((d, q, k), 0), held.get((d, q, k), 0))
        )
        for d, q, k in keys
    ]


def behind(rows: list[ProgressRow]) -> dict[str, int]:
    """Who is behind: district → activities short in quarters that have ended."""
    out: dict[str, int] = {}
    for row in rows:
        if row.state == "behind":
            out[row.district_code] = out.get(row.district_code, 0) + row.shortfall
    return dict(sorted(out.items()))
