"""Staff endpoints for the station registry. Each view parses, authorises (the token; scope is
enforced by the service), calls one service function and serialises."""

from __future__ import annotations

from apiflask import APIBlueprint

from app.api.auth import current_actor, staff_auth
from app.api.views import CSV, XLSX, file_answer
from app.core.downloads import download
from app.registry import station_import
from app.registry import stations as station_service
from app.registry.schemas import (
    DemonstrationIn,
    ImportFile,
    ImportQuery,
    ImportResult,
    InspectionIn,
    InspectionOut,
    PlaqueIn,
    RetireIn,
    StationIn,
    StationOut,
    StationPage,
    StationPatch,
    StationQuery,
    TemplateQuery,
)

bp = APIBlueprint("stations", __name__, tag={"name": "Stations", "description": "站点登记与管理"})
NOT_FOUND = {404: "站点不存在，或不属于本区县"}


@bp.get("/stations")
@bp.auth_required(staff_auth)
@bp.input(StationQuery, location="query", arg_name="query")
@bp.output(StationPage)
@bp.doc(summary="站点列表（按区县、状态、单位类型筛选，可搜索，分页）")
def list_stations(query):
    return station_service.view_stations(current_actor(), **query)


@bp.post("/stations")
@bp.auth_required(staff_auth)
@bp.input(StationIn, arg_name="data")
@bp.output(StationOut, status_code=201)
@bp.doc(summary="登记站点", responses={403: "不能在其他区县登记", 409: "编码已被使用"})
def create_station(data):
    return station_service.create_station(current_actor(), data)


@bp.get("/stations/<code>")
@bp.auth_required(staff_auth)
@bp.output(StationOut)
@bp.doc(summary="站点详情", responses=NOT_FOUND)
def get_station(code):
    return station_service.view_station(current_actor(), code)


@bp.patch("/stations/<code>")
@bp.auth_required(staff_auth)
@bp.input(StationPatch, arg_name="changes")
@bp.output(StationOut)
@bp.doc(summary="修改站点（只需提交要改的字段）", responses={**NOT_FOUND, 403: "不能移到其他区县", 409: "已撤销、状态或区县不能更改"})
def update_station(code, changes):
    return station_service.update_station(current_actor(), code, changes)


@bp.post("/stations/<code>/retire")
@bp.auth_required(staff_auth)
@bp.input(RetireIn, arg_name="data")
@bp.output(StationOut)
@bp.doc(summary="撤销站点（保留记录，不删除）", responses={**NOT_FOUND, 409: "已撤销"})
def retire_station(code, data):
    return station_service.retire_station(current_actor(), code, data["reason"])


@bp.get("/stations/<code>/inspections")
@bp.auth_required(staff_auth)
@bp.output(InspectionOut(many=True))
@bp.doc(summary="“六有”检查记录（最新在前）", responses=NOT_FOUND)
def list_inspections(code):
    return station_service.list_inspections(current_actor(), code)


@bp.post("/stations/<code>/inspections")
@bp.auth_required(staff_auth)
@bp.input(InspectionIn, arg_name="data")
@bp.output(InspectionOut, status_code=201)
@bp.doc(summary="登记“六有”检查结果", responses=NOT_FOUND)
def record_inspection(code, data):
    return station_service.record_inspection(current_actor(), code, **data)


@bp.post("/stations/<code>/plaque")
@bp.auth_required(staff_auth)
@bp.input(PlaqueIn, arg_name="data")
@bp.output(StationOut)
@bp.doc(summary="挂牌（最近一次“六有”检查须全部通过）", responses={**NOT_FOUND, 409: "未建成或“六有”检查未通过"})
def plaque_station(code, data):
    return station_service.plaque_station(current_actor(), code, data.get("plaqued_date"))


@bp.post("/stations/<code>/demonstration")
@bp.auth_required(staff_auth)
@bp.input(DemonstrationIn, arg_name="data")
@bp.output(StationOut)
@bp.doc(summary="认定为示范站点（注明打造年度）", responses={**NOT_FOUND, 409: "未挂牌、已认定或已是省级最美站点"})
def set_demonstration(code, data):
    return station_service.set_demonstration(current_actor(), code, data["year"])


@bp.delete("/stations/<code>/demonstration")
@bp.auth_required(staff_auth)
@bp.output(StationOut)
@bp.doc(summary="取消示范站点认定", responses={**NOT_FOUND, 409: "不是示范站点"})
def clear_demonstration(code):
    return station_service.clear_demonstration(current_actor(), code)


@bp.post("/stations/<code>/provincial-best")
@bp.auth_required(staff_auth)
@bp.output(StationOut)
@bp.doc(summary="登记为省级“最美站点”（市总工会）", responses={**NOT_FOUND, 403: "仅市总工会", 409: "未挂牌"})
def set_provincial_best(code):
    return station_service.set_provincial_best(current_actor(), code, True)


@bp.delete("/stations/<code>/provincial-best")
@bp.auth_required(staff_auth)
@bp.output(StationOut)
@bp.doc(summary="取消省级“最美站点”登记（市总工会）", responses={**NOT_FOUND, 403: "仅市总工会"})
def clear_provincial_best(code):
    return station_service.set_provincial_best(current_actor(), code, False)


@bp.post("/stations/import")
@bp.auth_required(staff_auth)
@bp.input(ImportQuery, location="query", arg_name="query")
@bp.input(ImportFile, location="files", arg_name="upload")
@bp.output(ImportResult)
@bp.doc(
    summary="批量导入站点（CSV/XLSX，先逐行校验，任何一行有误则全部不导入）",
    responses={422: "文件中有错误行，details.errors 列出行号、列名和原因"},
)
def import_stations(query, upload):
    result = station_import.import_stations(current_actor(), upload["file"].filename or "", upload["file"].stream, dry_run=query["dry_run"])
    return result


@bp.get("/stations/import/template")
@bp.auth_required(staff_auth)
@bp.input(TemplateQuery, location="query", arg_name="query")
@bp.doc(summary="下载导入模板", responses={200: file_answer("CSV 或 XLSX 文件", CSV, XLSX)})
def import_template(query):
    content, mimetype, filename = station_import.template(query["format"])
    return download(content, mimetype, filename)
