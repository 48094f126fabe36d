"""Staff endpoints for care activities (附件5): activities and their 专项活动方案, the yearly
plan and its progress, the care month and its summary, and the activities report."""

from __future__ import annotations

from apiflask import APIBlueprint

from app.activities import activities as activity_service
from app.activities import campaigns as campaign_service
from app.activities import plans as plan_service
from app.activities import reports as activity_reports
from app.activities import scope
from app.activities.schemas import (
    ActivityChange,
    ActivityIn,
    ActivityOut,
    ActivityPage,
    ActivityQuery,
    CampaignChange,
    CampaignIn,
    CampaignOut,
    CampaignQuery,
    CampaignSummaryOut,
    CancelIn,
    PlanFile,
    PlanIn,
    PlanOut,
    ProgressOut,
    ProgressQuery,
    ReportOut,
    ReportQuery,
)
from app.api.auth import current_actor, staff_auth
from app.api.error_docs import errors_doc
from app.api.views import CSV, PDF, XLSX, file_answer
from app.core.downloads import download
from app.core.spreadsheets import report_export

bp = APIBlueprint("activities", __name__, tag={"name": "Activities", "description": "关爱服务活动（附件5）、年度计划、关爱服务月"})

OUT_OF_SCOPE = (403, "district_out_of_scope", "区县工作人员只能操作本区县")
UNKNOWN_DISTRICT = (422, "district_unknown", "没有这个区县")
NOT_FOUND = (404, "activity_not_found", "活动不存在，或不属于本区县")
CAMPAIGN_NOT_FOUND = (404, "campaign_not_found", "关爱服务月不存在，或不属于本区县")
WRITE_RULES = (
    OUT_OF_SCOPE,
    UNKNOWN_DISTRICT,
    (422, "activity_stations_invalid", "站点不属于本区县或未投入使用"),
    (422, "activity_times_invalid", "结束时间不晚于开始时间"),
    (422, "activity_outside_campaign", "活动不在所属关爱服务月内"),
    CAMPAIGN_NOT_FOUND,
)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@bp.get("/activities")
@bp.auth_required(staff_auth)
@bp.input(ActivityQuery, location="query", arg_name="query")
@bp.output(ActivityPage)
@bp.doc(
    summary="活动列表（按区县、类别、关爱服务月、时间筛选，开始时间新的在前）", **errors_doc(OUT_OF_SCOPE, UNKNOWN_DISTRICT, validates=True)
)
def list_activities(query):
    return activity_service.list_activities(current_actor(), **query)


@bp.post("/activities")
@bp.auth_required(staff_auth)
@bp.input(ActivityIn, arg_name="data")
@bp.output(ActivityOut, status_code=201)
@bp.doc(summary="登记活动（区县账号只能登记本区县）", **errors_doc(*WRITE_RULES, body=True))
def create_activity(data):
    return activity_service.create_activity(current_actor(), data)


@bp.get("/activities/<int:activity_id>")
@bp.auth_required(staff_auth)
@bp.output(ActivityOut)
@bp.doc(summary="一个活动", **errors_doc(NOT_FOUND, int_path=True))
def get_activity(activity_id):
    return scope.get_activity(current_actor(), activity_id)


@bp.patch("/activities/<int:activity_id>")
@bp.auth_required(staff_auth)
@bp.input(ActivityChange, arg_name="data")
@bp.output(ActivityOut)
@bp.doc(
    summary="修改活动（只改提交的项；礼品数量不能少于已领取的）",
    **errors_doc(
        NOT_FOUND,
        *WRITE_RULES,
        (409, "activity_cancelled", "活动已取消"),
        (409, "activity_stock_below_handed", "礼品数量少于已领取的"),
        (409, "activity_has_claims", "已有人领取，礼品不能取消"),
        body=True,
        int_path=True,
    ),
)
def update_activity(activity_id, data):
    return activity_service.update_activity(current_actor(), activity_id, data)


@bp.post("/activities/<int:activity_id>/cancel")
@bp.auth_required(staff_auth)
@bp.input(CancelIn, arg_name="data")
@bp.output(ActivityOut)
@bp.doc(
    summary="取消活动（不删除；未发放的券不再发放，未发送的提醒取消）",
    **errors_doc(NOT_FOUND, (409, "activity_cancelled", "活动已取消"), body=True, int_path=True),
)
def cancel_activity(activity_id, data):
    return activity_service.cancel_activity(current_actor(), activity_id, data["reason"])


@bp.put("/activities/<int:activity_id>/plan-file")
@bp.auth_required(staff_auth)
@bp.input(PlanFile, location="files", arg_name="upload")
@bp.output(ActivityOut)
@bp.doc(
    summary="上传专项活动方案（PDF 或 Word，按文件内容识别类型，大小有上限；替换原文件）",
    **errors_doc(
        NOT_FOUND,
        (422, "file_too_large", "文件过大"),
        (422, "unsupported_file_type", "不是 PDF 或 Word 文件"),
        validates=True,
        int_path=True,
    ),
)
def upload_plan_file(activity_id, upload):
    upload = upload.get("file")
    return activity_service.attach_plan(current_actor(), activity_id, upload.read() if upload else None)


