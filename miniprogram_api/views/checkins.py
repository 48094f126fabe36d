from __future__ import annotations

from apiflask import APIBlueprint
from flask import current_app

from app.extensions import limiter
from app.schemas.checkins import CheckInIn, CheckInPage, CheckInQuery, CheckInResultOut, IdempotencyHeader
from app.services import checkins as checkin_service
from miniprogram_api.auth import current_worker, current_worker_id, worker_auth

bp = APIBlueprint("mp_checkins", __name__, tag={"name": "Mini-program: check-in", "description": "签到即服务人次"})


def _worker_key() -> str:
    return f"mp-worker:{current_worker_id()}"


@bp.post("/checkins")
@bp.auth_required(worker_auth)
@limiter.limit(lambda: current_app.config["CHECKIN_LIMIT_PER_IP"])
@limiter.limit(lambda: current_app.config["CHECKIN_LIMIT_PER_WORKER"], key_func=_worker_key)
@bp.input(CheckInIn, arg_name="data")
@bp.input(IdempotencyHeader, location="headers", arg_name="headers")
@bp.output(CheckInResultOut, status_code=201)
@bp.doc(
    summary="扫码签到（一次服务人次）；去重窗口内重复扫码返回已有签到（200）",
    responses={
        200: "去重：返回窗口内已有的签到",
        403: "too_far：超出地理围栏",
        404: "scan_invalid：二维码无效",
        409: "station_not_open：站点现在不开放；station_not_in_service：尚未建成",
        410: "sign_outdated / station_closed：旧标牌或站点已撤销",
        429: "请求过于频繁",
    },
)
def create_checkin(data, headers):
    result = checkin_service.check_in(current_worker_id(), idempotency_key=headers.get("idempotency_key"), **data)
    visit = result.checkin
    body = {
        "id": visit.id,
        "station": visit.station,
        "source": visit.source,
        "checked_in_at": visit.checked_in_at,
        "services": visit.services,
        "located": visit.located,
        "distance_m": visit.distance_m,
        "deduplicated": not result.created,
    }
    return body, 201 if result.created else 200


@bp.get("/me/checkins")
@bp.auth_required(worker_auth)
@bp.input(CheckInQuery, location="query", arg_name="query")
@bp.output(CheckInPage)
@bp.doc(summary="我的签到（只含自己的）")
def my_checkins(query):
    return checkin_service.my_checkins(current_worker(), query["page"], query["per_page"])
