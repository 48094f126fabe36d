"""A keeper's side of care activities: the station's activities, handing out a voucher, and
recording people without a phone as counts, with corrections (app/activities/handouts.py)."""

from __future__ import annotations

from apiflask import APIBlueprint

from app.activities import handouts
from app.activities.claim_schemas import CountCorrectionIn, CountEntryOut, CountIn, CountList, HandOutIn, HandOutOut, KeeperActivityList
from app.activities.keeper_view import station_activities
from app.api.error_docs import errors_doc
from app.keepers.service import keeper_of
from miniprogram_api.auth import current_worker, worker_auth

bp = APIBlueprint(
    "mp_keeper_activities", __name__, tag={"name": "Mini-program: keeper activities", "description": "站点管理员：活动发放与现场登记"}
)
NOT_YOURS = (
    (403, "not_a_keeper", "还不是（或已不再是）站点管理员"),
    (404, "station_not_found", "站点不存在、已撤销，或不是您管理的站点"),
)
NOT_HERE = (404, "activity_not_found", "本站没有这个活动")
WINDOW = (
    (409, "activity_cancelled", "活动已取消"),
    (409, "activity_not_started", "活动尚未开始"),
    (409, "activity_ended", "活动已结束"),
)


@bp.get("/keeper/stations/<code>/activities")
@bp.auth_required(worker_auth)
@bp.output(KeeperActivityList)
@bp.doc(summary="本站的活动（进行中、即将开始、近 7 天结束），含本站发放与登记人数，及同期服务人次（分开计）", **errors_doc(*NOT_YOURS))
def station_activity_list(code):
    return {"items": station_activities(keeper_of(current_worker(), code))}


@bp.post("/keeper/stations/<code>/handouts")
@bp.auth_required(worker_auth)
@bp.input(HandOutIn, arg_name="data")
@bp.output(HandOutOut, status_code=201)
@bp.doc(
    summary="凭券发放礼品（扫码或输入券码）：每券一次，只在本站的活动、活动期间",
    **errors_doc(
        *NOT_YOURS,
        *WINDOW,
        (404, "voucher_not_found", "券码无效"),
        (403, "voucher_wrong_station", "不是本站活动的券"),
        (409, "claim_already_collected", "已发放过"),
        (409, "claim_cancelled", "领取已取消"),
        body=True,
    ),
)
def hand_out(code, data):
    return handouts.hand_out(keeper_of(current_worker(), code), data["voucher"])


@bp.post("/keeper/stations/<code>/activities/<int:activity_id>/counts")
@bp.auth_required(worker_auth)
@bp.input(CountIn, arg_name="data")
@bp.output(CountEntryOut, status_code=201)
@bp.doc(
    summary="登记未用手机领取的人数（活动开始后至结束后 7 天内）；有礼品时从库存中扣除",
    **errors_doc(
        *NOT_YOURS,
        NOT_HERE,
        *WINDOW,
        (409, "gift_out_of_stock", "礼品不足"),
        (422, "recorded_count_invalid", "人数超出范围"),
        body=True,
        int_path=True,
    ),
)
def record_count(code, activity_id, data):
    return handouts.record_count(keeper_of(current_worker(), code), activity_id, **data)


@bp.post("/keeper/stations/<code>/activities/<int:activity_id>/counts/<int:count_id>/corrections")
@bp.auth_required(worker_auth)
@bp.input(CountCorrectionIn, arg_name="data")
@bp.output(CountEntryOut, status_code=201)
@bp.doc(
    summary="更正一条登记（新增差额记录，原登记不改写）",
    **errors_doc(
        *NOT_YOURS,
        NOT_HERE,
        *WINDOW,
        (404, "recorded_count_not_found", "本站没有这条登记"),
        (409, "gift_out_of_stock", "礼品不足"),
        (409, "walk_in_unchanged", "人数未变"),
        (422, "recorded_count_invalid", "人数超出范围"),
        body=True,
        int_path=True,
    ),
)
def correct_count(code, activity_id, count_id, data):
    return handouts.correct_count(keeper_of(current_worker(), code), activity_id, count_id, **data)


@bp.get("/keeper/stations/<code>/activities/<int:activity_id>/counts")
@bp.auth_required(worker_auth)
@bp.output(CountList)
@bp.doc(summary="本站该活动的登记（新的在前），每条含更正与计入人数", **errors_doc(*NOT_YOURS, NOT_HERE, int_path=True))
def list_counts(code, activity_id):
    return {"items": handouts.list_counts(keeper_of(current_worker(), code), activity_id)}
