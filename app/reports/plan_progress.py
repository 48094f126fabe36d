"""Plan progress against 附件1 (stations built) and 附件2 (demonstration stations).

Built: a station counts at the end of a year when it was built by then (built date on or before
31 December) and was not retired by then; "now" counts stations built and not retired today
(status built or plaqued). Targets per district are its 附件1 row: 2022 = built by October 2021
+ new in 2022, 2023 = 60 % and 2024 = 80 % of the 2025 total (rounded up to whole stations),
2025 = the total. The city's targets are 附件1's printed 合计 row (`city_plan`), which is not the
sum of the rows (see `plan_discrepancies`).

A milestone whose year has ended is `met` or `missed` (built at that year's end vs target);
the current year's milestone is `on_track` when stations now reach the previous milestone's
target plus the share of the step to this one that the elapsed part of the year stands for,
`behind` otherwise; later ones are `upcoming`. A district is on track when its current milestone
is met/on track (after 2025: when it still has at least the 2025 total in service).

Demonstration stations (附件2): counted in their `demonstration_year` only (a station carries
one year, so it cannot count in two), excluding stations named 省级最美站点 and retired stations.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import sqlalchemy as sa

from app.accounts.actor import Actor
from app.core import clock
from app.extensions import db
from app.reference import data as ref
from app.reference.models import CityPlan, DemonstrationTarget, District
from app.registry.models import STATUS_BUILT, STATUS_PLAQUED, STATUS_RETIRED, Station

MILESTONE_YEARS = (2022, 2023, 2024, 2025)
_ONE_DAY = timedelta(days=1)


def _targets(row) -> dict:
    """附件1 milestones of a district row or of the city plan; "start" is the October 2021 stock
    the 2022 step starts from."""
    return {
        "start": row.built_by_oct_2021,
        2022: row.built_by_oct_2021 + row.new_2022,
        2023: -(-row.total_2025 * row.progress_2023_percent // 100),
        2024: -(-row.total_2025 * row.progress_2024_percent // 100),
        2025: row.total_2025,
    }


def _built_counts(as_of: date, district_codes: list[str] | None) -> dict[str, dict]:
    """Per district: stations in service at the end of each milestone year (up to as_of) and now.
    One grouped query with conditional sums."""
    columns = [Station.district_code]
    for year in MILESTONE_YEARS:
        in_service = _in_service_at_end_of(min(date(year, 12, 31), as_of))
        columns.append(sa.func.sum(sa.case((in_service, 1), else_=0)).label(f"y{year}"))
    columns.append(sa.func.sum(sa.case((_in_service_at_end_of(as_of), 1), else_=0)).label("now"))
    query = sa.select(*columns).where(Station.built_date.is_not(None)).group_by(Station.district_code)
    if district_codes is not None:
        query = query.where(Station.district_code.in_(district_codes))
    out = {}
    for row in db.session.execute(query):
        out[row.district_code] = {k: int(v or 0) for k, v in row._mapping.items() if k != "district_code"}
    return out


def _in_service_at_end_of(day: date):
    """Built on or before `day` and not retired by its end (China time). For today this is
    exactly the stations whose status is built or plaqued."""
    day_after = day + _ONE_DAY
    return sa.and_(
        Station.built_date < day_after,
        Station.status.in_((STATUS_BUILT, STATUS_PLAQUED, STATUS_RETIRED)),
        sa.or_(Station.retired_at.is_(None), Station.retired_at >= clock.day_start(day_after)),
    )


def _demonstration_counts(district_codes: list[str] | None) -> dict[str, dict[int, int]]:
    query = (
        sa.select(Station.district_code, Station.demonstration_year, sa.func.count())
        .where(Station.demonstration.is_(True), Station.provincial_best.is_(False), Station.status != STATUS_RETIRED)
        .group_by(Station.district_code, Station.demonstration_year)
    )
    if district_codes is not None:
        query = query.where(Station.district_code.in_(district_codes))
    out: dict[str, dict[int, int]] = {}
    for code, year, count in db.session.execute(query):
        out.setdefault(code, {})[year] = int(count)
    return out


def _milestones(targets: dict[int, int], built: dict, as_of: date) -> tuple[list[dict], bool]:
    rows = []
    current_state = None
    for year in MILESTONE_YEARS:
        target = targets[year]
        year_end = date(year, 12, 31)
        if year_end < as_of:
            state = "met" if built[f"y{year}"] >= target else "missed"
            expected = target
        elif date(year, 1, 1) <= as_of:
            previous = targets.get(year - 1, targets["start"])
            elapsed = ((as_of - date(year, 1, 1)).days + 1) / ((year_end - date(year, 1, 1)).days + 1)
            expected = math.floor(previous + (target - previous) * elapsed)
            state = "met" if built["now"] >= target else "on_track" if built["now"] >= expected else "behind"
            current_state = state
        else:
            state, expected = "upcoming", None
        rows.append(
            {
                "year": year,
                "target": target,
                "built": built[f"y{year}"] if date(year, 1, 1) <= as_of else None,
                "expected_by_now": expected if state in ("on_track", "behind", "met") and year_end >= as_of else None,
                "state": state,
            }
        )
    if current_state is None:
        if as_of.year > MILESTONE_YEARS[-1]:
            current_state = "met" if built["now"] >= targets[MILESTONE_YEARS[-1]] else "behind"
        else:  # before 2022
            current_state = "on_track"
    return rows, current_state in ("met", "on_track")


def _demonstration(targets: dict[int, int], counts: dict[int, int], as_of: date) -> dict:
    years = []
    for year in ref.DEMONSTRATION_YEARS:
        target = targets.get(year, 0)
        count = counts.get(year, 0)
        if year < as_of.year:
            state = "met" if count >= target else "missed"
        elif year == as_of.year:
            state = "met" if count >= target else "in_progress"
        else:
            state = "upcoming"
        years.append({"year": year, "target": target, "count": count, "state": state})
    other_years = sum(v for y, v in counts.items() if y not in ref.DEMONSTRATION_YEARS)
    return {
        "years": years,
        "target_total": sum(targets.get(y, 0) for y in ref.DEMONSTRATION_YEARS),
        "count_total": sum(counts.get(y, 0) for y in ref.DEMONSTRATION_YEARS),
        "count_other_years": other_years,
    }


def plan_progress(actor: Actor, *, as_of: date | None = None) -> dict:
    """Per district (district staff: their own) and, for city staff, the city total."""
    as_of = as_of or clock.today()
    query = sa.select(District).order_by(District.sort_order)
    if not actor.is_city:
        query = query.where(District.code == actor.district_code)
    districts = list(db.session.scalars(query))
    codes = None if actor.is_city else [d.code for d in districts]
    built = _built_counts(as_of, codes)
    demo = _demonstration_counts(codes)
    demo_targets: dict[str, dict[int, int]] = {}
    for t in db.session.scalars(sa.select(DemonstrationTarget)):
        demo_targets.setdefault(t.district_code, {})[t.year] = t.count
    empty = {**{f"y{y}": 0 for y in MILESTONE_YEARS}, "now": 0}
    rows = []
    for d in districts:
        counts = built.get(d.code, empty)
        targets = _targets(d)
        milestones, on_track = _milestones(targets, counts, as_of)
        rows.append(
            {
                "district": {"code": d.code, "name": d.name},
                "built_now": counts["now"],
                "built_by_oct_2021": d.built_by_oct_2021,
                "milestones": milestones,
                "on_track": on_track,
                "demonstration": _demonstration(demo_targets.get(d.code, {}), demo.get(d.code, {}), as_of),
            }
        )
    out = {"as_of": as_of, "districts": rows, "city": None}
    if actor.is_city:
        plan = db.session.get(CityPlan, ref.PLAN_DOCUMENT)
        total = {key: sum(c.get(key, 0) for c in built.values()) for key in empty}
        targets = _targets(plan)
        milestones, on_track = _milestones(targets, total, as_of)
        city_demo_targets = {y: getattr(plan, f"demonstration_{y}") for y in ref.DEMONSTRATION_YEARS}
        city_demo = {}
        for counts in demo.values():
            for year, n in counts.items():
                city_demo[year] = city_demo.get(year, 0) + n
        out["city"] = {
            "built_now": total["now"],
            "built_by_oct_2021": plan.built_by_oct_2021,
            "milestones": milestones,
            "on_track": on_track,
            "demonstration": _demonstration(city_demo_targets, city_demo, as_of),
            "note": "目标取附件1、附件2 合计行（附件1 各区县之和与合计行不一致，见 /reference 的 plan_discrepancies）",
        }
    return out
