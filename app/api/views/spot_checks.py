"""Staff endpoints for spot checks (暗访) and the stations flagged by them, and for stations'
supplies and what expires soon."""

from __future__ import annotations

from apiflask import APIBlueprint

from app.api.auth import current_actor, staff_auth
from app.api.error_docs import errors_doc
from app.spot_checks import service as spot_checks
from app.spot_checks.schemas import FlagOut, SpotCheckIn, SpotCheckOut
from app.supplies import service as supplies
from app.supplies.schemas import SupplyOut

bp = APIBlueprint("spot_checks", __name__, tag={"name": "Spot checks and supplies", "description": "暗访与站点物资"})
STATION_NOT_FOUND = (404, "station_not_found", "站点不存在，或不属于本区县")


@bp.post("/stations/<code>/spot-checks")
@bp.auth_required(staff_auth)
@bp.input(SpotCheckIn, arg_name="data")
@bp.output(SpotCheckOut, status_code=201)
@bp.doc(
    summary="记录一次暗访：是否按时开放、“六有”、物资有效期、卫生、结论（照片在管理后台上传）",
    **errors_doc(STATION_NOT_FOUND, body=True),
)
def record_spot_check(code, data):
    return spot_checks.record(current_actor(), code, data)


@bp.get("/stations/<code>/spot-checks")
@bp.auth_required(staff_auth)
@bp.output(SpotCheckOut(many=True))
@bp.doc(summary="站点的暗访记录（最新在前）", **errors_doc(STATION_NOT_FOUND))
def list_spot_checks(code):
    return spot_checks.station_checks(current_actor(), code)


@bp.get("/spot-checks/flagged")
@bp.auth_required(staff_auth)
@bp.output(FlagOut(many=True))
@bp.doc(summary="期内暗访两次（可设置）不合格、须复核挂牌或示范资格的站点", **errors_doc())
def flagged():
    return spot_checks.flagged(current_actor())


@bp.get("/stations/<code>/supplies")
@bp.auth_required(staff_auth)
@bp.output(SupplyOut(many=True))
@bp.doc(summary="站点的物资及有效期（已过期、即将过期在前）", **errors_doc(STATION_NOT_FOUND))
def station_supplies(code):
    return supplies.staff_station_supplies(current_actor(), code)


@bp.get("/supplies/due")
@bp.auth_required(staff_auth)
@bp.output(SupplyOut(many=True))
@bp.doc(summary="本区县已过期或即将过期（默认 14 天内）的物资，按有效期排序", **errors_doc())
def supplies_due():
    return supplies.due(current_actor())
