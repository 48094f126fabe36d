"""Walk-ins (站点登记) as a keeper sends and reads them. The bounds on a date and a count are the
service's (they follow configuration); here only their types."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validates_schema

from app.core.schemas import BaseSchema, Date, DateTime, Integer, List, Nested, String, length, one_of_pairs
from app.reference import data as ref

NOTE_MAX = 100
GROUP_NAMES = ref.names(ref.WORKER_GROUPS)


class WalkInIn(BaseSchema):
    date = Date(required=True, metadata={"description": "到站的日期（北京时间），只能是今天及之前 7 天（WALKIN_BACKDATE_DAYS）"})
    count = Integer(
        required=True,
        strict=True,
        metadata={"description": "人次，1 到 WALKIN_MAX_COUNT（默认 200）；更多请分多条登记"},
    )
    worker_group = String(
        load_default=None,
        allow_none=True,
        validate=one_of_pairs(ref.WORKER_GROUPS),
        metadata={"description": "来访者的群体（如 sanitation 环卫工人），不知道可不填"},
    )
    note = String(load_default=None, allow_none=True, validate=length(max=NOTE_MAX), metadata={"description": "备注"})


class CorrectionIn(BaseSchema):
    count = Integer(
        required=True,
        strict=True,
        metadata={"description": "更正后的人次（该登记的正确总数），0 到 WALKIN_MAX_COUNT；0 表示登记有误"},
    )
    note = String(load_default=None, allow_none=True, validate=length(max=NOTE_MAX), metadata={"description": "更正原因"})


class WalkInQuery(BaseSchema):
    since = Date(data_key="from", metadata={"description": "起始日（含），北京时间；默认为截止日前 7 天"})
    until = Date(data_key="to", metadata={"description": "截止日（含），北京时间；默认今天"})

    @validates_schema
    def _in_order(self, data, **kwargs):
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise ValidationError("截止日不能早于起始日", "to")


class CorrectionOut(BaseSchema):
    id = Integer()
    change = Integer(attribute="headcount", metadata={"description": "这次更正增减的人次（负数为减少）"})
    note = String(allow_none=True)


class WalkInOut(BaseSchema):
    id = Integer(attribute="entry.id")
    date = Date(metadata={"description": "到站的日期（北京时间）"})
    checked_in_at = DateTime(attribute="entry.checked_in_at", metadata={"description": "计入的时刻：当天登记为登记时，补登为当天中午"})
    count = Integer(attribute="entry.headcount", metadata={"description": "登记时的人次"})
    effective_count = Integer(metadata={"description": "计入统计的人次：登记的人次加上各次更正"})
    worker_group = String(attribute="entry.worker_group", allow_none=True)
    worker_group_name = fields.Function(
        lambda w: GROUP_NAMES.get(w.entry.worker_group) if w.entry.worker_group else None,
        allow_none=True,
        metadata={"type": "string"},
    )
    note = String(attribute="entry.note", allow_none=True)
    corrections = List(Nested(CorrectionOut), metadata={"description": "更正记录，先后为序；原登记从不改写"})


class WalkInListOut(BaseSchema):
    station_code = String()
    since = Date(data_key="from")
    until = Date(data_key="to")
    total = Integer(metadata={"description": "这段时间登记计入的人次合计"})
    items = List(Nested(WalkInOut), metadata={"description": "最新在前；不含更正记录本身（见各条的 corrections）"})
