"""Staff endpoints for problem tickets: the district's queue (overdue first), a ticket with its
steps, and the staff steps — confirm the fix, reopen it, record the call-back."""

from __future__ import annotations

from apiflask import APIBlueprint

from app.api.auth import current_actor, staff_auth
from app.api.error_docs import errors_doc
from app.api.views import CSV, XLSX, file_answer
from app.core.downloads import download
from app.problems import queue
from app.problems import report as problem_report
from app.problems import service as problems
from app.problems.schemas import LoopReportQuery, NoteIn, RequiredNoteIn, StaffTicketOut, StaffTicketPage, TicketQuery

bp = APIBlueprint("problems", __name__, tag={"name": "Problem tickets", "description": "问题反映的整改闭环"})
NOT_FOUND = (404, "ticket_not_found", "问题不存在，或其站点不属于本区县")
CONFLICT = (409, "ticket_status_conflict", "问题当前的状态不能执行这一步")


@bp.get("/tickets")
@bp.auth_required(staff_auth)
@bp.input(TicketQuery, location="query", arg_name="query")
@bp.output(StaffTicketPage)
@bp.doc(summary="问题工单（逾期在前，再按期限；区县工会只见本区县）", **errors_doc(validates=True))
def list_tickets(query):
    return queue.staff_queue(current_actor(), **query)


@bp.get("/reports/tickets")
@bp.auth_required(staff_auth)
@bp.input(LoopReportQuery, location="query", arg_name="query")
@bp.doc(
    summary="问题反映报表（按区县、站点、类别：问题数、未解决、逾期、按期整改、整改用时中位数）或暗访记录，CSV / XLSX",
    **errors_doc(validates=True, responses={200: file_answer("报表文件", CSV, XLSX)}),
)
def loop_report(query):
    content, mimetype, filename = problem_report.render(current_actor(), what=query["what"], fmt=query.pop("format"), **_period(query))
    return download(content, mimetype, filename)


def _period(query: dict) -> dict:
    return {k: query[k] for k in ("from_", "to") if query.get(k)}


@bp.get("/tickets/<int:ticket_id>")
@bp.auth_required(staff_auth)
@bp.output(StaffTicketOut)
@bp.doc(summary="一条问题：反映、照片（检查通过的）、每一步进展", **errors_doc(NOT_FOUND, int_path=True))
def get_ticket(ticket_id):
    return queue.staff_detail(current_actor(), ticket_id)


@bp.post("/tickets/<int:ticket_id>/confirm")
@bp.auth_required(staff_auth)
@bp.input(NoteIn, arg_name="data")
@bp.output(StaffTicketOut)
@bp.doc(summary="确认已解决（站点已标记整改的问题）", **errors_doc(NOT_FOUND, CONFLICT, body=True, int_path=True))
def confirm(ticket_id, data):
    return problems.confirm(current_actor(), ticket_id, data["note"])


@bp.post("/tickets/<int:ticket_id>/reopen")
@bp.auth_required(staff_auth)
@bp.input(RequiredNoteIn, arg_name="data")
@bp.output(StaffTicketOut)
@bp.doc(summary="要求重新整改（重新计期限）", **errors_doc(NOT_FOUND, CONFLICT, body=True, int_path=True))
def reopen(ticket_id, data):
    return problems.reopen(current_actor(), ticket_id, data["note"])


@bp.post("/tickets/<int:ticket_id>/call-back")
@bp.auth_required(staff_auth)
@bp.input(RequiredNoteIn, arg_name="data")
@bp.output(StaffTicketOut)
@bp.doc(summary="记录对反映人的电话回访", **errors_doc(NOT_FOUND, body=True, int_path=True))
def call_back(ticket_id, data):
    return problems.call_back(current_actor(), ticket_id, data["note"])


@bp.get("/tickets/<int:ticket_id>/photos/<int:photo_id>")
@bp.auth_required(staff_auth)
@bp.doc(
    summary="反映人的照片（经微信检查通过的）",
    **errors_doc(
        NOT_FOUND,
        (404, "file_not_found", "照片不存在或未通过检查"),
        int_path=True,
        responses={200: file_answer("照片（JPEG 或 PNG）", "image/jpeg", "image/png")},
    ),
)
def photo(ticket_id, photo_id):
    content, mimetype = problems.staff_photo(current_actor(), ticket_id, photo_id)
    return download(content, mimetype, f"photo-{photo_id}", "inline")
