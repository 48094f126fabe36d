"""Care activities in the console: the list (with a calendar of the district's month), a form to
create or edit one, cancel, the 专项活动方案 upload, the yearly plan's progress and who is
behind, the care months with their summaries, and the activities report with CSV/XLSX. Each view
parses with the staff API's schemas and calls the same services."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from flask import flash, redirect, render_template, request, url_for
from marshmallow import ValidationError

from app.activities import activities as activity_service
from app.activities import campaigns as campaign_service
from app.activities import plans as plan_service
from app.activities import reports as activity_reports
from app.activities import scope
from app.activities.schemas import ActivityChange, ActivityIn, CampaignIn, CancelIn
from app.console import bp
from app.console.common import actor, field_errors, flash_error, visible_districts
from app.core import clock
from app.core.downloads import download
from app.core.errors import DomainError
from app.core.spreadsheets import report_export
from app.reference import data as ref

KINDS = ref.CARE_ACTIVITY_KINDS
GROUPS = ref.WORKER_GROUPS


def _form_data(form) -> dict:
    """The activity form as the API's body: blank fields left out, times in China time."""
    data = {k: form[k].strip() for k in ("district", "kind", "title", "description", "host_unit") if form.get(k, "").strip()}
    for name in ("starts_at", "ends_at"):
        if form.get(name):
            data[name] = form[name] + ":00+08:00"  # <input type="datetime-local"> is China's wall clock
    data["whole_district"] = form.get("whole_district") == "on"
    if not data["whole_district"]:
        data["stations"] = [c.strip() for c in form.get("stations", "").replace("，", ",").split(",") if c.strip()]
    data["worker_groups"] = form.getlist("worker_groups")
    data["budget"] = {s: form[s] for s in ("union", "government", "other") if form.get(s, "").strip()}
    if form.get("campaign_id", "").strip():
        data["campaign_id"] = int(form["campaign_id"]) if form["campaign_id"].isdigit() else form["campaign_id"]
    if form.get("gift_name", "").strip():
        stock = form.get("gift_stock", "0")
        data["gift"] = {"name": form["gift_name"].strip(), "stock": int(stock) if stock.isdigit() else stock}
    return data


def _month(value: str | None) -> date:
    try:
        return date.fromisoformat(f"{value}-01") if value else clock.today().replace(day=1)
    except ValueError:
        return clock.today().replace(day=1)


@bp.get("/activities")
def activity_list():
    first = _month(request.args.get("month"))
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    district = request.args.get("district") or None
    errors = {}
    page = None
    try:
        page = activity_service.list_activities(
            actor(), district=district, since=clock.day_start(first), until=clock.day_start(last + timedelta(days=1)), per_page=100
        )
    except DomainError as error:
        errors = {"_form": [error.message]}
    days: dict[date, list] = {}
    for activity in page.items if page else []:
        day = max(clock.china_date(activity.starts_at), first)
        while day <= min(clock.china_date(activity.ends_at), last):
            days.setdefault(day, []).append(activity)
            day += timedelta(days=1)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    return render_template(
        "console/activities.html", page=page, weeks=weeks, days=days, first=first, district=district,
        districts=visible_districts(), kinds=dict((c, n) for c, n, _ in KINDS), errors=errors,
        previous=(first - timedelta(days=1)).strftime("%Y-%m"), following=(last + timedelta(days=1)).strftime("%Y-%m"),
    )  # fmt: skip


def _form_page(activity=None, values=None, errors=None, status: int = 200):
    campaigns = campaign_service.list_campaigns(actor())
    return (
        render_template(
            "console/activity_form.html",
            activity=activity,
            values=values or {},
            errors=errors or {},
            kinds=KINDS,
            groups=GROUPS,
            districts=visible_districts(),
            campaigns=campaigns,
        ),
        status,
    )


@bp.get("/activities/new")
def activity_new():
    return _form_page()


@bp.post("/activities/new")
def activity_create():
    data = _form_data(request.form)
    try:
        activity = activity_service.create_activity(actor(), ActivityIn().load(data))
    except ValidationError as exc:
        return _form_page(values=request.form, errors=field_errors(exc.messages), status=422)
    except DomainError as error:
        return _form_page(values=request.form, errors=field_errors(error.details) or {"_form": [error.message]}, status=422)
    flash("活动已登记", "success")
    return redirect(url_for("console.activity_detail", activity_id=activity.id))