@bp.get("/activities/<int:activity_id>/plan-file")
@bp.auth_required(staff_auth)
@bp.doc(
    summary="下载专项活动方案",
    **errors_doc(NOT_FOUND, (404, "file_not_found", "没有上传方案"), int_path=True, responses={200: file_answer("方案文件", PDF, DOCX)}),
)
def download_plan_file(activity_id):
    content, mimetype, filename = activity_service.plan_file(current_actor(), activity_id)
    return download(content, mimetype, filename)


# --- the yearly plan ---


@bp.get("/activity-plans/<district>/<int:year>")
@bp.auth_required(staff_auth)
@bp.output(PlanOut(many=True))
@bp.doc(summary="区县的年度活动计划（每季度每类的计划场次）", **errors_doc(OUT_OF_SCOPE, UNKNOWN_DISTRICT, int_path=True))
def get_plan(district, year):
    return plan_service.get_plan(current_actor(), district, year)


@bp.put("/activity-plans/<district>/<int:year>")
@bp.auth_required(staff_auth)
@bp.input(PlanIn, arg_name="data")
@bp.output(PlanOut(many=True))
@bp.doc(
    summary="登记区县的年度活动计划（整年替换）",
    **errors_doc(OUT_OF_SCOPE, UNKNOWN_DISTRICT, (422, "year_out_of_range", "年度超出范围"), body=True, int_path=True),
)
def put_plan(district, year, data):
    return plan_service.set_plan(current_actor(), district, year, data["targets"])


@bp.get("/activity-plans/progress")
@bp.auth_required(staff_auth)
@bp.input(ProgressQuery, location="query", arg_name="query")
@bp.output(ProgressOut)
@bp.doc(summary="年度活动计划完成情况：计划与已举办，及落后的区县", **errors_doc(OUT_OF_SCOPE, UNKNOWN_DISTRICT, validates=True))
def plan_progress(query):
    rows = plan_service.progress(current_actor(), **query)
    return {"year": query["year"], "rows": rows, "behind": plan_service.behind(rows)}


# --- the care month ---


@bp.get("/activity-campaigns")
@bp.auth_required(staff_auth)
@bp.input(CampaignQuery, location="query", arg_name="query")
@bp.output(CampaignOut(many=True))
@bp.doc(summary="主题关爱服务月列表", **errors_doc(OUT_OF_SCOPE, UNKNOWN_DISTRICT, validates=True))
def list_campaigns(query):
    return campaign_service.list_campaigns(current_actor(), **query)


@bp.post("/activity-campaigns")
@bp.auth_required(staff_auth)
@bp.input(CampaignIn, arg_name="data")
@bp.output(CampaignOut, status_code=201)
@bp.doc(
    summary="登记主题关爱服务月（每区县每年至多一个）",
    **errors_doc(
        OUT_OF_SCOPE, UNKNOWN_DISTRICT, (409, "campaign_exists", "该年度已有"), (422, "campaign_dates_invalid", "日期有误"), body=True
    ),
)
def create_campaign(data):
    return campaign_service.create_campaign(current_actor(), data)


@bp.patch("/activity-campaigns/<int:campaign_id>")
@bp.auth_required(staff_auth)
@bp.input(CampaignChange, arg_name="data")
@bp.output(CampaignOut)
@bp.doc(
    summary="修改主题关爱服务月",
    **errors_doc(
        CAMPAIGN_NOT_FOUND, (409, "campaign_exists", "该年度已有"), (422, "campaign_dates_invalid", "日期有误"), body=True, int_path=True
    ),
)
def update_campaign(campaign_id, data):
    return campaign_service.update_campaign(current_actor(), campaign_id, data)


@bp.get("/activity-campaigns/<int:campaign_id>/summary")
@bp.auth_required(staff_auth)
@bp.output(CampaignSummaryOut)
@bp.doc(summary="关爱服务月小结：活动数、惠及人数、礼品发放、经费", **errors_doc(CAMPAIGN_NOT_FOUND, int_path=True))
def campaign_summary(campaign_id):
    return campaign_service.summary(current_actor(), campaign_id)


# --- the report ---


@bp.get("/reports/activities")
@bp.auth_required(staff_auth)
@bp.input(ReportQuery, location="query", arg_name="query")
@bp.output(ReportOut)
@bp.doc(
    summary="关爱服务活动统计：按区县、季度、类别、关爱服务月（可导出 CSV、XLSX）",
    **errors_doc(
        OUT_OF_SCOPE,
        UNKNOWN_DISTRICT,
        validates=True,
        responses={200: file_answer("JSON；format=csv 时为 CSV，format=xlsx 时为 Excel 文件", CSV, XLSX)},
    ),
)
def activity_report(query):
    params = dict(query)
    fmt = params.pop("format")
    report = activity_reports.activity_report(current_actor(), **params)
    if fmt != "json":
        return download(*report_export.render(activity_reports.as_table(report), fmt))
    return report
