"""Keepers in the mini-program: binding with a code from staff, the stations I keep, and posting
live amenity status. Every per-station endpoint goes through `keeper_of`."""

from __future__ import annotations

from apiflask import APIBlueprint
from flask import current_app

from app.api.error_docs import errors_doc
from app.extensions import limiter
from app.keepers import codes as keeper_codes
from app.keepers.service import keeper_of
from app.station_pages import kept_stations, status_posts
from app.station_pages.keeper_schemas import BindIn, BindOut, KeptStationsOut, PostedStationOut, StatusIn
from miniprogram_api.auth import current_worker, current_worker_id, worker_auth

bp = APIBlueprint("mp_keeper", __name__, tag={"name": "Mini-program: keepers", "description": "站点管理员绑定与实时状态"})
NOT_YOURS = (
    (403, "not_a_keeper", "还不是（或已不再是）站点管理员"),
    (404, "station_not_found", "站点不存在、已撤销，或不是您管理的站点"),
)


def _worker_key() -> str:
    # Keyed by the signed-in worker, so the limit sits below worker_auth (checked after it).
    return f"mp-keeper-bind:{current_worker_id()}"


def _refused(response) -> bool:
    """Only refused codes count towards the guessing limits; 5xx is our trouble, not theirs."""
    return 400 <= response.status_code < 500


@bp.post("/keeper/bind")
@bp.auth_required(worker_auth)
@limiter.limit(lambda: current_app.config["KEEPER_BIND_FAILURES_PER_IP"], deduct_when=_refused)
@limiter.limit(lambda: current_app.config["KEEPER_BIND_FAILURES_PER_WORKER"], key_func=_worker_key, deduct_when=_refused)
@bp.input(BindIn, arg_name="data")
@bp.output(BindOut, status_code=201)
@bp.doc(
    summary="用区县工会给的绑定码成为站点管理员（一个人可管理多个站点，一个站点可有多位管理员）",
    description=(
        "已是该站点管理员时再次绑定返回原有绑定（200）。"
        "输错的绑定码按用户和 IP 限次（默认每用户 15 分钟 5 次），超出返回 429 与 Retry-After。"
    ),
    **errors_doc(
        (404, "keeper_code_invalid", "绑定码无效（或已作废、站点已撤销）"),
        (409, "keeper_code_used", "绑定码已被别人使用"),
        (410, "keeper_code_expired", "绑定码已过期"),
        (429, "rate_limited", "输错次数过多，Retry-After 后再试"),
        body=True,
        responses={200: "已是该站点的管理员：返回原有绑定"},
    ),
)
def bind(data):
    result = keeper_codes.redeem(current_worker(), data["code"])
    return result.keeper, 201 if result.created else 200


@bp.get("/keeper/stations")
@bp.auth_required(worker_auth)
@bp.output(KeptStationsOut)
@bp.doc(summary="我管理的站点（按编码排序），各含户外劳动者看到的实时状态；不是管理员时为空列表", **errors_doc())
def my_stations():
    return kept_stations.my_stations(current_worker())


@bp.put("/keeper/stations/<code>/status")
@bp.auth_required(worker_auth)
@bp.input(StatusIn, arg_name="data")
@bp.output(PostedStationOut)
@bp.doc(
    summary="发布站点实时状态：饮水、厕所、休息座椅、站点开放或临时关闭、简短说明（任选几项，只更新所提交的）",
    description=(
        "每项各自记录时间，超过时效（默认 6 小时）后户外劳动者看到的是 unknown；临时关闭到 until 为止。"
        "每次提交都记入发布记录。返回户外劳动者此刻看到的站点。"
    ),
    **errors_doc(
        *NOT_YOURS,
        (422, "status_empty", "一项状态也没有提交"),
        (422, "closure_until_out_of_range", "恢复时间不在现在之后 7 天以内"),
        body=True,
    ),
)
def post_status(code, data):
    binding = keeper_of(current_worker(), code)
    return status_posts.post_status(binding, data)
