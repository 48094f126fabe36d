"""The quarterly form (附件3, 绵阳市工会户外劳动者服务站点建设进度统计表) and its submissions.

Per district (or the whole city, all districts summed) and year, one row per quarter:

- 截止上季度建成数量总计: stations in service at the end of the previous quarter, i.e. with a
  built date before the quarter's first day and not retired before that day;
- 本季度新建总计 / 本季度工会自建 / 本季度与有关单位共建: stations whose built date falls in the
  quarter (a station built on the quarter's last day is that quarter's), split by build mode
  (self_built = 工会自建, co_built = 与有关单位共建);
- 投入资金 总计 / 工会投入 / 政府投入 / 其他资金: the quarter's recorded investments, in 万元;
- 服务户外劳动者（人次）: visits of the quarter's days (China time), scanned plus manual, from
  `visit_counts.headcount_by_range` (one query for all the quarters).

Retired stations: a station was built, so it stays in the 新建 count of its quarter and in the
截止上季度 count of every quarter that starts before the day it was retired; from the first
quarter that starts on or after its retirement it is no longer counted. The 合计 row sums the
quarters' new stations, money and visits; its 建成数量 cell is the stock at the end of the last
quarter the form covers (stations in service then), not a sum.

Quarters after the one the form is filled for (by default the current quarter of the current
year) are left empty, as on a paper form.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.accounts import audit
from app.accounts.actor import Actor
from app.core import clock, error_codes
from app.core.errors import Forbidden, InvalidInput, NotFound
from app.extensions import db
from app.reference import data as ref
from app.reference.models import District
from app.registry.models import STATUS_PLANNED, Station
from app.reports import investments, quarters
from app.reports.models import QuarterlySubmission
from app.visits.counts import headcount_by_range

TITLE = "绵阳市工会户外劳动者服务站点建设进度统计表"
CITY_UNION = ref.CITY_UNION
NOTE = f"注：此表每季度最后一个星期的周一前报送至市总保障部邮箱（{ref.CITY_UNION_EMAIL}）。"
CITY_PHONE = ref.CITY_UNION_PHONE  # the plan's contact for the form (保障部)


def resolve_district(actor: Actor, district: str | None) -> District | None:
    """The district a report is for: a code or a name; None is the whole city (city staff) or
    the staff member's own district. Another district is refused."""
    if not district:
        if actor.is_city:
            return None
        return db.session.get(District, actor.district_code)
    text = district.strip()
    row = db.session.get(District, text.upper()) or db.session.scalar(sa.select(District).where(District.name == text))
    if row is None:
        raise InvalidInput("没有这个区县", code=error_codes.DISTRICT_UNKNOWN, details={"district": ["没有这个区县"]})
    if not actor.can_see_district(row.code):
        raise Forbidden("只能查看本区县的报表", code=error_codes.DISTRICT_OUT_OF_SCOPE)
    return row


def _district_codes(district: District | None) -> list[str] | None:
    return None if district is None else [district.code]


def _through_quarter(year: int, quarter: int | None, today: date) -> int:
    quarters.check_year_quarter(year, quarter)
    if date(year, 1, 1) > today:
        raise InvalidInput("该年度尚未开始", code=error_codes.YEAR_IN_FUTURE, details={"year": ["该年度尚未开始"]})
    if quarter is None:
        return 4 if year < today.year else quarters.quarter_of(today)[1]
    if not quarters.has_started(year, quarter, today):
        raise InvalidInput("该季度尚未开始", code=error_codes.QUARTER_IN_FUTURE, details={"quarter": ["该季度尚未开始"]})
    return quarter


def _bucket(column, year: int, *, moment: bool = False):
    """Which part of the year a date (or, with moment, a time judged in China time) falls in:
    0 before the year, 1–4 its quarter, 5 after it (or never, for NULL)."""
    edges = [quarters.first_day(year, q) for q in range(1, 5)] + [date(year + 1, 1, 1)]
    if moment:
        edges = [clock.day_start(day) for day in edges]
    whens = [(column.is_(None), 5)] if moment else []
    whens += [(column < edge, bucket) for bucket, edge in enumerate(edges)]
    return sa.case(*whens, else_=5)


