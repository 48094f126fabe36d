"""Reports on the loop (README "Problem reports"): tickets by district, station and kind — how
many, open, overdue, fixed by their deadline, median hours to fix — and the spot checks, over a
period of local days, as tables for CSV and XLSX (app/core/spreadsheets/report_export)."""

from __future__ import annotations

import statistics
from datetime import date, timedelta

import sqlalchemy as sa

from app.accounts.actor import Actor
from app.core import clock
from app.core.spreadsheets import report_export
from app.core.spreadsheets.report_export import Table
from app.extensions import db
from app.problems import tickets
from app.problems.models import KINDS, ProblemTicket
from app.reference import data as ref
from app.registry.models import Station
from app.spot_checks.models import SpotCheck

KIND_NAMES = dict(KINDS)
DISTRICT_NAMES = {d.code: d.name for d in ref.DISTRICTS}


def _period(since: date, until: date):
    return clock.day_start(since), clock.day_start(until + timedelta(days=1))


def tickets_table(actor: Actor, since: date, until: date) -> Table:
    start, end = _period(since, until)
    now = clock.now()
    query = (
        tickets.scoped(actor)
        .join(ProblemTicket.station)
        .where(ProblemTicket.opened_at >= start, ProblemTicket.opened_at < end)
        .add_columns(Station.code, Station.name)
    )
    groups: dict[tuple, list[ProblemTicket]] = {}
    for ticket, code, name in db.session.execute(query):
        groups.setdefault((ticket.district_code, code, name, ticket.kind), []).append(ticket)
    rows = []
    for (district, code, name, kind), group in sorted(groups.items()):
        fixed = [t for t in group if t.fixed_at is not None]
        hours = [(t.fixed_at - t.opened_at).total_seconds() / 3600 for t in fixed]
        rows.append([
            DISTRICT_NAMES.get(district, district), code, name, KIND_NAMES.get(kind, kind), len(group),
            sum(t.status != "confirmed" for t in group), sum(tickets.is_overdue(t, now) for t in group),
            sum(t.fixed_at <= t.due_at for t in fixed), round(statistics.median(hours), 1) if hours else None,
        ])  # fmt: skip
    headers = ["区县", "站点编码", "站点名称", "问题类别", "问题数", "未解决", "逾期", "按期整改", "整改用时中位数（小时）"]
    return Table(f"问题反映（{since.isoformat()} 至 {until.isoformat()}）", headers, rows, f"tickets_{since}_{until}")


def spot_checks_table(actor: Actor, since: date, until: date) -> Table:
    start, end = _period(since, until)
    query = (
        sa.select(SpotCheck, Station.code, Station.name)
        .join(SpotCheck.station)
        .where(SpotCheck.checked_at >= start, SpotCheck.checked_at < end)
        .order_by(SpotCheck.checked_at)
    )
    if not actor.is_city:
        query = query.where(SpotCheck.district_code == actor.district_code)
    yes = lambda value: "是" if value else "否"  # noqa: E731
    rows = [
        [
            DISTRICT_NAMES.get(check.district_code, check.district_code), code, name, clock.china_date(check.checked_at),
            yes(check.open_as_posted), sum(1 for i in check.six_has if i.get("passed")), yes(check.supplies_in_date),
            yes(check.clean), "合格" if check.verdict == "pass" else "不合格", check.note,
        ]
        for check, code, name in db.session.execute(query)
    ]  # fmt: skip
    headers = ["区县", "站点编码", "站点名称", "日期", "按时开放", "“六有”通过项", "物资在有效期", "卫生整洁", "结论", "说明"]
    return Table(f"暗访（{since.isoformat()} 至 {until.isoformat()}）", headers, rows, f"spot_checks_{since}_{until}")


def render(actor: Actor, *, what: str = "tickets", fmt: str = "xlsx", from_: date | None = None, to: date | None = None):
    """(content, mimetype, filename) of the tickets' or spot checks' table over [from, to] (default
    the last 30 days, to today at the latest)."""
    today = clock.today()
    until = min(to or today, today)
    since = from_ or until - timedelta(days=29)
    table = (spot_checks_table if what == "spot_checks" else tickets_table)(actor, since, until)
    return report_export.render(table, fmt)
