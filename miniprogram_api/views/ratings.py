from __future__ import annotations

from apiflask import APIBlueprint
from flask import current_app

from app.api.error_docs import errors_doc
from app.extensions import limiter
from app.ratings import service as rating_service
from app.ratings.schemas import MyRatingOut, RatingIn, RatingTagOut
from app.reference import data as ref
from miniprogram_api.auth import current_worker, current_worker_id, worker_auth

bp = APIBlueprint("mp_ratings", __name__, tag={"name": "Mini-program: ratings", "description": "满意度评价"})


def _worker_key() -> str:
    # Keyed by the signed-in worker, so the limit sits below worker_auth (checked after it).
    return f"mp-rating:{current_worker_id()}"


@bp.post("/checkins/<int:checkin_id>/rating")
@bp.auth_required(worker_auth)
@limiter.limit(lambda: current_app.config["RATING_LIMIT_PER_IP"])
@limiter.limit(lambda: current_app.config["RATING_LIMIT_PER_WORKER"], key_func=_worker_key)
@bp.input(RatingIn, arg_name="data")
@bp.output(MyRatingOut, status_code=201)
@bp.doc(
    summary="评价自己的一次签到（签到后 24 小时内，每次签到一次）；留言经微信内容安全检查",
    description=(
        "留言检查通过即公开；需复核或微信暂时无法检查时，评价照常保存，留言待工作人员审核后公开"
        "（comment_status 为 review，comment_notice 说明原因）；含违规内容则整条评价不保存（422 comment_rejected），可修改后重新提交。"
    ),
    **errors_doc(
        (404, "checkin_not_found", "签到不存在或不是自己的"),
        (409, "already_rated", "这次签到已评价"),
        (410, "rating_window_closed", "已超过评价时限"),
        (422, "comment_rejected", "留言含违规内容，整条评价未保存，可修改后重新提交"),
        body=True,
        rate_limited=True,
        int_path=True,
    ),
)
def rate_checkin(checkin_id, data):
    return rating_service.rate_visit(current_worker(), checkin_id, **data)


@bp.get("/checkins/<int:checkin_id>/rating")
@bp.auth_required(worker_auth)
@bp.output(MyRatingOut)
@bp.doc(
    summary="我对这次签到的评价（含自己的留言及其审核状态）",
    **errors_doc(
        (404, "checkin_not_found", "签到不存在或不是自己的"),
        (404, "rating_not_found", "这次签到尚未评价"),
        int_path=True,
    ),
)
def get_my_rating(checkin_id):
    return rating_service.own_rating(current_worker(), checkin_id)


@bp.get("/rating-tags")
@bp.output(RatingTagOut(many=True))
@bp.doc(summary="评价可选的标签", **errors_doc(auth=False))
def rating_tags():
    return [{"code": code, "name": name} for code, name in ref.RATING_TAGS]