def station_counts(year: int, through: int, district_codes: list[str] | None) -> dict:
    """Per quarter: stock at the start, new (all, self-built, co-built); and the stock at the end
    of quarter `through`. One grouped pass over the stations (by build mode, the part of the year
    they were built in and the part they were retired in); the figures are sums of its groups."""
    built = _bucket(Station.built_date, year).label("built")
    retired = _bucket(Station.retired_at, year, moment=True).label("retired")
    query = (
        sa.select(Station.build_mode, built, retired, sa.func.count())
        .where(
            Station.built_date.is_not(None),
            Station.built_date < quarters.next_first_day(year, through),
            Station.status != STATUS_PLANNED,
        )
        .group_by(Station.build_mode, built, retired)
    )
    if district_codes is not None:
        query = query.where(Station.district_code.in_(district_codes))
    groups = [(mode, int(b), int(r), int(n)) for mode, b, r, n in db.session.execute(query)]

    def in_service_at_start_of(q: int) -> int:  # q = 5: the start of the next year
        # Built before the quarter began, and retired (if ever) on or after the day it began.
        return sum(n for _, b, r, n in groups if b < q and r >= q)

    out = {}
    for q in range(1, through + 1):
        new = [(mode, n) for mode, b, _, n in groups if b == q]
        out[f"before_{q}"] = in_service_at_start_of(q)
        out[f"new_{q}"] = sum(n for _, n in new)
        out[f"self_{q}"] = sum(n for mode, n in new if mode == "self_built")
        out[f"co_{q}"] = sum(n for mode, n in new if mode == "co_built")
    out["stock_end"] = in_service_at_start_of(through + 1)
    return out


def quarterly_form(
    actor: Actor,
    year: int,
    district: str | None = None,
    *,
    quarter: int | None = None,
    filled_by: str | None = None,
    phone: str | None = None,
    today: date | None = None,
    raw_visits: bool = False,
) -> dict:
    """The form's figures, as JSON-ready values (money as Decimal). raw_visits: sum the visits
    from the raw check-ins instead of the rollups (the same figures, slowly: checks, benchmarks)."""
    today = today or clock.today()
    district_row = resolve_district(actor, district)
    through = _through_quarter(year, quarter, today)
    codes = _district_codes(district_row)
    counts = station_counts(year, through, codes)
    money = investments.totals_by_quarter(year, codes)
    submissions = _submissions(year, district_row.code) if district_row else {}
    edges = [quarters.first_day(year, q) for q in range(1, through + 1)] + [quarters.next_first_day(year, through)]
    visits_by_quarter = headcount_by_range(edges, district_codes=codes, raw=raw_visits)
    rows = []
    for q, name in quarters.QUARTER_NAMES.items():
        due = quarters.due_date(year, q)
        row = {"quarter": q, "label": name, "due_date": due, "included": q <= through}
        if q <= through:
            counts_q = visits_by_quarter[q - 1]
            visits = {"scan": counts_q["scan"], "manual": counts_q["manual"], "total": counts_q["scan"] + counts_q["manual"]}
            row |= {
                "built_before": counts[f"before_{q}"],
                "built_new": counts[f"new_{q}"],
                "built_self": counts[f"self_{q}"],
                "built_co": counts[f"co_{q}"],
                "investment": money[q],
                "visits": visits,
            }
        else:
            row |= {"built_before": None, "built_new": None, "built_self": None, "built_co": None, "investment": None, "visits": None}
        if district_row is not None:
            row["submission"] = _status(submissions.get(q), due, today)
        rows.append(row)
    included = [r for r in rows if r["included"]]
    total = {
        "label": "合计",
        "built_before": counts["stock_end"],
        "built_new": sum(r["built_new"] for r in included),
        "built_self": sum(r["built_self"] for r in included),
        "built_co": sum(r["built_co"] for r in included),
        "investment": {k: sum((r["investment"][k] for r in included), investments.ZERO) for k in ("total", "union", "government", "other")},
        "visits": {k: sum(r["visits"][k] for r in included) for k in ("scan", "manual", "total")},
    }
    staff = actor.staff
    return {
        "title": TITLE,
        "year": year,
        "through_quarter": through,
        "district": {"code": district_row.code, "name": district_row.name} if district_row else None,
        "unit": district_row.union_name if district_row else CITY_UNION,
        "filled_by": filled_by or (staff.display_name if staff else ""),
        "phone": phone or _phone(staff, district_row),
        "rows": rows,
        "total": total,
        "note": NOTE,
        "generated_at": clock.now(),
    }


def _phone(staff, district_row: District | None) -> str:
    """The staff member's phone, else the district union's (a placeholder until staff set it),
    else, for the whole city, the plan's contact number."""
    if staff is not None and staff.phone:
        return staff.phone
    if district_row is not None:
        return district_row.union_phone or ""
    return CITY_PHONE


