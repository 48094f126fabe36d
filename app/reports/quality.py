"""质效评估: a score per station over the plan's five themes (四、(六): 站点规划建设、运行管理、
功能发挥、服务人次和满意度), each 0–100, and their weighted mean. The formula is in README.md
("Quality evaluation"); the weights and the other knobs are settings (QUALITY_*).

Every figure comes from one set-based query per source (stations, latest inspections, keepers,
status posts, visits, ratings), so a city of a few hundred stations costs a handful of queries.
Only stations in service are evaluated (built or plaqued, not retired).
"""

from __future__ import annotations

import csv
import io
import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from app.accounts.actor import Actor
from app.core import clock, error_codes
from app.core.errors import InvalidInput
from app.core.spreadsheets import XLSX_MIME
from app.core.spreadsheets.xlsx_print import set_up_printing
from app.extensions import db
from app.keepers.models import StationKeeper, StatusUpdate
from app.ratings.models import Rating
from app.reference import data as ref
from app.reference.models import District
from app.registry.models import STATUS_BUILT, STATUS_PLAQUED, Inspection, Station
from app.reports.quarterly import resolve_district
from app.visits.counts import headcount_by

COMPONENTS = ("build", "operation", "function", "visits", "satisfaction")
COMPONENT_NAMES = {
    "build": "规划建设",
    "operation": "运行管理",
    "function": "功能发挥",
    "visits": "服务人次",
    "satisfaction": "满意度",
}
SIX_HAS_COUNT = len(ref.SIX_HAS_ITEMS)
NEUTRAL_SCORE = 3.0  # the middle of 1–5, where a district has no ratings to lean on
MAX_DAYS = 366


@dataclass(frozen=True)
class Settings:
    weights: dict[str, float]
    top_n: int
    days: int
    prior_weight: float
    amenities_full: int

    @classmethod
    def from_config(cls) -> Settings:
        config = current_app.config
        return cls(
            weights={k: float(config["QUALITY_WEIGHTS"].get(k, 0)) for k in COMPONENTS},
            top_n=int(config["QUALITY_TOP_N"]),
            days=int(config["QUALITY_PERIOD_DAYS"]),
            prior_weight=float(config["QUALITY_RATING_PRIOR_WEIGHT"]),
            amenities_full=int(config["QUALITY_AMENITIES_FULL"]),
        )


def _round(value: float) -> float:
    return round(value + 0.0, 1)


