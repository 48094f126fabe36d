from __future__ import annotations

from apiflask import APIBlueprint
from flask import current_app

from app.api.error_docs import errors_doc
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
    **errors_doc(
        (403, "too_far", "超出地理围栏（details 给出距离 distance_m 与上限 limit_m，单位米）"),
        (404, "scan_invalid", "二维码无法识别（不是本系统的标牌，或签名不对）"),
        (409, "station_not_in_service", "站点尚未建成投入使用"),
        (409, "station_closed_temporarily", "站点临时关闭（管理员发布，附原因）"),
        (409, "station_not_open", "现在不在站点的开放时间内"),
        (410, "sign_outdated", "标牌已更换，旧标牌的二维码失效"),
        (410, "station_closed", "站点已撤销"),
        (422, "idempotency_key_reused", "同一个 Idempotency-Key 用于了不同的签到请求"),
        body=True,
        rate_limited=True,
        responses={200: "去重：返回窗口内已有的签到（deduplicated 为 true）"},
    ),
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
@bp.doc(summary="我的签到（只含自己的）", **errors_doc(validates=True))
def my_checkins(query):
    return checkin_service.my_checkins(current_worker(), query["page"], query["per_page"])