@bp.get("/activities/<int:activity_id>")
def activity_detail(activity_id: int):
    activity = scope.get_activity(actor(), activity_id)
    return _form_page(activity=activity)


@bp.post("/activities/<int:activity_id>")
def activity_update(activity_id: int):
    activity = scope.get_activity(actor(), activity_id)
    data = _form_data(request.form)
    data.pop("district", None)
    try:
        activity_service.update_activity(actor(), activity_id, ActivityChange().load(data))
    except ValidationError as exc:
        return _form_page(activity=activity, values=request.form, errors=field_errors(exc.messages), status=422)
    except DomainError as error:
        return _form_page(
            activity=activity, values=request.form, errors=field_errors(error.details) or {"_form": [error.message]}, status=422
        )
    flash("活动已保存", "success")
    return redirect(url_for("console.activity_detail", activity_id=activity_id))


@bp.post("/activities/<int:activity_id>/cancel")
def activity_cancel(activity_id: int):
    scope.get_activity(actor(), activity_id)  # another district's: the 404 page, as a missing one
    try:
        activity_service.cancel_activity(
            actor(), activity_id, CancelIn().load({"reason": request.form.get("reason", "").strip()})["reason"]
        )
        flash("活动已取消", "success")
    except ValidationError:
        flash("请填写取消原因", "error")
    except DomainError as error:
        flash_error(error)
    return redirect(url_for("console.activity_detail", activity_id=activity_id))


@bp.post("/activities/<int:activity_id>/plan-file")
def activity_plan_upload(activity_id: int):
    scope.get_activity(actor(), activity_id)  # another district's: the 404 page, as a missing one
    upload = request.files.get("file")
    try:
        activity_service.attach_plan(actor(), activity_id, upload.read() if upload else None)
        flash("专项活动方案已上传", "success")
    except DomainError as error:
        flash_error(error)
    return redirect(url_for("console.activity_detail", activity_id=activity_id))


@bp.get("/activities/<int:activity_id>/plan-file")
def activity_plan_download(activity_id: int):
    return download(*activity_service.plan_file(actor(), activity_id))


@bp.get("/activities/plan")
def activity_plan_progress():
    year = request.args.get("year", type=int) or clock.today().year
    district = request.args.get("district") or None
    rows, behind, error = [], {}, None
    try:
        rows = plan_service.progress(actor(), year=year, district=district)
        behind = plan_service.behind(rows)
    except DomainError as exc:
        error = exc.message
    return render_template(
        "console/activity_plan.html", rows=rows, behind=behind, year=year, district=district, error=error,
        districts=visible_districts(), kinds=dict((c, n) for c, n, _ in KINDS),
    )  # fmt: skip


@bp.get("/activities/campaigns")
def activity_campaigns():
    items = campaign_service.list_campaigns(actor())
    summaries = [campaign_service.summary(actor(), c.id) for c in items]
    return render_template(
        "console/activity_campaigns.html",
        summaries=summaries,
        districts=visible_districts(),
        kinds=dict((c, n) for c, n, _ in KINDS),
        errors={},
    )


@bp.post("/activities/campaigns")
def activity_campaign_create():
    data = {k: request.form[k].strip() for k in ("district", "theme", "starts_on", "ends_on") if request.form.get(k, "").strip()}
    try:
        campaign_service.create_campaign(actor(), CampaignIn().load(data))
        flash("关爱服务月已登记", "success")
    except ValidationError as exc:
        flash("；".join(m for ms in field_errors(exc.messages).values() for m in ms), "error")
    except DomainError as error:
        flash_error(error)
    return redirect(url_for("console.activity_campaigns"))


@bp.get("/reports/activities")
def report_activities():
    year = request.args.get("year", type=int) or clock.today().year
    district = request.args.get("district") or None
    fmt = request.args.get("format", "html")
    report, error = None, None
    try:
        report = activity_reports.activity_report(actor(), year=year, district=district)
    except DomainError as exc:
        error = exc.message
    if report is not None and fmt in ("csv", "xlsx"):
        return download(*report_export.render(activity_reports.as_table(report), fmt))
    return render_template(
        "console/report_activities.html", report=report, year=year, district=district, districts=visible_districts(), error=error
    )
