from __future__ import annotations

import functools

from apiflask import APIBlueprint
from flask import current_app
from flask_limiter.util import get_remote_address

from app.adapters.rate_limits import limits_of
from app.api.error_docs import errors_doc
from app.core.errors import RateLimited
from app.extensions import checkin_limits
from app.visits import checkins as checkin_service
from app.visits.checkin_schemas import CheckInIn, CheckInPage, CheckInQuery, CheckInResultOut, IdempotencyHeader
from miniprogram_api.auth import current_worker, current_worker_id, worker_auth

bp = APIBlueprint("mp_checkins", __name__, tag={"name": "Mini-program: check-in", "description": "签到即服务人次"})


@functools.cache
def _limits(per_ip: str, per_worker: str):
    return limits_of(per_ip), limits_of(per_worker)


def _check_limits(view):
    """CHECKIN_LIMIT_PER_IP and CHECKIN_LIMIT_PER_WORKER, checked and counted in one storage call
    (app/adapters/rate_limits.py) before the request is read, as Flask-Limiter's decorators did."""

    @functools.wraps(view)
    def limited(*args, **kwargs):
        per_ip, per_worker = _limits(current_app.config["CHECKIN_LIMIT_PER_IP"], current_app.config["CHECKIN_LIMIT_PER_WORKER"])
        address, worker = f"{get_remote_address()}/checkins", f"mp-worker:{current_worker_id()}/checkins"
        exceeded = checkin_limits.hit([*((item, address) for item in per_ip), *((item, worker) for item in per_worker)])
        if exceeded:
            raise RateLimited(exceeded.retry_after)
        return view(*args, **kwargs)

    return limited


@bp.post("/checkins")
@bp.auth_required(worker_auth)
@_check_limits
@bp.input(CheckInIn, arg_name="data")
@bp.input(IdempotencyHeader, location="headers", arg_name="headers")
@bp.output(CheckInResultOut, status_code=201)
@bp.doc(
    summary="扫码签到（一次服务人次）；去重窗口内重复扫码返回已有签到（200）",
    **errors_doc(
        (403, "too_far", "超出地理围栏（details 给出距离 distance_m 与上限 limit_m，单位米）"),
        (403, "privacy_consent_required", "带位置签到须先同意最新的隐私保护指引中的位置授权（可不带位置签到）"),
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
    answer = checkin_service.check_in(current_worker_id(), idempotency_key=headers.get("idempotency_key"), **data)
    # Written directly (CheckInAnswer.as_json equals the schema's dump): a Response passes the
    # output schema by, which stays for the OpenAPI document.
    response = current_app.json.response(answer.as_json())
    response.status_code = 201 if answer.created else 200
    return response


@bp.get("/me/checkins")
@bp.auth_required(worker_auth)
@bp.input(CheckInQuery, location="query", arg_name="query")
@bp.output(CheckInPage)
@bp.doc(summary="我的签到（只含自己的）", **errors_doc(validates=True))
def my_checkins(query):
    return checkin_service.my_checkins(current_worker(), query["page"], query["per_page"])