# --- submissions ---------------------------------------------------------------------------------


def _submissions(year: int, district_code: str | None = None, quarter: int | None = None) -> dict:
    query = sa.select(QuarterlySubmission).where(QuarterlySubmission.year == year)
    if district_code:
        query = query.where(QuarterlySubmission.district_code == district_code)
    if quarter:
        query = query.where(QuarterlySubmission.quarter == quarter)
    rows = db.session.scalars(query)
    if district_code:
        return {s.quarter: s for s in rows}
    return {(s.district_code, s.quarter): s for s in rows}


def _status(submission: QuarterlySubmission | None, due: date, today: date) -> dict:
    """Submitted on or before the due date (China time) is on time; after it, or not at all
    once the due date has passed, is late."""
    if submission is None:
        return {"submitted": False, "submitted_at": None, "submitted_by": None, "due_date": due, "late": today > due}
    return {
        "submitted": True,
        "submitted_at": submission.submitted_at,
        "submitted_by": submission.submitted_by_name,
        "due_date": due,
        "late": clock.china_date(submission.submitted_at) > due,
    }


def submit(actor: Actor, year: int, quarter: int, *, today: date | None = None) -> tuple[dict, bool]:
    """A district marks its form for the quarter as filed. Idempotent: marking it again answers
    the first submission unchanged (its time decides lateness). Returns (submission, created)."""
    if actor.is_city:
        raise Forbidden("季度报表由各区县工会报送", code=error_codes.DISTRICT_STAFF_ONLY)
    quarters.check_year_quarter(year, quarter)
    today = today or clock.today()
    if not quarters.has_started(year, quarter, today):
        raise InvalidInput("该季度尚未开始，不能报送", code=error_codes.QUARTER_IN_FUTURE, details={"quarter": ["该季度尚未开始"]})
    existing = _submissions(year, actor.district_code, quarter).get(quarter)
    if existing is not None:
        return submission_view(existing), False
    submission = QuarterlySubmission(
        district_code=actor.district_code,
        year=year,
        quarter=quarter,
        submitted_by=actor.staff.id,
        submitted_by_name=actor.staff.display_name,
    )
    try:
        with db.session.begin_nested():
            db.session.add(submission)
    except IntegrityError:
        # The same district's other tab got there first: that one is the submission.
        existing = _submissions(year, actor.district_code, quarter).get(quarter)
        if existing is None:
            raise
        return submission_view(existing), False
    audit.record(
        actor, "quarterly.submit", "quarterly_form", f"{actor.district_code}/{year}Q{quarter}",
        district_code=actor.district_code,
        after={"year": year, "quarter": quarter, "submitted_at": submission.submitted_at.isoformat()},
    )  # fmt: skip
    db.session.commit()
    return submission_view(submission), True


def submission_view(submission: QuarterlySubmission) -> dict:
    due = quarters.due_date(submission.year, submission.quarter)
    return {
        "district": {"code": submission.district.code, "name": submission.district.name},
        "year": submission.year,
        "quarter": submission.quarter,
        "submitted_at": submission.submitted_at,
        "submitted_by": submission.submitted_by_name,
        "due_date": due,
        "late": clock.china_date(submission.submitted_at) > due,
    }


def submission_status(actor: Actor, year: int, quarter: int, *, today: date | None = None) -> dict:
    """Per district: submitted (when, by whom), the due date and whether it is late. District
    staff see their own district only."""
    quarters.check_year_quarter(year, quarter)
    today = today or clock.today()
    due = quarters.due_date(year, quarter)
    query = sa.select(District).order_by(District.sort_order)
    if not actor.is_city:
        query = query.where(District.code == actor.district_code)
    districts = list(db.session.scalars(query))
    if not districts:
        raise NotFound("没有可查看的区县", code=error_codes.DISTRICT_UNKNOWN)
    submitted = _submissions(year, None if actor.is_city else actor.district_code, quarter)
    rows = []
    for d in districts:
        key = quarter if not actor.is_city else (d.code, quarter)
        rows.append({"district": {"code": d.code, "name": d.name}, **_status(submitted.get(key), due, today)})
    return {
        "year": year,
        "quarter": quarter,
        "label": quarters.QUARTER_NAMES[quarter],
        "due_date": due,
        "districts": rows,
        "submitted_count": sum(r["submitted"] for r in rows),
        "late_count": sum(r["late"] for r in rows),
    }
