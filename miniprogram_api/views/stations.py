"""Finding a station and reading it: nearby stations, a station's detail, a scanned sign."""

from __future__ import annotations

from apiflask import APIBlueprint
from flask import jsonify

from app.api.error_docs import errors_doc
from app.station_pages import nearby as nearby_service
from app.station_pages import station_view
from app.station_pages.nearby_dump_schemas import dump_page
from app.station_pages.nearby_schemas import NearbyPageOut, NearbyQuery, ScannedStationOut, ScanQuery, StationDetailOut
from miniprogram_api.auth import worker_auth

bp = APIBlueprint("mp_stations", __name__, tag={"name": "Mini-program: stations", "description": "附近站点、站点详情、扫码"})


@bp.get("/stations/nearby")
@bp.auth_required(worker_auth)
@bp.input(NearbyQuery, location="query", arg_name="query")
@bp.output(NearbyPageOut)
@bp.doc(summary="附近的站点（由近到远，可按所需服务和此刻开放筛选）", **errors_doc(validates=True))
def nearby(query):
    page = nearby_service.nearby(
        query["lat"],
        query["lng"],
        radius_m=query.get("radius_m"),
        needs=query["need"],
        open_now=query["open_now"],
        page=query["page"],
        per_page=query["per_page"],
    )
    # A Response passes @output by: the page is dumped by hand, to NearbyPageOut's shape (why:
    # app/station_pages/nearby_dump_schemas.py).
    return jsonify(dump_page(page))


@bp.get("/stations/<code>")
@bp.auth_required(worker_auth)
@bp.output(StationDetailOut)
@bp.doc(
    summary="站点详情：设施、开放时间、实时状态、今日服务人次、满意度",
    **errors_doc((404, "station_not_found", "站点不存在或已撤销")),
)
def station_detail(code):
    return station_view.station_detail(code)


@bp.get("/scan")
@bp.auth_required(worker_auth)
@bp.input(ScanQuery, location="query", arg_name="query")
@bp.output(ScannedStationOut)
@bp.doc(
    summary="扫标牌：核验二维码签名，返回站点详情",
    **errors_doc(
        (404, "scan_invalid", "二维码无法识别（不是本系统的标牌，或签名不对）"),
        (410, "sign_outdated", "标牌已更换，旧标牌的二维码失效"),
        (410, "station_closed", "站点已撤销"),
        validates=True,
    ),
)
def scan(query):
    return station_view.scanned_station(query.get("q") or query["scene"])