def evaluate(
    actor: Actor,
    *,
    district: str | None = None,
    to: date | None = None,
    days: int | None = None,
    top: int | None = None,
    today: date | None = None,
) -> dict:
    settings = Settings.from_config()
    today = today or clock.today()
    to = to or today
    days = days or settings.days
    top_n = settings.top_n if top is None else top
    if to > today:
        raise InvalidInput("评估截止日期不能晚于今天", code=error_codes.PERIOD_IN_FUTURE, details={"to": ["不能晚于今天"]})
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput(f"评估天数应为 1 到 {MAX_DAYS}", code=error_codes.PERIOD_INVALID, details={"days": [f"应为 1 到 {MAX_DAYS}"]})
    if sum(settings.weights.values()) <= 0:
        raise InvalidInput("质效评估权重配置有误", code=error_codes.QUALITY_WEIGHTS_INVALID)
    district_row = resolve_district(actor, district)
    codes = [district_row.code] if district_row else (None if actor.is_city else [actor.district_code])
    start, end = to - timedelta(days=days - 1), to + timedelta(days=1)  # [start, end) local days

    stations = _stations(codes)
    ids = [s.id for s in stations]
    inspections = _latest_inspections(codes)
    keepers = _active_keepers(codes)
    posts = _status_days(codes, start, end)
    visits = headcount_by(start, end, by="station", district_codes=codes) if ids else {}
    ratings = _ratings(codes, start, end)

    by_district: dict[str, list] = {}
    for s in stations:
        by_district.setdefault(s.district_code, []).append(s)
    medians = {code: statistics.median([sum(visits.get(s.id, {}).values()) for s in group]) for code, group in by_district.items()}
    priors = {}
    for code, group in by_district.items():
        n = sum(ratings.get(s.id, (0, 0))[0] for s in group)
        total = sum(ratings.get(s.id, (0, 0))[1] for s in group)
        priors[code] = total / n if n else NEUTRAL_SCORE
    names = dict(db.session.execute(sa.select(District.code, District.name)).all())

    weight_sum = sum(settings.weights.values())
    rows = []
    for s in stations:
        passed = inspections.get(s.id)
        plaqued = s.status == STATUS_PLAQUED
        build = 50 * (passed or 0) / SIX_HAS_COUNT + 50 * plaqued
        keeper_active = keepers.get(s.id, 0) > 0
        post_days, closed_days = posts.get(s.id, (0, 0))
        freshness = min(1.0, post_days / days)
        kept_open = 1 - min(1.0, closed_days / days)
        operation = 100 * (keeper_active + freshness + kept_open) / 3
        amenity_count = len(s.amenities or [])
        function = 100 * min(1.0, amenity_count / settings.amenities_full) if settings.amenities_full else 0.0
        v = visits.get(s.id, {})
        station_visits = v.get("scan", 0) + v.get("manual", 0)
        median = medians[s.district_code]
        visit_score = _visit_score(station_visits, median)
        n, score_sum = ratings.get(s.id, (0, 0))
        prior = priors[s.district_code]
        shrunk = (score_sum + settings.prior_weight * prior) / (n + settings.prior_weight) if (n + settings.prior_weight) else prior
        satisfaction = 100 * (shrunk - 1) / 4
        components = {
            "build": build,
            "operation": operation,
            "function": function,
            "visits": visit_score,
            "satisfaction": satisfaction,
        }
        total = sum(settings.weights[k] * components[k] for k in COMPONENTS) / weight_sum
        rows.append(
            {
                "code": s.code,
                "name": s.name,
                "district": {"code": s.district_code, "name": names.get(s.district_code, s.district_code)},
                "status": s.status,
                "provincial_best": s.provincial_best,
                "demonstration": s.demonstration,
                "score": _round(total),
                "components": {k: _round(v) for k, v in components.items()},
                "details": {
                    "six_has_passed": passed,
                    "plaqued": plaqued,
                    "keeper_active": keeper_active,
                    "status_days": post_days,
                    "closed_days": closed_days,
                    "amenities": amenity_count,
                    "visits": station_visits,
                    "visits_scan": v.get("scan", 0),
                    "visits_manual": v.get("manual", 0),
                    "district_median_visits": float(median),
                    "ratings": n,
                    "rating_average": round(score_sum / n, 2) if n else None,
                    "rating_adjusted": round(shrunk, 2),
                },
                "_exact": total,
            }
        )
    rows.sort(key=lambda r: (-r["_exact"], r["code"]))
    candidates = 0
    for rank, row in enumerate(rows, start=1):
        row.pop("_exact")
        row["rank"] = rank
        eligible = row["status"] == STATUS_PLAQUED and not row["provincial_best"]
        row["candidate"] = eligible and candidates < top_n
        candidates += row["candidate"]
    return {
        "district": {"code": district_row.code, "name": district_row.name} if district_row else None,
        "period": {"from": start, "to": to, "days": days},
        "weights": settings.weights,
        "top_n": top_n,
        "stations": rows,
    }


def _visit_score(visits: int, median: float) -> float:
    """50 at the district median, 100 at twice it or more; with a median of 0, any visit is 100."""
    if median > 0:
        return 100 * min(1.0, visits / (2 * median))
    return 100.0 if visits > 0 else 0.0


def _scoped(query: sa.Select, codes: list[str] | None) -> sa.Select:
    return query if codes is None else query.where(Station.district_code.in_(codes))


def _stations(codes: list[str] | None) -> list:
    query = sa.select(
        Station.id, Station.code, Station.name, Station.district_code, Station.status,
        Station.amenities, Station.provincial_best, Station.demonstration,
    ).where(Station.status.in_((STATUS_BUILT, STATUS_PLAQUED)))  # fmt: skip
    return list(db.session.execute(_scoped(query, codes)))


def _latest_inspections(codes: list[str] | None) -> dict[int, int]:
    """{station id: 六有 items passed in its latest inspection}."""
    latest = _scoped(
        sa.select(sa.func.max(Inspection.id)).join(Station, Station.id == Inspection.station_id).group_by(Inspection.station_id),
        codes,
    )
    rows = db.session.execute(sa.select(Inspection.station_id, Inspection.results).where(Inspection.id.in_(latest)))
    return {station_id: sum(1 for r in results if r.get("passed")) for station_id, results in rows}


def _active_keepers(codes: list[str] | None) -> dict[int, int]:
    query = _scoped(
        sa.select(StationKeeper.station_id, sa.func.count())
        .join(Station, Station.id == StationKeeper.station_id)
        .where(StationKeeper.revoked_at.is_(None))
        .group_by(StationKeeper.station_id),
        codes,
    )
    return dict(db.session.execute(query).all())


