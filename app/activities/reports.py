"""The activities report: activities not cancelled in a year (optionally a quarter, a district, a
campaign), grouped by district, quarter (of the China start date), kind and campaign, with
people reached, gifts handed out and left, and money by source (万元); and a total row.
As JSON, CSV or XLSX (app/core/spreadsheets)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from app.accounts.actor import Actor
from app.activities import figures
from app.activities.models import STATUS_ACTIVE, Activity, Campaign
from app.activities.scope import district_for
from app.core import clock
from app.core.spreadsheets.report_export import Table
from app.extensions import db
from app.reference import data as ref
from app.reference.models import District

KIND_NAMES = ref.names(ref.CARE_ACTIVITY_KINDS)


@dataclass
class ReportRow:
    district_code: str
    district_name: str
    quarter: int
    kind: str
    campaign: str | None
    totals: figures.Totals = field(default_factory=figures.Totals)

    @property
    def kind_name(self) -> str:
        return KIND_NAMES.get(self.kind, self.kind)


@dataclass
class ActivityReport:
    year: int
    quarter: int | None
    district: str | None
    rows: list[ReportRow]
    total: figures.Totals


def _activities(year: int, quarter: int | None, code: str | None, campaign_id: int | None) -> list[Activity]:
    first = date(year, 1, 1) if quarter is None else clock.quarter_start(year, quarter)
    end = date(year + 1, 1, 1) if quarter is None else clock.next_quarter_start(year, quarter)
    query = sa.select(Activity).where(
        Activity.status == STATUS_ACTIVE, Activity.starts_at >= clock.day_start(first), Activity.starts_at < clock.day_start(end)
    )
    if code:
        query = query.where(Activity.district_code == code)
    if campaign_id is not None:
        query = query.where(Activity.campaign_id == campaign_id)
    return list(db.session.scalars(query.order_by(Activity.district_code, Activity.starts_at)))


def activity_report(
    actor: Actor, *, year: int, quarter: int | None = None, district: str | None = None, campaign_id: int | None = None
) -> ActivityReport:
    code = district_for(actor, district)
    activities = _activities(year, quarter, code, campaign_id)
    per_activity = figures.for_activities(activities)
    districts = dict(db.session.execute(sa.select(District.code, District.name)).all())
    themes = dict(db.session.execute(sa.select(Campaign.id, Campaign.theme)).all()) if activities else {}
    groups: dict[tuple, ReportRow] = {}
    total = figures.Totals()
    for activity in activities:
        q = clock.quarter_of(clock.china_date(activity.starts_at))[1]
        key = (activity.district_code, q, activity.kind, activity.campaign_id or 0)
        row = groups.get(key)
        if row is None:
            theme = themes.get(activity.campaign_id) if activity.campaign_id else None
            row = groups[key] = ReportRow(activity.district_code, districts.get(activity.district_code, ""), q, activity.kind, theme)
        row.totals.add(activity, per_activity[activity.id])
        total.add(activity, per_activity[activity.id])
    return ActivityReport(year, quarter, code, [groups[k] for k in sorted(groups)], total)


HEADERS = [
    "区县",
    "季度",
    "活动类别",
    "关爱服务月",
    "活动数",
    "领取（人）",
    "已发放（券）",
    "现场登记（人）",
    "惠及人数",
    "礼品发放",
    "礼品剩余",
    "工会投入（万元）",
    "政府投入（万元）",
    "其他资金（万元）",
    "合计（万元）",
]


def _cells(t: figures.Totals) -> list:
    return [
        t.activities,
        t.claimed,
        t.collected,
        t.recorded,
        t.people_reached,
        t.handed_out,
        t.left,
        float(t.union_amount),
        float(t.government_amount),
        float(t.other_amount),
        float(t.total_amount),
    ]


def as_table(report: ActivityReport) -> Table:
    rows = [[r.district_name, f"{report.year}年第{r.quarter}季度", r.kind_name, r.campaign or "", *_cells(r.totals)] for r in report.rows]
    rows.append(["合计", "", "", "", *_cells(report.total)])
    period = f"{report.year}" + (f"Q{report.quarter}" if report.quarter else "")
    return Table(
        title=f"关爱服务活动统计 {period}", headers=HEADERS, rows=rows, filename=f"activities-{period}-{report.district or 'city'}"
    )
