"""The keeper's view of their station, and replies to comments."""

from __future__ import annotations

from apiflask import APIBlueprint
from flask import current_app

from app.api.error_docs import errors_doc
from app.extensions import limiter
from app.keepers.service import keeper_of
from app.ratings import replies as rating_replies
from app.station_pages import keeper_summary as summary_service
from app.station_pages.keeper_summary_schemas import KeeperSummaryOut, ReplyIn, ReplyOut
from miniprogram_api.auth import current_worker, current_worker_id, worker_auth

bp = APIBlueprint(
    "mp_keeper_summary", __name__, tag={"name": "Mini-program: keeper's view", "description": "站点管理员查看本站人次、评价并回复留言"}
)
NOT_YOURS = (
    (403, "not_a_keeper", "还不是（或已不再是）站点管理员"),
    (404, "station_not_found", "站点不存在、已撤销，或不是您管理的站点"),
)


def _worker_key() -> str:
    # Keyed by the signed-in keeper, so the limit sits below worker_auth (checked after it).
    return f"mp-keeper-reply:{current_worker_id()}"


@bp.get("/keeper/stations/<code>/summary")
@bp.auth_required(worker_auth)
@bp.output(KeeperSummaryOut)
@bp.doc(
    summary="本站概况：今天和本周（周一起，北京时间）的人次（扫码、登记分列及合计）与人数，满意度，最新的已公开留言",
    **errors_doc(*NOT_YOURS),
)
def station_summary(code):
    binding = keeper_of(current_worker(), code)
    return summary_service.keeper_summary(binding)


@bp.post("/keeper/stations/<code>/ratings/<int:rating_id>/reply")
@bp.auth_required(worker_auth)
@limiter.limit(lambda: current_app.config["KEEPER_REPLY_LIMIT_PER_WORKER"], key_func=_worker_key)
@bp.input(ReplyIn, arg_name="data")
@bp.output(ReplyOut, status_code=201)
@bp.doc(
    summary="回复本站一条已公开的留言（每条评价一个回复，再次回复即替换）；回复经微信内容安全检查",
    description=(
        "检查通过即公开；需复核或微信暂时无法检查时，回复照常保存，待工作人员审核后公开（reply_status 为 review）；"
        "含违规内容则不保存（422 text_rejected），原有回复不变。首次回复 201，替换 200。"
    ),
    **errors_doc(
        *NOT_YOURS,
        (404, "rating_not_found", "本站没有这条已公开的留言"),
        (422, "text_rejected", "回复含违规内容，未保存，原有回复不变"),
        body=True,
        rate_limited=True,
        int_path=True,
        responses={200: "替换了原有回复"},
    ),
)
def reply_to_comment(code, rating_id, data):
    binding = keeper_of(current_worker(), code)
    result = rating_replies.reply_to_comment(binding, rating_id, data["text"])
    return result.rating, 201 if result.created else 200
