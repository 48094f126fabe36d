"""Problem reports in the mini-program: a worker reports what is wrong at a station (kind, text,
then up to three photos), follows its steps, and may say it is still not fixed; keepers answer
and mark their stations' tickets fixed. Services in app/problems."""

from __future__ import annotations

from apiflask import APIBlueprint
from flask import current_app, request

from app.api.error_docs import errors_doc
from app.api.views import file_answer
from app.core.downloads import download
from app.extensions import limiter
from app.problems import queue
from app.problems import service as problems
from app.problems.models import KINDS
from app.problems.schemas import KindOut, MyTicketOut, NoteIn, PhotoIn, ProblemIn, RequiredNoteIn, TicketOut
from miniprogram_api.auth import current_worker, current_worker_id, worker_auth

bp = APIBlueprint("mp_problems", __name__, tag={"name": "Mini-program: problem reports", "description": "问题反映与整改跟踪"})
TICKET_NOT_FOUND = (404, "ticket_not_found", "问题不存在，或不是自己反映的")
KEEPER_REFUSALS = (
    (403, "not_a_keeper", "还不是（或已不再是）站点管理员"),
    (404, "station_not_found", "站点不存在、已撤销，或不是您管理的站点"),
    (404, "ticket_not_found", "问题不存在，或不属于该站点"),
)
IMAGE = {200: file_answer("照片（JPEG 或 PNG）", "image/jpeg", "image/png")}


def _worker_key() -> str:
    return f"mp-problem:{current_worker_id()}"


def _station_key() -> str:
    return f"mp-problem-station:{(request.view_args or {}).get('code', '').upper()}"


def _photo_key() -> str:
    return f"mp-problem-photo:{current_worker_id()}"


@bp.get("/problem-kinds")
@bp.output(KindOut(many=True))
@bp.doc(summary="可反映的问题类别", **errors_doc(auth=False))
def problem_kinds():
    return [{"code": code, "name": name} for code, name in KINDS]


@bp.post("/stations/<code>/problems")
@bp.auth_required(worker_auth)
@limiter.limit(lambda: current_app.config["PROBLEM_LIMIT_PER_WORKER"], key_func=_worker_key)
@limiter.limit(lambda: current_app.config["PROBLEM_LIMIT_PER_STATION"], key_func=_station_key)
@bp.input(ProblemIn, arg_name="data")
@bp.output(MyTicketOut, status_code=201)
@bp.doc(
    summary="反映站点的问题：同一站点同类问题尚未解决时并入该问题（反映人数加一），否则新开一条，按类别定整改期限",
    description="说明经微信内容安全检查；照片随后逐张上传（POST /tickets/{ticket_id}/photos）。按用户与站点限次。",
    **errors_doc(
        (404, "station_not_found", "站点不存在或已撤销"),
        (422, "problem_text_rejected", "说明含违规内容，未保存，可修改后重新提交"),
        body=True,
        rate_limited=True,
    ),
)
def report_problem(code, data):
    return problems.report(current_worker(), code, **data)


@bp.get("/tickets")
@bp.auth_required(worker_auth)
@bp.output(MyTicketOut(many=True))
@bp.doc(summary="我反映过的问题（最新在前），各含每一步进展", **errors_doc())
def my_tickets():
    return problems.my_tickets(current_worker())


@bp.get("/tickets/<int:ticket_id>")
@bp.auth_required(worker_auth)
@bp.output(MyTicketOut)
@bp.doc(summary="我反映的一条问题：状态、期限、每一步进展、我的说明与照片", **errors_doc(TICKET_NOT_FOUND, int_path=True))
def my_ticket(ticket_id):
    return problems.my_ticket(current_worker(), ticket_id)


@bp.post("/tickets/<int:ticket_id>/not-fixed")
@bp.auth_required(worker_auth)
@bp.input(NoteIn, arg_name="data")
@bp.output(MyTicketOut)
@bp.doc(
    summary="反映“仍未解决”：站点说已整改（或工会已确认）的问题重新打开，重新计整改期限",
    **errors_doc(TICKET_NOT_FOUND, (409, "ticket_status_conflict", "问题正在处理中，不能再说仍未解决"), body=True, int_path=True),
)
def still_not_fixed(ticket_id, data):
    return problems.still_not_fixed(current_worker(), ticket_id, data["note"])


