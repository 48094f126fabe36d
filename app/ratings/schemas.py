"""满意度 (ratings): what a worker sends and sees, and what staff review."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from app.core.schemas import (
    BaseSchema,
    Date,
    DateTime,
    Dict,
    Float,
    Integer,
    List,
    Nested,
    PageQuery,
    String,
    between,
    length,
    one_of_pairs,
    page_schema,
)
from app.ratings.models import COMMENT_HIDDEN, COMMENT_PUBLISHED, COMMENT_REVIEW
from app.reference import data as ref

COMMENT_MAX = 200
TAG_NAMES = ref.names(ref.RATING_TAGS)
STATUS_NAMES = ref.names(ref.RATING_COMMENT_STATUSES)
STRINGS = {"type": "array", "items": {"type": "string"}}  # for the spec: Function fields have no type
# A Function field has no type in the spec: name it. With allow_none=True apispec adds "null" itself.


class RatingIn(BaseSchema):
    score = Integer(required=True, strict=True, validate=between(1, 5), metadata={"description": "1–5 分，5 分最满意"})
    tags = List(
        String(validate=one_of_pairs(ref.RATING_TAGS)),
        load_default=list,
        validate=validate.Length(max=len(ref.RATING_TAGS), error="标签最多 {max} 个"),
        metadata={"description": "可选标签的编码（见 GET /api/mp/v1/rating-tags），重复的只算一次"},
    )
    comment = String(
        load_default=None,
        allow_none=True,
        validate=length(max=COMMENT_MAX),
        metadata={"description": f"留言，最多 {COMMENT_MAX} 字；经微信内容安全检查后才对他人可见"},
    )


def _tag_names(rating) -> list[str]:
    return [TAG_NAMES.get(code, code) for code in rating.tags]


class RatedStationOut(BaseSchema):
    code = String()
    name = String()


class RatingBase(BaseSchema):
    id = Integer()
    checkin_id = Integer()
    score = Integer()
    tags = List(String(), metadata={"description": "标签编码"})
    tag_names = fields.Function(_tag_names, metadata={"description": "标签的中文名，与 tags 一一对应", **STRINGS})
    comment = String(allow_none=True)
    comment_status = String(metadata={"description": "none 无留言 / published 已公开 / review 待审核 / hidden 已隐藏"})
    comment_status_name = fields.Function(lambda r: STATUS_NAMES[r.comment_status], metadata={"type": "string"})
    created_at = DateTime()


def _comment_notice(rating) -> str | None:
    if rating.comment_status == COMMENT_PUBLISHED:
        return "留言已公开显示"
    if rating.comment_status == COMMENT_REVIEW and rating.moderation_label is None:
        return "内容安全检查暂时不可用，留言将在人工审核通过后公开显示"
    if rating.comment_status == COMMENT_REVIEW:
        return "留言需人工审核，通过后公开显示"
    if rating.comment_status == COMMENT_HIDDEN:
        return "留言未通过审核，仅你自己可见"
    return None


class PublishedReplyOut(BaseSchema):
    text = String(attribute="reply")
    replied_at = DateTime()


def published_reply(rating) -> dict | None:
    """The station's reply as anyone may read it: only once it passed the check or staff
    approved it, and only beside a published comment."""
    if rating.reply_status != COMMENT_PUBLISHED or rating.comment_status != COMMENT_PUBLISHED:
        return None
    return PublishedReplyOut().dump(rating)


class MyRatingOut(RatingBase):
    """A worker's own rating: their comment whatever its status, and what became of it."""

    station = Nested(RatedStationOut)
    reply = fields.Function(
        published_reply,
        allow_none=True,
        metadata={"description": "站点管理员的回复（已公开的）；没有时为 null", "type": "object"},
    )
    comment_notice = fields.Function(
        _comment_notice,
        allow_none=True,
        metadata={"description": "给评价人看的留言状态说明；无留言时为 null", "type": "string"},
    )


class RatingTagOut(BaseSchema):
    code = String()
    name = String()


def _comment_checked(rating) -> bool | None:
    return None if rating.comment is None else rating.moderation_label is not None


class StaffRatingOut(RatingBase):
    station_code = String(attribute="station.code")
    checked_in_at = DateTime(attribute="checkin.checked_in_at")
    worker_group = String(attribute="checkin.worker_group", allow_none=True, metadata={"description": "签到时所说的群体"})
    comment_checked = fields.Function(
        _comment_checked,
        allow_none=True,
        metadata={
            "description": "微信内容安全检查是否给出了结论；false 表示检查不可用，须人工判断；无留言时为 null",
            "type": "boolean",
        },
    )
    moderation_label = Integer(allow_none=True, metadata={"description": "微信内容安全检查的标签，100 为正常"})
    reviewed_by = Integer(allow_none=True, metadata={"description": "审核员工的账号 id"})
    reviewed_at = DateTime(allow_none=True)
    reply = String(allow_none=True, metadata={"description": "站点管理员的回复，无论其状态"})
    reply_status = String(metadata={"description": "回复的状态：none 未回复 / published 已公开 / review 待审核 / hidden 已隐藏"})
    reply_status_name = fields.Function(lambda r: STATUS_NAMES[r.reply_status], metadata={"type": "string"})
    reply_checked = fields.Function(
        lambda r: None if r.reply is None else r.reply_label is not None,
        allow_none=True,
        metadata={"description": "微信内容安全检查是否对回复给出了结论；无回复时为 null", "type": "boolean"},
    )
    replied_at = DateTime(allow_none=True)
    replied_by = Integer(allow_none=True, metadata={"description": "回复的站点管理员（绑定记录 id，见站点的管理员列表）"})


StaffRatingPage = page_schema(StaffRatingOut, "StaffRatingPage")


class StationRatingsQuery(PageQuery):
    comment_status = String(validate=one_of_pairs(ref.RATING_COMMENT_STATUSES), metadata={"description": "按留言状态筛选"})
    reply_status = String(validate=one_of_pairs(ref.RATING_COMMENT_STATUSES), metadata={"description": "按站点回复的状态筛选"})


class RatingSummaryQuery(BaseSchema):
    since = Date(metadata={"description": "起始日（含），北京时间；不填则不限"})
    until = Date(metadata={"description": "截止日（含），北京时间；不填则不限"})

    @validates_schema
    def _in_order(self, data, **kwargs):
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise ValidationError("截止日不能早于起始日", "until")


class StationRatingSummaryOut(BaseSchema):
    station_code = String()
    since = Date(allow_none=True)
    until = Date(allow_none=True)
    count = Integer(metadata={"description": "评价次数"})
    average = Float(allow_none=True, metadata={"description": "平均分，保留两位小数；无评价时为 null"})
    distribution = Dict(keys=String(), values=Integer(), metadata={"description": "各分值（1–5）的评价次数"})
