"""Staff endpoints for 投入资金 (investments per station and quarter, in 万元)."""

from __future__ import annotations

from apiflask import APIBlueprint

from app.api.auth import current_actor, staff_auth
from app.api.views import CSV, XLSX, file_answer
from app.core.downloads import download
from app.reports import investment_import
from app.reports import investments as investment_service
from app.reports.investment_schemas import (
    InvestmentImportFile,
    InvestmentImportQuery,
    InvestmentImportResult,
    InvestmentIn,
    InvestmentOut,
    InvestmentPage,
    InvestmentQuery,
    InvestmentTemplateQuery,
    StationInvestmentQuery,
)

bp = APIBlueprint("investments", __name__, tag={"name": "Investments", "description": "投入资金（万元）"})
NOT_FOUND = {404: "站点不存在，或不属于本区县"}
BAD_PERIOD = {422: "年度超出范围（year_out_of_range）、季度不是 1–4（quarter_invalid）或季度尚未开始（quarter_in_future）"}


@bp.get("/stations/<code>/investments")
@bp.auth_required(staff_auth)
@bp.input(StationInvestmentQuery, location="query", arg_name="query")
@bp.output(InvestmentOut(many=True))
@bp.doc(summary="站点各季度的投入资金", responses=NOT_FOUND)
def list_station_investments(code, query):
    return investment_service.list_station_investments(current_actor(), code, query.get("year"))


@bp.get("/stations/<code>/investments/<int:year>/<int:quarter>")
@bp.auth_required(staff_auth)
@bp.output(InvestmentOut)
@bp.doc(summary="站点某季度的投入资金（未登记的季度各项为 0）", responses={**NOT_FOUND, **BAD_PERIOD})
def get_investment(code, year, quarter):
    return investment_service.get_investment(current_actor(), code, year, quarter)


@bp.put("/stations/<code>/investments/<int:year>/<int:quarter>")
@bp.auth_required(staff_auth)
@bp.input(InvestmentIn, arg_name="data")
@bp.output(InvestmentOut)
@bp.doc(
    summary="登记站点某季度的投入资金（整季替换，未填的来源为 0）",
    responses={**NOT_FOUND, 422: "金额为负、超过上限或多于两位小数；" + BAD_PERIOD[422]},
)
def put_investment(code, year, quarter, data):
    return investment_service.put_investment(current_actor(), code, year, quarter, data)


@bp.get("/investments")
@bp.auth_required(staff_auth)
@bp.input(InvestmentQuery, location="query", arg_name="query")
@bp.output(InvestmentPage)
@bp.doc(summary="投入资金列表（按年度、季度、区县、站点筛选，分页）")
def list_investments(query):
    return investment_service.list_investments(current_actor(), **query)


@bp.post("/investments/import")
@bp.auth_required(staff_auth)
@bp.input(InvestmentImportQuery, location="query", arg_name="query")
@bp.input(InvestmentImportFile, location="files", arg_name="upload")
@bp.output(InvestmentImportResult)
@bp.doc(
    summary="批量导入投入资金（CSV/XLSX，先逐行校验，任何一行有误则全部不导入）",
    responses={422: "文件中有错误行，details.errors 列出行号、列名和原因"},
)
def import_investments(query, upload):
    return investment_import.import_investments(
        current_actor(), upload["file"].filename or "", upload["file"].stream, dry_run=query["dry_run"]
    )


@bp.get("/investments/import/template")
@bp.auth_required(staff_auth)
@bp.input(InvestmentTemplateQuery, location="query", arg_name="query")
@bp.doc(summary="下载投入资金导入模板", responses={200: file_answer("CSV 或 XLSX 文件", CSV, XLSX)})
def import_template(query):
    content, mimetype, filename = investment_import.template(query["format"])
    return download(content, mimetype, filename)
