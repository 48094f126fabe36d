"""Staff reports under /api/staff/v1/reports: the quarterly form (附件3) and its submissions,
plan progress (附件1/附件2) and the quality evaluation (质效评估). Scope: district staff see
their own district; city staff any district or the whole city."""

from __future__ import annotations

from apiflask import APIBlueprint
from flask import Response

from app.api.auth import current_actor, staff_auth
from app.api.views import CSV, XLSX, file_answer
from app.core.downloads import download
from app.reports import plan_progress, quality, quarterly, quarterly_xlsx
from app.reports.quarterly_schemas import (
    PlanProgress,
    PlanQuery,
    QualityQuery,
    QualityResult,
    QuarterlyForm,
    QuarterlyQuery,
    StatusQuery,
    SubmissionOut,
    SubmissionStatus,
)

# No url_prefix on the blueprint: register_api's url_prefix would replace it, so the paths
# carry /reports themselves.
bp = APIBlueprint("reports_quarterly", __name__, tag={"name": "Reports", "description": "统计报表"})
SCOPE = {403: "区县工会只能查看本区县（district_out_of_scope）"}
BAD_PERIOD = {422: "年度超出范围（year_out_of_range）、季度不是 1–4（quarter_invalid）或尚未开始（quarter_in_future / year_in_future）"}


def _attachment(content: bytes, mimetype: str, filename: str) -> Response:
    return download(content, mimetype, filename)


@bp.get("/reports/quarterly")
@bp.auth_required(staff_auth)
@bp.input(QuarterlyQuery, location="query", arg_name="query")
@bp.output(QuarterlyForm)
@bp.doc(
    summary="季度进度统计表（附件3），JSON 或 XLSX（format=xlsx）",
    responses={**SCOPE, **BAD_PERIOD, 200: file_answer("JSON，或 format=xlsx 时为按附件3 版式的 XLSX 文件", XLSX)},
)
def quarterly_form(query):
    form = quarterly.quarterly_form(current_actor(), query["year"], query.get("district"), quarter=query.get("quarter"))
    if query["format"] == "xlsx":
        return _attachment(quarterly_xlsx.render(form), quarterly_xlsx.MIMETYPE, quarterly_xlsx.filename(form))
    return form


@bp.post("/reports/quarterly/<int:year>/<int:quarter>/submission")
@bp.auth_required(staff_auth)
@bp.output(SubmissionOut, status_code=201)
@bp.doc(
    summary="区县工会标记本季度报表已报送（重复提交返回 200 和第一次的记录）",
    responses={200: "此前已报送", 403: "仅区县工会（district_staff_only）", **BAD_PERIOD},
)
def submit_quarterly(year, quarter):
    submission, created = quarterly.submit(current_actor(), year, quarter)
    return submission, 201 if created else 200


@bp.get("/reports/quarterly/status")
@bp.auth_required(staff_auth)
@bp.input(StatusQuery, location="query", arg_name="query")
@bp.output(SubmissionStatus)
@bp.doc(summary="各区县季度报表报送情况：是否报送、时间、报送人、截止日期、是否逾期", responses=BAD_PERIOD)
def quarterly_status(query):
    return quarterly.submission_status(current_actor(), query["year"], query["quarter"])


@bp.get("/reports/plan")
@bp.auth_required(staff_auth)
@bp.input(PlanQuery, location="query", arg_name="query")
@bp.output(PlanProgress)
@bp.doc(summary="建设计划进度：各区县建成站点对照附件1，示范站点对照附件2，及全市合计")
def plan(query):
    return plan_progress.plan_progress(current_actor(), as_of=query.get("as_of"))


@bp.get("/reports/quality")
@bp.auth_required(staff_auth)
@bp.input(QualityQuery, location="query", arg_name="query")
@bp.output(QualityResult)
@bp.doc(
    summary="站点质效评估排名（JSON、CSV 或 XLSX），前 N 名标为最美站点候选",
    responses={
        **SCOPE,
        422: "评估期有误（period_invalid / period_in_future）",
        200: file_answer("JSON，或 format=csv / xlsx 时为文件", CSV, XLSX),
    },
)
def quality_ranking(query):
    fmt = query.pop("format")
    result = quality.evaluate(current_actor(), **query)
    who = result["district"]["code"] if result["district"] else "city"
    if fmt == "csv":
        return _attachment(quality.to_csv(result), "text/csv; charset=utf-8", f"quality-{who}-{result['period']['to']}.csv")
    if fmt == "xlsx":
        return _attachment(quality.to_xlsx(result), quality.MIMETYPE_XLSX, f"quality-{who}-{result['period']['to']}.xlsx")
    return result
