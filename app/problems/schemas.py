"""Problem reports and tickets as the mini-program and the staff API send and answer them."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validates_schema

from app.core.schemas import BaseSchema, Boolean, Date, DateTime, Integer, List, Nested, PageQuery, String, length, one_of, one_of_pairs
from app.problems.models import KINDS, STATUSES

TEXT_MAX = 200
NOTE_MAX = 200


class ProblemIn(BaseSchema):
    kind = String(required=True, validate=one_of_pairs(KINDS), metadata={"description": "问题类别（见 GET /api/mp/v1/problem-kinds）"})
    text = String(
        load_default=None,
        allow_none=True,
        validate=length(max=TEXT_MAX),
        metadata={"description": f"补充说明，最多 {TEXT_MAX} 字；经微信内容安全检查"},
    )
    notify = Boolean(
        load_default=False,
        metadata={"description": "用户刚在 wx.requestSubscribeMessage 中同意了 ticket_update 模板：整改或解决时通知一次"},
    )  # fmt: skip


class PhotoIn(BaseSchema):
    photo = fields.Raw(
        required=True, metadata={"type": "string", "format": "binary", "description": "JPEG 或 PNG 照片（wx.uploadFile 的 name 为 photo）"}
    )


class NoteIn(BaseSchema):
    note = String(load_default=None, allow_none=True, validate=length(max=NOTE_MAX), metadata={"description": "说明（可选）"})


class RequiredNoteIn(BaseSchema):
    note = String(required=True, validate=length(min=1, max=NOTE_MAX), metadata={"description": "说明"})


class KindOut(BaseSchema):
    code = String()
    name = String()


class StepOut(BaseSchema):
    kind = String(metadata={"description": "reported / joined / answered / fixed / confirmed / reopened / not_fixed / called_back"})
    name = String()
    by = String(metadata={"description": "worker 反映人 / keeper 站点管理员 / staff 工会"})
    note = String(allow_none=True)
    at = DateTime()


class PhotoOut(BaseSchema):
    id = Integer()
    check_status = String(metadata={"description": "pending 检查中（仅自己可见）/ passed 已通过 / hidden 未通过（仅自己可见）"})
    url = String(metadata={"description": "取图地址（带令牌请求）"})


class ProblemReportOut(BaseSchema):
    id = Integer()
    text = String(allow_none=True, metadata={"description": "说明；他人只看到检查通过的"})
    text_status = String(metadata={"description": "none 无 / passed 已通过 / review 待人工审核"})
    created_at = DateTime()
    photos = List(Nested(PhotoOut))


class TicketStationOut(BaseSchema):
    code = String()
    name = String()


class TicketOut(BaseSchema):
    id = Integer()
    station = Nested(TicketStationOut)
    kind = String()
    kind_name = String()
    status = String(metadata={"description": "open 待处理 / fixed 已整改待确认 / confirmed 已确认解决"})
    status_name = String()
    opened_at = DateTime()
    deadline_at = DateTime(metadata={"description": "当前的整改期限"})
    overdue = Boolean(metadata={"description": "待处理且已过期限"})
    reporters = Integer(metadata={"description": "反映人数（重复反映并入同一问题）"})
    steps = List(Nested(StepOut))
    reports = List(Nested(ProblemReportOut))


class MyTicketOut(TicketOut):
    can_say_not_fixed = Boolean(metadata={"description": "站点说已整改时，反映人可以说“仍未解决”"})


class StaffTicketOut(TicketOut):
    district_code = String()
    due_at = DateTime(metadata={"description": "首次的整改期限（按期整改率以它计）"})
    fixed_at = DateTime(allow_none=True)
    confirmed_at = DateTime(allow_none=True)
    called_back_at = DateTime(allow_none=True)
    reopen_count = Integer()


class StaffTicketPage(BaseSchema):
    items = List(Nested(StaffTicketOut))
    page = Integer()
    per_page = Integer()
    total = Integer()
    pages = Integer()


class TicketQuery(PageQuery):
    status = String(validate=one_of_pairs(STATUSES), metadata={"description": "按状态筛选"})
    kind = String(validate=one_of_pairs(KINDS), metadata={"description": "按类别筛选"})
    station = String(validate=length(max=16), metadata={"description": "站点编码"})
    overdue = Boolean(metadata={"description": "只看逾期的"})


class LoopReportQuery(BaseSchema):
    from_ = Date(data_key="from", metadata={"description": "起始日（含），北京时间；默认 30 天前"})
    to = Date(metadata={"description": "截止日（含），默认今天"})
    what = String(
        load_default="tickets", validate=one_of(("tickets", "spot_checks")), metadata={"description": "tickets 问题 / spot_checks 暗访"}
    )
    format = String(load_default="xlsx", validate=one_of(("csv", "xlsx")))

    @validates_schema
    def _in_order(self, data, **kwargs):
        if data.get("from_") and data.get("to") and data["from_"] > data["to"]:
            raise ValidationError("截止日不能早于起始日", "to")


class WarningOut(BaseSchema):
    kind = String(metadata={"description": "locked 开放时间内锁门 / no_water 没有饮用水"})
    kind_name = String()
    since = DateTime(metadata={"description": "首次反映的时间"})
    age_minutes = Integer(metadata={"description": "已持续的分钟数"})
    reporters = Integer()
