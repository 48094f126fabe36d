"""Reports: the visits report with its filters, chart and CSV/XLSX downloads; the quarterly form
(附件3) per quarter with its XLSX and "mark submitted"; the quality evaluation ranking. Each page
parses the query with the staff API's schema and calls the same report service."""

from __future__ import annotations

from datetime import timedelta

from flask import Response, flash, g, redirect, render_template, request, url_for
from marshmallow import ValidationError

from app.console import bp
from app.console.common import actor, field_errors, visible_districts
from app.core import clock
from app.core.downloads import download
from app.core.errors import DomainError, InvalidInput
from app.core.spreadsheets import report_export
from app.reference import data as ref
from app.reports import quality, quarterly, quarterly_xlsx, quarters
from app.reports.quarterly_schemas import QuarterlyQuery
from app.visits import report as visit_report
from app.visits.report_schemas import SOURCES, VisitReportQuery

FIELD_NAMES = {"year": "年度", "quarter": "季度", "district": "区县", "format": "格式", "_form": "查询条件"}


def _attachment(content: bytes, mimetype: str, filename: str) -> Response:
    return download(content, mimetype, filename)


def _load(schema, raw: dict) -> tuple[dict, dict]:
    try:
        return schema.load(raw), {}
    except ValidationError as exc:
        errors = field_errors(exc.messages)
        return schema.load({k: v for k, v in raw.items() if k not in exc.messages}), errors


@bp.get("/reports")
def reports():
    return redirect(url_for("console.report_visits"))


@bp.get("/reports/visits")
def report_visits():
    today = clock.today()
    # A month by district and by week: one screen for city staff (13 districts × 5 weeks).
    defaults = {"from": (today - timedelta(days=29)).isoformat(), "to": today.isoformat(), "group_by": "district", "period": "week"}
    names = ("from", "to", "group_by", "period", "district", "station", "worker_group", "source", "format")
    raw = {**defaults, **{k: v.strip() for k, v in request.args.items() if k in names and v.strip()}}
    query, errors = _load(VisitReportQuery(), raw)
    fmt = query.pop("format", "json")
    report = data = chart = None
    try:
        report = visit_report.report_for(actor(), **query)
    except DomainError as error:
        errors = {**errors, **(field_errors(error.details) or {"_form": [error.message]})}
    if report is not None and fmt in ("csv", "xlsx") and not errors:
        content, mimetype, filename = report_export.render(visit_report.as_table(report), fmt)
        return _attachment(content, mimetype, filename)
    if report is not None:
        data = visit_report.as_dict(report)
        chart = _chart(data["rows"])
    return render_template(
        "console/report_visits.html",
        data=data,
        chart=chart,
        args=raw,
        errors=errors,
        districts=visible_districts(),
        worker_groups=ref.WORKER_GROUPS,
        sources=SOURCES,
        periods=list(visit_report.PERIOD_NAMES.items()),
        groupings=list(visit_report.GROUP_NAMES.items()),
    )


def _chart(rows: list[dict]) -> dict:
    """The chart's series: one stacked bar (scanned, manual) per period, the groups of a period
    (districts, stations) added together; periods as ISO dates."""
    periods: dict[str, list[int]] = {}
    for r in rows:
        pair = periods.setdefault(r["period_start"].isoformat(), [0, 0])
        pair[0] += r["scanned"]
        pair[1] += r["manual"]
    return {"periods": list(periods), "scanned": [v[0] for v in periods.values()], "manual": [v[1] for v in periods.values()]}


@bp.get("/reports/quarterly")
def report_quarterly():
    """附件3 for a year, filled in through a quarter (default: this year's current quarter, a past
    year's fourth), for the staff member's district (city staff: the city or any district); the
    XLSX of the same; and the year's submissions."""
    today = clock.today()
    raw = {k: v.strip() for k, v in request.args.items() if k in ("year", "quarter", "district", "format") and v.strip()}
    raw.setdefault("year", str(today.year))
    query, errors = _load(QuarterlyQuery(), raw)
    fmt = query.pop("format", "json")
    who = actor()
    try:
        form = quarterly.quarterly_form(who, query.get("year", today.year), query.get("district"), quarter=query.get("quarter"))
    except InvalidInput as error:  # a year or quarter not started yet: said, and this year shown
        errors = {**errors, **(field_errors(error.details) or {"_form": [error.message]})}
        query = {k: v for k, v in query.items() if k == "district" and k not in (error.details or {})}
        form = quarterly.quarterly_form(who, today.year, query.get("district"))
    # Another district (district staff): Forbidden, the refusal page, before anything is shown.
    if fmt == "xlsx" and not errors:
        return _attachment(quarterly_xlsx.render(form), quarterly_xlsx.MIMETYPE, quarterly_xlsx.filename(form))
    year = form["year"]
    statuses = [quarterly.submission_status(who, year, q) for q in quarters.QUARTER_NAMES if quarters.has_started(year, q, today)]
    for name, messages in errors.items():
        flash(f"{FIELD_NAMES.get(name, name)}：{'；'.join(messages)}", "warning")
    return render_template(
        "console/report_quarterly.html", form=form, statuses=statuses, year=year, district=query.get("district") or "",
        quarter=query.get("quarter") or "", quarter_names=quarters.QUARTER_NAMES,
        districts=visible_districts(), years=range(quarters.FIRST_YEAR + 1, today.year + 1),
    )  # fmt: skip


@bp.post("/reports/quarterly/<int:year>/<int:quarter>/submit")
def report_quarterly_submit(year: int, quarter: int):
    try:
        _submission, created = quarterly.submit(actor(), year, quarter)
    except DomainError as error:
        flash(error.message, "error")
    else:
        label = quarters.QUARTER_NAMES.get(quarter, quarter)
        flash(f"已标记 {year} 年{label}报表为已报送" if created else f"{year} 年{label}报表此前已报送", "success")
    return redirect(url_for("console.report_quarterly", year=year))


@bp.get("/reports/quality")
def report_quality():
    raw = {k: v.strip() for k, v in request.args.items() if k in ("district", "format") and v.strip()}
    district = raw.get("district") if g.staff.is_city else None
    result = quality.evaluate(actor(), district=district)
    who = result["district"]["code"] if result["district"] else "city"
    if raw.get("format") == "csv":
        return _attachment(quality.to_csv(result), "text/csv; charset=utf-8", f"quality-{who}-{result['period']['to']}.csv")
    if raw.get("format") == "xlsx":
        return _attachment(quality.to_xlsx(result), quality.MIMETYPE_XLSX, f"quality-{who}-{result['period']['to']}.xlsx")
    return render_template("console/report_quality.html", result=result, district=district or "", districts=visible_districts())
