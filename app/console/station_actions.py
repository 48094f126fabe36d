"""What staff do to a station from its page: 六有 inspection, plaque, demonstration and
provincial-best, retire; keepers and binding codes; comment review; sign files and re-issue.
Each action parses its form with the API's schema, calls one service and returns to the station
page with a message; refusals from the service are shown as they are worded."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from marshmallow import ValidationError

from app.console import bp
from app.console.common import actor, field_errors, flash_error
from app.core.downloads import download
from app.core.errors import DomainError, NotFound
from app.keepers import codes as keeper_codes
from app.keepers import roster as keeper_roster
from app.ratings import replies as rating_replies
from app.ratings import service as rating_service
from app.reference import data as ref
from app.registry import stations as station_service
from app.registry.schemas import DemonstrationIn, InspectionIn, PlaqueIn, RetireIn
from app.signs import service as signs


def _visible(code: str):
    """The station, if the staff member may see it: another district's answers 404 (the error
    page) before anything else is looked at, like a missing one."""
    return station_service.get_station(actor(), code)


def _back(code: str, anchor: str = ""):
    return redirect(url_for("console.station_detail", code=code.upper()) + (f"#{anchor}" if anchor else ""))


def _load(schema, data: dict) -> tuple[dict | None, str | None]:
    try:
        return schema.load(data), None
    except ValidationError as exc:
        messages = field_errors(exc.messages)
        return None, "；".join(m for ms in messages.values() for m in ms)


def _blank_to_missing(form, *names: str) -> dict:
    return {name: form[name].strip() for name in names if form.get(name, "").strip()}


# 六有 inspection ----------------------------------------------------------------------------------


def _inspection_page(station, errors: dict, values: dict, status: int = 200):
    return (
        render_template("console/inspection.html", s=station, items=ref.SIX_HAS_ITEMS, errors=errors, values=values),
        status,
    )


@bp.get("/stations/<code>/inspection")
def inspection_form(code: str):
    station = station_service.get_station(actor(), code)
    return _inspection_page(station, {}, {})


@bp.post("/stations/<code>/inspection")
def inspection_record(code: str):
    station = station_service.get_station(actor(), code)
    form = request.form
    items = [
        {"item": item, "passed": form.get(f"{item}-result") == "pass", "note": form.get(f"{item}-note", "")}
        for item, _name in ref.SIX_HAS_ITEMS
    ]
    errors = {item: ["请选择通过或未通过"] for item, _ in ref.SIX_HAS_ITEMS if form.get(f"{item}-result") not in ("pass", "fail")}
    data, problem = _load(InspectionIn(), {"items": items, **_blank_to_missing(form, "inspected_on")})
    if problem:
        errors.setdefault("_form", []).append(problem)
    if errors:
        return _inspection_page(station, errors, form, 422)
    try:
        inspection = station_service.record_inspection(actor(), station.code, **data)
    except DomainError as error:
        details = field_errors(error.details)
        return _inspection_page(station, details or {"_form": [error.message]}, form, 422)
    if inspection.passed:
        flash("已登记“六有”检查：六项全部通过，可以挂牌", "success")
    else:
        names = "、".join(ref.names(ref.SIX_HAS_ITEMS)[i] for i in inspection.failed_items)
        flash(f"已登记“六有”检查：未通过 {names}", "warning")
    return _back(station.code, "inspections")


# Plaque, demonstration, provincial best, retire ----------------------------------------------------


def _act(code: str, anchor: str, success: str, call):
    try:
        call()
    except NotFound:
        raise  # the error page: not there, or not the staff member's to see
    except DomainError as error:
        flash_error(error)
    else:
        flash(success, "success")
    return _back(code, anchor)


@bp.post("/stations/<code>/plaque")
def station_plaque(code: str):
    code = _visible(code).code
    data, problem = _load(PlaqueIn(), _blank_to_missing(request.form, "plaqued_date"))
    if problem:
        flash(f"挂牌日期有误：{problem}", "error")
        return _back(code, "actions")
    return _act(code, "actions", "已挂牌", lambda: station_service.plaque_station(actor(), code, data.get("plaqued_date")))


@bp.post("/stations/<code>/demonstration")
def station_demonstration(code: str):
    code = _visible(code).code
    data, problem = _load(DemonstrationIn(), _blank_to_missing(request.form, "year"))
    if problem:
        flash(f"示范站点年度有误：{problem}", "error")
        return _back(code, "actions")
    return _act(
        code, "actions", f"已认定为 {data['year']} 年示范站点", lambda: station_service.set_demonstration(actor(), code, data["year"])
    )


@bp.post("/stations/<code>/demonstration/clear")
def station_demonstration_clear(code: str):
    code = _visible(code).code
    return _act(code, "actions", "已取消示范站点认定", lambda: station_service.clear_demonstration(actor(), code))


@bp.post("/stations/<code>/provincial-best")
def station_provincial_best(code: str):
    code = _visible(code).code
    return _act(code, "actions", "已登记为省级“最美站点”", lambda: station_service.set_provincial_best(actor(), code, True))


@bp.post("/stations/<code>/provincial-best/clear")
def station_provincial_best_clear(code: str):
    code = _visible(code).code
    return _act(code, "actions", "已取消省级“最美站点”登记", lambda: station_service.set_provincial_best(actor(), code, False))


@bp.post("/stations/<code>/retire")
def station_retire(code: str):
    code = _visible(code).code
    data, problem = _load(RetireIn(), _blank_to_missing(request.form, "reason"))
    if problem:
        flash(f"请填写撤销原因（{problem}）", "error")
        return _back(code, "actions")
    return _act(code, "actions", "站点已撤销（记录保留）", lambda: station_service.retire_station(actor(), code, data["reason"]))


# Keepers and binding codes ----------------------------------------------------------------------


@bp.post("/stations/<code>/keeper-codes")
def keeper_code_issue(code: str):
    issued = keeper_codes.issue_code(actor(), code)  # refusals render as the error page
    return render_template("console/keeper_code.html", issued=issued)


@bp.post("/stations/<code>/keeper-codes/<int:code_id>/revoke")
def keeper_code_revoke(code: str, code_id: int):
    code = _visible(code).code
    return _act(code, "keepers", "绑定码已作废", lambda: keeper_codes.revoke_code(actor(), code, code_id))


@bp.post("/stations/<code>/keepers/<int:keeper_id>/revoke")
def keeper_revoke(code: str, keeper_id: int):
    code = _visible(code).code
    return _act(code, "keepers", "已解除该管理员的绑定", lambda: keeper_roster.revoke_keeper(actor(), code, keeper_id))


# Comment and reply review ------------------------------------------------------------------------

REVIEWS = {
    "approve": (rating_service.approve_comment, "留言已审核通过并公开"),
    "hide": (rating_service.hide_comment, "留言已隐藏"),
    "reply-approve": (rating_replies.approve_reply, "站点回复已审核通过并公开"),
    "reply-hide": (rating_replies.hide_reply, "站点回复已隐藏"),
}


@bp.post("/ratings/<int:rating_id>/<any(approve, hide, 'reply-approve', 'reply-hide'):decision>")
def rating_review(rating_id: int, decision: str):
    call, success = REVIEWS[decision]
    rating = call(actor(), rating_id)  # another district's rating: not found (error page)
    flash(success, "success")
    return _back(rating.station.code, "ratings")


# Signs --------------------------------------------------------------------------------------------


def _file(content: bytes, mimetype: str, filename: str, disposition: str = "inline") -> Response:
    return download(content, mimetype, filename, disposition)


@bp.get("/stations/<code>/sign.pdf")
def sign_pdf(code: str):
    content, filename = signs.sign_pdf_for(actor(), code)
    return _file(content, "application/pdf", filename, "attachment")


@bp.get("/stations/<code>/sign.png")
def sign_png(code: str):
    content, filename = signs.sign_png_for(actor(), code)
    return _file(content, "image/png", filename)


@bp.get("/stations/<code>/wxacode.png")
def sign_wxacode(code: str):
    content, filename = signs.wxacode_png(actor(), code)
    return _file(content, "image/png", filename)


@bp.post("/stations/<code>/sign/reissue")
def sign_reissue(code: str):
    code = _visible(code).code
    return _act(code, "sign", "已重新制作标牌：旧标牌的二维码即刻失效，请打印新标牌替换", lambda: signs.reissue(actor(), code))
