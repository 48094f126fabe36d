"""Staff reports under /api/staff/v1/reports: visits (服务人次) with their hour × weekday pattern,
and satisfaction. Each view parses, calls one service (which holds the rules and the district
scope) and serialises: JSON, or a CSV / XLSX file with `format=`."""

from __future__ import annotations

from apiflask import APIBlueprint
from flask import Response

from app.api.auth import current_actor, staff_auth
from app.api.views import CSV, XLSX, file_answer
from app.core.downloads import download
from app.core.spreadsheets import report_export
from app.ratings import satisfaction
from app.visits import pattern as visit_pattern
from app.visits import report as visit_report
from app.visits.report_schemas import (
    FollowUpOut,
    FollowUpQuery,
    PatternOut,
    PatternQuery,
    SatisfactionOut,
    SatisfactionQuery,
    VisitReportOut,
    VisitReportQuery,
)

bp = APIBlueprint("reports_visits", __name__, tag={"name": "Reports", "description": "统计报表"})
SCOPE = {
    403: "district_out_of_scope：区县工作人员只能查看本区县",
    404: "station_not_found：站点不存在，或不属于本区县",
    422: "参数有误（validation_error、report_range_too_long、station_not_in_district）",
}
FILE = file_answer("JSON；format=csv 时为 CSV（UTF-8 带 BOM），format=xlsx 时为 Excel 文件", CSV, XLSX)


def _file(table: report_export.Table, fmt: str) -> Response:
    content, mimetype, filename = report_export.render(table, fmt)
    return download(content, mimetype, filename)


def _params(query: dict) -> tuple[dict, str]:
    params = dict(query)
    return params, params.pop("format", "json")


@bp.get("/reports/visits")
@bp.auth_required(staff_auth)
@bp.input(VisitReportQuery, location="query", arg_name="query")
@bp.output(VisitReportOut)
@bp.doc(
    summary="服务人次：扫码签到、站点登记、合计与服务人数，按全市/区县/站点和日/周/月/季度/年（可导出 CSV、XLSX）",
    responses={**SCOPE, 200: FILE},
)
def visits(query):
    params, fmt = _params(query)
    report = visit_report.report_for(current_actor(), **params)
    if fmt != "json":
        return _file(visit_report.as_table(report), fmt)
    return visit_report.as_dict(report)


@bp.get("/reports/visits/pattern")
@bp.auth_required(staff_auth)
@bp.input(PatternQuery, location="query", arg_name="query")
@bp.output(PatternOut)
@bp.doc(summary="到站时段分布：星期 × 小时（北京时间）的扫码签到人次，用于安排开放时间", responses={**SCOPE, 200: FILE})
def visit_pattern_view(query):
    params, fmt = _params(query)
    pattern = visit_pattern.pattern_for(current_actor(), **params)
    if fmt != "json":
        return _file(visit_pattern.as_table(pattern), fmt)
    return visit_pattern.as_dict(pattern)


@bp.get("/reports/satisfaction")
@bp.auth_required(staff_auth)
@bp.input(SatisfactionQuery, location="query", arg_name="query")
@bp.output(SatisfactionOut)
@bp.doc(summary="满意度：按区县或站点的平均分、1–5 分分布与评价次数", responses={**SCOPE, 200: FILE})
def satisfaction_view(query):
    params, fmt = _params(query)
    data = satisfaction.satisfaction(current_actor(), **params)
    if fmt != "json":
        return _file(satisfaction.satisfaction_table(data), fmt)
    return data


@bp.get("/reports/satisfaction/follow-up")
@bp.auth_required(staff_auth)
@bp.input(FollowUpQuery, location="query", arg_name="query")
@bp.output(FollowUpOut)
@bp.doc(summary="满意度待跟进：最近 30 天平均分低于阈值的站点（阈值、天数、最少评价数可配置）", responses={**SCOPE, 200: FILE})
def follow_up_view(query):
    params, fmt = _params(query)
    data = satisfaction.follow_up(current_actor(), **params)
    if fmt != "json":
        return _file(satisfaction.follow_up_table(data), fmt)
    return data