def _status_days(codes: list[str] | None, start: date, end: date) -> dict[int, tuple[int, int]]:
    """{station id: (days with a status post, days reported closed)} over [start, end)."""
    query = _scoped(
        sa.select(StatusUpdate.station_id, StatusUpdate.posted_at, StatusUpdate.changes)
        .join(Station, Station.id == StatusUpdate.station_id)
        .where(StatusUpdate.posted_at >= clock.day_start(start), StatusUpdate.posted_at < clock.day_start(end)),
        codes,
    )
    post_days: dict[int, set] = {}
    closed: dict[int, set] = {}
    for station_id, posted_at, changes in db.session.execute(query):
        day = clock.china_date(posted_at)
        post_days.setdefault(station_id, set()).add(day)
        station = (changes or {}).get("station") or {}
        if station.get("state") == "closed_temporarily":
            until = _parse_time(station.get("until"))
            last = min(clock.china_date(until) if until else day, end - timedelta(days=1))
            days = closed.setdefault(station_id, set())
            while day <= last:
                days.add(day)
                day += timedelta(days=1)
    return {sid: (len(post_days[sid]), len(closed.get(sid, ()))) for sid in post_days}


def _parse_time(text) -> datetime | None:
    try:
        return datetime.fromisoformat(text) if text else None
    except (TypeError, ValueError):
        return None


def _ratings(codes: list[str] | None, start: date, end: date) -> dict[int, tuple[int, int]]:
    """{station id: (ratings, sum of scores)} of ratings made in [start, end)."""
    query = _scoped(
        sa.select(Rating.station_id, sa.func.count(), sa.func.sum(Rating.score))
        .join(Station, Station.id == Rating.station_id)
        .where(Rating.created_at >= clock.day_start(start), Rating.created_at < clock.day_start(end))
        .group_by(Rating.station_id),
        codes,
    )
    return {sid: (int(n), int(total or 0)) for sid, n, total in db.session.execute(query)}


# --- exports ---------------------------------------------------------------------------------------


def _component(name: str):
    return lambda row: row["components"][name]


EXPORT_COLUMNS = (
    ("排名", lambda r: r["rank"]),
    ("站点编码", lambda r: r["code"]),
    ("站点名称", lambda r: r["name"]),
    ("区县", lambda r: r["district"]["name"]),
    ("综合得分", lambda r: r["score"]),
    *((f"{COMPONENT_NAMES[k]}得分", _component(k)) for k in COMPONENTS),
    ("六有通过项", lambda r: r["details"]["six_has_passed"]),
    ("已挂牌", lambda r: "是" if r["details"]["plaqued"] else "否"),
    ("有在岗管理员", lambda r: "是" if r["details"]["keeper_active"] else "否"),
    ("更新状态天数", lambda r: r["details"]["status_days"]),
    ("临时关闭天数", lambda r: r["details"]["closed_days"]),
    ("服务设施项数", lambda r: r["details"]["amenities"]),
    ("服务人次", lambda r: r["details"]["visits"]),
    ("区县中位数", lambda r: r["details"]["district_median_visits"]),
    ("评价数", lambda r: r["details"]["ratings"]),
    ("平均评分", lambda r: r["details"]["rating_average"]),
    ("修正评分", lambda r: r["details"]["rating_adjusted"]),
    ("省级最美站点", lambda r: "是" if r["provincial_best"] else "否"),
    ("最美站点候选", lambda r: "是" if r["candidate"] else ""),
)


def to_csv(result: dict) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([h for h, _ in EXPORT_COLUMNS])
    for row in result["stations"]:
        writer.writerow(["" if (v := f(row)) is None else v for _, f in EXPORT_COLUMNS])
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(result: dict) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "质效评估"
    period = result["period"]
    who = result["district"]["name"] if result["district"] else "全市"
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(EXPORT_COLUMNS))
    sheet["A1"] = f"绵阳市工会户外劳动者服务站点质效评估（{who}，{period['from'].isoformat()} 至 {period['to'].isoformat()}）"
    sheet["A1"].font = Font(name="宋体", size=14, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append([h for h, _ in EXPORT_COLUMNS])
    for cell in sheet[2]:
        cell.font = Font(name="宋体", bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in result["stations"]:
        sheet.append([f(row) for _, f in EXPORT_COLUMNS])
    for r in sheet.iter_rows(min_row=3):
        for cell in r:
            cell.font = Font(name="宋体")
            if isinstance(cell.value, float):
                cell.number_format = "0.0"
    for i, (header, _) in enumerate(EXPORT_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = {"站点名称": 24, "站点编码": 10}.get(header, 8)
    set_up_printing(sheet, header_rows="2:2")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


MIMETYPE_XLSX = XLSX_MIME
