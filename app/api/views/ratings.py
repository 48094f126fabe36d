"""Staff endpoints for ratings: a station's ratings and their summary, and the review of
comments WeChat's check held back. Scope is enforced by the service: another district's station
or rating answers exactly like a missing one."""

from __future__ import annotations

from apiflask import APIBlueprint

from app.api.auth import current_actor, staff_auth
from app.ratings import replies as rating_replies
from app.ratings import service as rating_service
from app.ratings.schemas import RatingSummaryQuery, StaffRatingOut, StaffRatingPage, StationRatingsQuery, StationRatingSummaryOut

bp = APIBlueprint("ratings", __name__, tag={"name": "Ratings", "description": "满意度评价与留言审核"})
STATION_NOT_FOUND = {404: "station_not_found：站点不存在，或不属于本区县"}
RATING_NOT_FOUND = {404: "rating_not_found：评价不存在，或其站点不属于本区县"}


@bp.get("/stations/<code>/ratings")
@bp.auth_required(staff_auth)
@bp.input(StationRatingsQuery, location="query", arg_name="query")
@bp.output(StaffRatingPage)
@bp.doc(summary="站点的满意度评价（最新在前，可按留言或回复的状态筛选，含待审核的留言与站点回复）", responses=STATION_NOT_FOUND)
def list_ratings(code, query):
    return rating_service.list_station_ratings(current_actor(), code, **query)


@bp.get("/stations/<code>/ratings/summary")
@bp.auth_required(staff_auth)
@bp.input(RatingSummaryQuery, location="query", arg_name="query")
@bp.output(StationRatingSummaryOut)
@bp.doc(summary="站点满意度汇总：平均分、评价次数、1–5 分分布（按北京时间的日期区间）", responses=STATION_NOT_FOUND)
def rating_summary(code, query):
    return rating_service.station_summary(current_actor(), code, **query)


@bp.post("/ratings/<int:rating_id>/approve")
@bp.auth_required(staff_auth)
@bp.output(StaffRatingOut)
@bp.doc(
    summary="留言审核通过并公开（待审核或已隐藏的留言）",
    responses={**RATING_NOT_FOUND, 409: "comment_status_conflict：留言已公开或没有留言"},
)
def approve_comment(rating_id):
    return rating_service.approve_comment(current_actor(), rating_id)


@bp.post("/ratings/<int:rating_id>/hide")
@bp.auth_required(staff_auth)
@bp.output(StaffRatingOut)
@bp.doc(
    summary="隐藏留言（已公开或待审核的留言；仅评价人自己可见，评分照常计入）",
    responses={**RATING_NOT_FOUND, 409: "comment_status_conflict：留言已隐藏或没有留言"},
)
def hide_comment(rating_id):
    return rating_service.hide_comment(current_actor(), rating_id)


@bp.post("/ratings/<int:rating_id>/reply/approve")
@bp.auth_required(staff_auth)
@bp.output(StaffRatingOut)
@bp.doc(
    summary="站点回复审核通过并公开（待审核或已隐藏的回复）",
    responses={**RATING_NOT_FOUND, 409: "reply_status_conflict：回复已公开或没有回复"},
)
def approve_reply(rating_id):
    return rating_replies.approve_reply(current_actor(), rating_id)


@bp.post("/ratings/<int:rating_id>/reply/hide")
@bp.auth_required(staff_auth)
@bp.output(StaffRatingOut)
@bp.doc(
    summary="隐藏站点回复（已公开或待审核的回复）",
    responses={**RATING_NOT_FOUND, 409: "reply_status_conflict：回复已隐藏或没有回复"},
)
def hide_reply(rating_id):
    return rating_replies.hide_reply(current_actor(), rating_id)
