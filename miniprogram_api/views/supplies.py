"""Keepers' list of their station's supplies with expiry dates (services in app/supplies)."""

from __future__ import annotations

from apiflask import APIBlueprint

from app.api.error_docs import errors_doc
from app.keepers.service import keeper_of
from app.supplies import service as supplies
from app.supplies.schemas import SupplyIn, SupplyOut, SupplyPatch
from miniprogram_api.auth import current_worker, worker_auth

bp = APIBlueprint("mp_supplies", __name__, tag={"name": "Mini-program: supplies", "description": "站点物资与有效期"})
NOT_YOURS = (
    (403, "not_a_keeper", "还不是（或已不再是）站点管理员"),
    (404, "station_not_found", "站点不存在、已撤销，或不是您管理的站点"),
)
SUPPLY_NOT_FOUND = (404, "supply_not_found", "物资不存在，或不属于该站点")


@bp.get("/keeper/stations/<code>/supplies")
@bp.auth_required(worker_auth)
@bp.output(SupplyOut(many=True))
@bp.doc(summary="站点的物资（已过期、即将过期在前）", **errors_doc(*NOT_YOURS))
def list_supplies(code):
    return supplies.station_supplies(keeper_of(current_worker(), code).station_id)


@bp.post("/keeper/stations/<code>/supplies")
@bp.auth_required(worker_auth)
@bp.input(SupplyIn, arg_name="data")
@bp.output(SupplyOut, status_code=201)
@bp.doc(summary="登记一项物资", **errors_doc(*NOT_YOURS, body=True))
def add_supply(code, data):
    return supplies.add(keeper_of(current_worker(), code), data)


@bp.patch("/keeper/stations/<code>/supplies/<int:supply_id>")
@bp.auth_required(worker_auth)
@bp.input(SupplyPatch, arg_name="data")
@bp.output(SupplyOut)
@bp.doc(summary="修改物资（名称、数量、有效期）", **errors_doc(*NOT_YOURS, SUPPLY_NOT_FOUND, body=True, int_path=True))
def update_supply(code, supply_id, data):
    return supplies.update(keeper_of(current_worker(), code), supply_id, data)


@bp.delete("/keeper/stations/<code>/supplies/<int:supply_id>")
@bp.auth_required(worker_auth)
@bp.output({}, status_code=204)
@bp.doc(summary="移除物资（用完或已更换）", **errors_doc(*NOT_YOURS, SUPPLY_NOT_FOUND, int_path=True))
def remove_supply(code, supply_id):
    supplies.remove(keeper_of(current_worker(), code), supply_id)
    return ""