@bp.post("/tickets/<int:ticket_id>/photos")
@bp.auth_required(worker_auth)
@limiter.limit(lambda: current_app.config["PROBLEM_PHOTO_LIMIT_PER_WORKER"], key_func=_photo_key)
@bp.input(PhotoIn, location="files", arg_name="upload")
@bp.output(MyTicketOut, status_code=201)
@bp.doc(
    summary="为自己的反映上传一张照片（每条最多 3 张；JPEG 或 PNG；去除位置等元数据）",
    description="照片经微信异步内容检查通过后才对他人可见；检查中或未通过时只有自己看得到。",
    **errors_doc(
        TICKET_NOT_FOUND,
        (403, "privacy_consent_required", "须先同意最新的隐私保护指引中的照片授权"),
        (409, "problem_photos_full", "已有 3 张照片"),
        (422, "file_too_large", "照片过大"),
        (422, "unsupported_file_type", "不是 JPEG 或 PNG 照片"),
        body=True,
        rate_limited=True,
        int_path=True,
    ),
)
def add_photo(ticket_id, upload):
    return problems.add_photo(current_worker(), ticket_id, upload["photo"].read())


@bp.get("/tickets/<int:ticket_id>/photos/<int:photo_id>")
@bp.auth_required(worker_auth)
@bp.doc(summary="我上传的照片", **errors_doc(TICKET_NOT_FOUND, (404, "file_not_found", "照片不存在"), int_path=True, responses=IMAGE))
def my_photo(ticket_id, photo_id):
    content, mimetype = problems.my_photo(current_worker(), ticket_id, photo_id)
    return download(content, mimetype, f"photo-{photo_id}", "inline")


# Keepers -----------------------------------------------------------------------------------------


@bp.get("/keeper/tickets")
@bp.auth_required(worker_auth)
@bp.output(TicketOut(many=True))
@bp.doc(
    summary="我管理的站点待处理的问题（待处理在前，按期限）",
    **errors_doc((403, "not_a_keeper", "还不是（或已不再是）站点管理员")),
)
def keeper_tickets():
    return queue.keeper_tickets(current_worker())


@bp.post("/keeper/stations/<code>/tickets/<int:ticket_id>/answer")
@bp.auth_required(worker_auth)
@bp.input(RequiredNoteIn, arg_name="data")
@bp.output(TicketOut)
@bp.doc(
    summary="回复反映人（正在如何处理）",
    **errors_doc(*KEEPER_REFUSALS, (409, "ticket_status_conflict", "问题已确认解决"), body=True, int_path=True),
)
def keeper_answer(code, ticket_id, data):
    return problems.keeper_answer(current_worker(), code, ticket_id, data["note"])


@bp.post("/keeper/stations/<code>/tickets/<int:ticket_id>/fixed")
@bp.auth_required(worker_auth)
@bp.input(NoteIn, arg_name="data")
@bp.output(TicketOut)
@bp.doc(
    summary="标记为已整改（待区县工会确认）",
    **errors_doc(*KEEPER_REFUSALS, (409, "ticket_status_conflict", "问题不在待处理状态"), body=True, int_path=True),
)
def keeper_fixed(code, ticket_id, data):
    return problems.keeper_fixed(current_worker(), code, ticket_id, data["note"])


@bp.get("/keeper/stations/<code>/tickets/<int:ticket_id>/photos/<int:photo_id>")
@bp.auth_required(worker_auth)
@bp.doc(
    summary="反映人的照片（经微信检查通过的）",
    **errors_doc(*KEEPER_REFUSALS, (404, "file_not_found", "照片不存在或未通过检查"), int_path=True, responses=IMAGE),
)
def keeper_photo(code, ticket_id, photo_id):
    content, mimetype = problems.keeper_photo(current_worker(), code, ticket_id, photo_id)
    return download(content, mimetype, f"photo-{photo_id}", "inline")
