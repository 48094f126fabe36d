"""The keeper's view of their station, and their reply to a comment."""

from __future__ import annotations

from marshmallow import fields

from app.core.schemas import BaseSchema, Date, DateTime, Dict, Float, Integer, List, Nested, String, length
from app.ratings.models import COMMENT_HIDDEN, COMMENT_PUBLISHED, COMMENT_REVIEW
from app.ratings.replies import REPLY_MAX
from app.ratings.schemas import STRINGS, TAG_NAMES, published_reply
from app.reference import data as ref

STATUS_NAMES = ref.names(ref.RATING_COMMENT_STATUSES)


class ReplyIn(BaseSchema):
    text = String(
        required=True,
        validate=length(1, REPLY_MAX),
        metadata={"description": f"回复，最多 {REPLY_MAX} 字；经微信内容安全检查后才公开"},
    )


def _reply_notice(rating) -> str | None:
    if rating.reply_status == COMMENT_PUBLISHED:
        return "回复已公开显示"
    if rating.reply_status == COMMENT_REVIEW and rating.reply_label is None:
        return "内容安全检查暂时不可用，回复将在人工审核通过后公开显示"
    if rating.reply_status == COMMENT_REVIEW:
        return "回复需人工审核，通过后公开显示"
    if rating.reply_status == COMMENT_HIDDEN:
        return "回复未通过审核，未公开显示"
    return None


class ReplyOut(BaseSchema):
    """The keeper's reply as its author sees it, whatever its status."""

    rating_id = Integer(attribute="id")
    text = String(attribute="reply")
    reply_status = String(metadata={"description": "published 已公开 / review 待审核 / hidden 已隐藏"})
    reply_status_name = fields.Function(lambda r: STATUS_NAMES[r.reply_status], metadata={"type": "string"})
    reply_notice = fields.Function(_reply_notice, allow_none=True, metadata={"type": "string"})
    replied_at = DateTime()


class CommentOut(BaseSchema):
    """A published comment as the station's keeper reads it: never who wrote it."""

    rating_id = Integer(attribute="id")
    score = Integer()
    tags = List(String())
    tag_names = fields.Function(lambda r: [TAG_NAMES.get(t, t) for t in r.tags], metadata=STRINGS)
    comment = String()
    created_at = DateTime()
    reply = fields.Function(
        published_reply,
        allow_none=True,
        metadata={"description": "已公开的站点回复；没有或未公开时为 null", "type": "object"},
    )
    reply_status = String(metadata={"description": "站点回复的状态：none 未回复 / published / review 待审核 / hidden 已隐藏"})


class VisitsOut(BaseSchema):
    since = Date(data_key="from")
    until = Date(data_key="to")
    scan = Integer(metadata={"description": "扫码签到的人次"})
    manual = Integer(metadata={"description": "站点登记的人次（含更正）"})
    total = Integer(metadata={"description": "合计人次"})
    workers = Integer(metadata={"description": "扫码签到的不同劳动者人数（登记的人次无法区分到人，不计入）"})


class RatingFiguresOut(BaseSchema):
    count = Integer()
    average = Float(allow_none=True, metadata={"description": "平均分，保留两位小数；无评价时为 null"})
    distribution = Dict(keys=String(), values=Integer(), metadata={"description": "各分值（1–5）的评价次数"})


class RatingsOut(BaseSchema):
    last_30_days = Nested(RatingFiguresOut, metadata={"description": "今天及之前 29 天（北京时间）"})
    all_time = Nested(RatingFiguresOut)


class StationRefOut(BaseSchema):
    code = String()
    name = String()


class KeeperSummaryOut(BaseSchema):
    station = Nested(StationRefOut)
    today = Nested(VisitsOut)
    this_week = Nested(VisitsOut, metadata={"description": "本周一至今天（北京时间）"})
    ratings = Nested(RatingsOut)
    comments = List(Nested(CommentOut), metadata={"description": "最新的已公开留言（至多 10 条），最新在前"})
