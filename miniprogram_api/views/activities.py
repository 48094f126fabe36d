"""A worker's care activities: upcoming ones near them or at a station, claiming a gift (with
the reminder they subscribed to), their vouchers, cancelling a claim (app/activities)."""

from __future__ import annotations

from apiflask import APIBlueprint

from app.accounts import subscribe_messages
from app.activities import claims as claim_service
from app.activities import reminders, upcoming
from app.activities.claim_schemas import ClaimIn, ClaimList, ClaimOut, NearQuery, WorkerActivityDetail, WorkerActivityList
from app.api.error_docs import errors_doc
from miniprogram_api.auth import current_worker, worker_auth

bp = APIBlueprint("mp_activities", __name__, tag={"name": "Mini-program: activities", "description": "关爱服务活动：查看、领取礼品、券码"})
ACTIVITY_NOT_FOUND = (404, "activity_not_found", "活动不存在")
CLAIM_NOT_FOUND = (404, "claim_not_found", "不是您的领取记录，或不存在")


@bp.get("/activities/nearby")
@bp.auth_required(worker_auth)
@bp.input(NearQuery, location="query", arg_name="query")
@bp.output(WorkerActivityList)
@bp.doc(summary="附近站点即将开始或正在进行的活动（由近到远）", **errors_doc(validates=True))
def nearby(query):
    return {"items": upcoming.near(current_worker(), query["lat"], query["lng"], query["radius_m"]), "reminder_template_id": _template_id()}


@bp.get("/stations/<code>/activities")
@bp.auth_required(worker_auth)
@bp.output(WorkerActivityList)
@bp.doc(summary="站点即将开始或正在进行的活动", **errors_doc((404, "station_not_found", "站点不存在或未投入使用")))
def at_station(code):
    return {"items": upcoming.at_station(current_worker(), code), "reminder_template_id": _template_id()}


@bp.get("/activities/<int:activity_id>")
@bp.auth_required(worker_auth)
@bp.output(WorkerActivityDetail)
@bp.doc(
    summary="一个活动（未取消、未结束），含我的领取",
    **errors_doc(ACTIVITY_NOT_FOUND, (409, "activity_cancelled", "活动已取消"), (409, "activity_ended", "活动已结束"), int_path=True),
)
def activity(activity_id):
    item = upcoming.one(current_worker(), activity_id)
    item.reminder_template_id = _template_id()
    return item


def _template_id() -> str:
    return subscribe_messages.template_ids([reminders.TEMPLATE]).get(reminders.TEMPLATE, "")


@bp.post("/activities/<int:activity_id>/claims")
@bp.auth_required(worker_auth)
@bp.input(ClaimIn, arg_name="data")
@bp.output(ClaimOut, status_code=201)
@bp.doc(
    summary="领取活动礼品（每人每个活动限一份，领完为止）；remind=true 时在活动开始前发送一次提醒",
    **errors_doc(
        ACTIVITY_NOT_FOUND,
        (409, "activity_cancelled", "活动已取消"),
        (409, "activity_ended", "活动已结束"),
        (409, "activity_has_no_gift", "活动没有礼品"),
        (409, "already_claimed", "已领取过"),
        (409, "gift_out_of_stock", "礼品已领完"),
        body=True,
        int_path=True,
    ),
)
def claim(activity_id, data):
    return claim_service.claim(current_worker(), activity_id, remind=data["remind"])


@bp.get("/me/claims")
@bp.auth_required(worker_auth)
@bp.output(ClaimList)
@bp.doc(summary="我的领取记录与券码（新的在前）", **errors_doc())
def my_claims():
    return {"items": claim_service.my_claims(current_worker())}


@bp.get("/me/claims/<int:claim_id>")
@bp.auth_required(worker_auth)
@bp.output(ClaimOut)
@bp.doc(summary="一条领取记录（券码以二维码出示）", **errors_doc(CLAIM_NOT_FOUND, int_path=True))
def my_claim(claim_id):
    return claim_service.own_claim(current_worker(), claim_id)


@bp.post("/me/claims/<int:claim_id>/cancel")
@bp.auth_required(worker_auth)
@bp.output(ClaimOut)
@bp.doc(
    summary="取消领取（发放前；礼品退回库存，提醒取消）",
    **errors_doc(CLAIM_NOT_FOUND, (409, "claim_already_collected", "已发放"), (409, "claim_cancelled", "已取消"), int_path=True),
)
def cancel_claim(claim_id):
    return claim_service.cancel_claim(current_worker(), claim_id)
