"""The dashboard (工作台): the signed-in staff member's scope at a glance — today's and this
month's visits and distinct workers, the average rating, stations by status, the visits trend,
plan progress against 附件1/附件2, and this quarter's forms due and late. Every figure comes from
the report services, scoped to the staff member's district (city staff: the whole city)."""

from __future__ import annotations

from datetime import timedelta

from flask import render_template

from app.console import bp
from app.console.common import actor
from app.core import clock
from app.problems import queue as problem_queue
from app.ratings import satisfaction
from app.reference import data as ref
from app.registry import stations as station_service
from app.reports import plan_progress, quarterly, quarters
from app.spot_checks import service as spot_checks
from app.supplies import service as supplies
from app.visits import report as visit_report

TREND_DAYS = 30
# 附件1's marks on each district's bar: 60 % of the 2025 total by 2023, 80 % by 2024, all by 2025.
PLAN_MARKS = {2023: "60%", 2024: "80%", 2025: "100%"}


def _figures(report) -> dict:
    return {**report.totals, "workers": sum(b.workers for b in report.buckets)}


@bp.get("/")
def dashboard():
    who = actor()
    today = clock.today()
    month_start = today.replace(day=1)
    day = visit_report.report_for(who, since=today, until=today, group_by="city", period="day")
    month = visit_report.report_for(who, since=month_start, until=today, group_by="city", period="month")
    trend = visit_report.report_for(who, since=today - timedelta(days=TREND_DAYS - 1), until=today, group_by="city", period="day")
    ratings = satisfaction.satisfaction(who, since=today - timedelta(days=29), until=today)["overall"]
    by_status = [(code, name, station_service.list_stations(who, status=code, per_page=1).total) for code, name in ref.STATION_STATUSES]
    year, _quarter = quarters.quarter_of(today)
    # This year's quarters so far, newest first: the one due next and the ones filed late or not at all.
    forms = [quarterly.submission_status(who, year, q) for q in reversed(quarters.QUARTER_NAMES) if quarters.has_started(year, q, today)]
    return render_template(
        "console/dashboard.html",
        today=_figures(day),
        month=_figures(month),
        trend=[{"day": b.period_start.isoformat(), "scanned": b.scanned, "manual": b.manual} for b in trend.buckets],
        ratings=ratings,
        by_status=by_status,
        plan=plan_progress.plan_progress(who),
        forms=forms,
        plan_marks=PLAN_MARKS,
        loop=_loop_flags(who),
    )


def _loop_flags(who) -> dict:
    """The problem loop's flags: overdue tickets, stations flagged by spot checks, supplies due."""
    due = supplies.due(who)
    return {
        "overdue": problem_queue.overdue_count(who),
        "flagged": len(spot_checks.flagged(who)),
        "expired": sum(s.state == "expired" for s in due),
        "expiring": sum(s.state == "expiring" for s in due),
    }
