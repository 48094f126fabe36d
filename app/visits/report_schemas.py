"""Staff reports: visits (服务人次), the visiting pattern, satisfaction. Query parameters are
checked here (types, choices, from ≤ to); the range limits and the scope are the services'."""

from __future__ import annotations

from apiflask import Schema
from marshmallow import ValidationError, fields, validates_schema

from app.core.schemas import BaseSchema, Date, Float, Integer, List, Nested, String, one_of, one_of_pairs
from app.core.spreadsheets.report_export import FORMATS
from app.reference import data as ref
from app.visits.checkins import SERVICES
from app.visits.report import GROUPINGS, PERIODS

DISTRICTS = [(d.code, d.name) for d in ref.DISTRICTS]
SOURCES = [("scan", "扫码签到"), ("manual", "站点登记")]


class _Range(BaseSchema):
    since = Date(required=True, data_key="from", metadata={"description": "起始日（含），北京时间"})
    until = Date(required=True, data_key="to", metadata={"description": "截止日（含），北京时间"})

    @validates_schema
    def _in_order(self, data, **kwargs):
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise ValidationError("截止日不能早于起始日", "to")


class _Scope(BaseSchema):
    district = String(validate=one_of_pairs(DISTRICTS), metadata={"description": "区县编码（如 FC）；区县工作人员只能查本区县"})
    station = String(metadata={"description": "站点编码（如 FC0001）"})


class VisitReportQuery(_Range, _Scope):
    group_by = String(load_default="district", validate=one_of(GROUPINGS), metadata={"description": "按全市、区县或站点分组"})
    period = String(
        load_default="month",
        validate=one_of(PERIODS),
        metadata={"description": "时段：日、周（周一起）、月、季度、年；区间按整时段取齐"},
    )
    worker_group = String(validate=one_of_pairs(ref.WORKER_GROUPS), metadata={"description": "劳动者群体"})
    service = String(validate=one_of(SERVICES), metadata={"description": "使用的服务（签到时所选）"})
    source = String(validate=one_of_pairs(SOURCES), metadata={"description": "scan 扫码签到 / manual 站点登记"})
    format = String(load_default="json", validate=one_of(FORMATS), metadata={"description": "json、csv（UTF-8 带 BOM）或 xlsx"})


class PatternQuery(_Range, _Scope):
    format = String(load_default="json", validate=one_of(FORMATS))


class SatisfactionQuery(_Range, _Scope):
    group_by = String(load_default="district", validate=one_of(("district", "station")))
    format = String(load_default="json", validate=one_of(FORMATS))


class FollowUpQuery(_Scope):
    format = String(load_default="json", validate=one_of(FORMATS))


class VisitSourceOut(Schema):
    visits = String(metadata={"description": "rollup：预汇总表；raw：原始签到记录"})
    workers = String(metadata={"description": "rollup 或 raw"})


class VisitRowOut(Schema):
    period_start = Date()
    period_end = Date(metadata={"description": "时段最后一天（含）"})
    district = String(allow_none=True)
    district_name = String(allow_none=True)
    station = String(allow_none=True, metadata={"description": "站点编码（按站点分组时）"})
    station_name = String(allow_none=True)
    scanned = Integer(metadata={"description": "扫码签到人次"})
    manual = Integer(metadata={"description": "站点登记人次"})
    total = Integer(metadata={"description": "合计人次"})
    workers = Integer(metadata={"description": "服务人数（扫码签到的不同劳动者；登记无法识别个人）"})


class TotalsOut(Schema):
    scanned = Integer()
    manual = Integer()
    total = Integer()


class VisitReportOut(Schema):
    since = Date(data_key="from", metadata={"description": "实际起始日：所在时段的第一天"})
    until = Date(data_key="to", metadata={"description": "实际截止日：所在时段的最后一天"})
    requested_from = Date()
    requested_to = Date()
    group_by = String()
    period = String()
    filters = fields.Dict(metadata={"description": "生效的筛选条件（区县工作人员固定为本区县）"})
    source = Nested(VisitSourceOut)
    rows = List(Nested(VisitRowOut))
    totals = Nested(TotalsOut, metadata={"description": "人次合计（人数不能跨时段相加，不合计）"})


class PatternOut(Schema):
    since = Date(data_key="from")
    until = Date(data_key="to")
    district = String(allow_none=True)
    station = String(allow_none=True)
    weekdays = List(String(), metadata={"description": "行：周一 … 周日"})
    hours = List(Integer(), metadata={"description": "列：0 … 23 时（北京时间）"})
    matrix = List(List(Integer()), metadata={"description": "7 × 24 扫码签到人次"})
    total = Integer()


class ScoreGroupOut(Schema):
    district = String(allow_none=True)
    district_name = String(allow_none=True)
    station = String(allow_none=True)
    station_name = String(allow_none=True)
    count = Integer(metadata={"description": "评价次数"})
    average = Float(allow_none=True, metadata={"description": "平均分（两位小数）"})
    distribution = fields.Dict(keys=String(), values=Integer(), metadata={"description": "1–5 分各多少次"})


class SatisfactionOut(Schema):
    since = Date(data_key="from")
    until = Date(data_key="to")
    group_by = String()
    rows = List(Nested(ScoreGroupOut))
    overall = Nested(ScoreGroupOut)


class FollowUpOut(Schema):
    since = Date(data_key="from")
    until = Date(data_key="to")
    days = Integer(metadata={"description": "统计最近多少天（SATISFACTION_FOLLOW_UP_DAYS）"})
    threshold = Float(metadata={"description": "平均分低于此值需跟进（SATISFACTION_FOLLOW_UP_BELOW）"})
    min_count = Integer(metadata={"description": "至少这么多次评价才计入（SATISFACTION_FOLLOW_UP_MIN_RATINGS）"})
    stations = List(Nested(ScoreGroupOut))
