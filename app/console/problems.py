"""The console's side of the loop: the ticket queue (overdue first, flagged), a ticket with its
reports, photos and steps and the staff steps (confirm, reopen, call-back); the spot-check form
(made for a phone's screen); stations flagged by spot checks and supplies due; the tickets and
spot-checks reports as CSV/XLSX. Each view calls the same services as the staff API."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from marshmallow import ValidationError

from app.console import bp
from app.console.common import actor, field_errors, flash_error
from app.core.downloads import download
from app.core.errors import DomainError
from app.problems import queue
from app.problems import report as problem_report
from app.problems import service as problems
from app.problems.models import KINDS, STATUSES
from app.problems.schemas import RequiredNoteIn, TicketQuery
from app.reference import data as ref
from app.registry import stations as station_service
from app.spot_checks import service as spot_checks
from app.spot_checks.schemas import SpotCheckIn
from app.supplies import service as supplies

PHOTOS_MAX = 3


@bp.get("/tickets")
def ticket_queue():
    raw = {k: v for k, v in request.args.items() if k in ("status", "kind", "station", "overdue", "page") and v.strip()}
    try:
        query = TicketQuery().load(raw)
    except ValidationError:
        query = {}
    page = queue.staff_queue(actor(), **query)
    return render_template("console/tickets.html", page=page, kinds=KINDS, statuses=STATUSES, args=raw)


@bp.get("/tickets/<int:ticket_id>")
def ticket_detail(ticket_id: int):
    return render_template("console/ticket.html", t=queue.staff_detail(actor(), ticket_id))


@bp.get("/tickets/<int:ticket_id>/photos/<int:photo_id>")
def ticket_photo(ticket_id: int, photo_id: int):
    content, mimetype = problems.staff_photo(actor(), ticket_id, photo_id)
    return download(content, mimetype, f"photo-{photo_id}", "inline")


STEPS = {
    "confirm": (problems.confirm, "已确认解决"),
    "reopen": (problems.reopen, "已要求重新整改"),
    "call-back": (problems.call_back, "已记录回访"),
}


@bp.post("/tickets/<int:ticket_id>/<any('confirm', 'reopen', 'call-back'):step>")
def ticket_step(ticket_id: int, step: str):
    action, done = STEPS[step]
    note = request.form.get("note", "").strip()
    if step != "confirm":
        try:
            note = RequiredNoteIn().load({"note": note})["note"]
        except ValidationError:
            flash("请填写说明（200 字以内）", "error")
            return redirect(url_for("console.ticket_detail", ticket_id=ticket_id))
    try:
        action(actor(), ticket_id, note or None)
        flash(done, "success")
    except DomainError as error:
        flash_error(error)
    return redirect(url_for("console.ticket_detail", ticket_id=ticket_id))


# Spot checks -------------------------------------------------------------------------------------


def _spot_check_page(station, errors: dict, values: dict, status: int = 200):
    return render_template("console/spot_check.html", s=station, items=ref.SIX_HAS_ITEMS, errors=errors, values=values), status


@bp.get("/stations/<code>/spot-check")
def spot_check_form(code: str):
    return _spot_check_page(station_service.get_station(actor(), code), {}, {})


@bp.post("/stations/<code>/spot-check")
def spot_check_record(code: str):
    station = station_service.get_station(actor(), code)
    form = request.form
    yes = lambda name: form.get(name) == "yes"  # noqa: E731
    raw = {
        "open_as_posted": yes("open_as_posted"),
        "six_has": [{"item": item, "passed": yes(f"six-{item}")} for item, _ in ref.SIX_HAS_ITEMS],
        "supplies_in_date": yes("supplies_in_date"),
        "clean": yes("clean"),
        "verdict": form.get("verdict", ""),
        "note": form.get("note", "").strip() or None,
    }
    photos = [f.read() for f in request.files.getlist("photos") if f and f.filename][:PHOTOS_MAX]
    try:
        data = SpotCheckIn().load(raw)
        spot_checks.record(actor(), station.code, data, photos)
    except ValidationError as exc:
        return _spot_check_page(station, field_errors(exc.messages), form, 422)
    except DomainError as error:
        return _spot_check_page(station, {"_form": [error.message]}, form, 422)
    flash("暗访记录已保存", "success")
    return redirect(url_for("console.station_detail", code=station.code))


@bp.get("/follow-up")
def follow_up():
    """Stations flagged by spot checks, and supplies expired or expiring."""
    who = actor()
    return render_template("console/follow_up.html", flags=spot_checks.flagged(who), due=supplies.due(who))


# Reports -----------------------------------------------------------------------------------------


@bp.get("/tickets/report.<any('csv', 'xlsx'):fmt>")
def ticket_report(fmt: str):
    what = "spot_checks" if request.args.get("what") == "spot_checks" else "tickets"
    content, mimetype, filename = problem_report.render(actor(), what=what, fmt=fmt, from_=_date("from"), to=_date("to"))
    return download(content, mimetype, filename)


def _date(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None
