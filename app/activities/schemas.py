"""Activities, campaigns, the yearly plan and the report, as staff send and read them."""

from __future__ import annotations

from datetime import UTC, datetime

from apiflask.fields import File as FileField
from marshmallow import ValidationError, fields, validates_schema

from app.activities.reports import KIND_NAMES
from app.core.schemas import (
    BaseSchema,
    Boolean,
    Date,
    DateTime,
    Integer,
    List,
    Money,
    MoneyOut,
    Nested,
    PageQuery,
    String,
    between,
    length,
    one_of,
    one_of_pairs,
    page_schema,
)
from app.reference import data as ref

FIRST_YEAR, LAST_YEAR = 2020, 2100
GIFT_STOCK_MAX = 1_000_000
STATIONS_MAX = 500
GROUP_NAMES = ref.names(ref.WORKER_GROUPS)


def _in_years(value: datetime) -> None:
    moment = value if value.tzinfo else value.replace(tzinfo=UTC)
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise ValidationError(f"时间应在 {FIRST_YEAR} 到 {LAST_YEAR} 年之间")


def kind_field(**kwargs) -> String:
    return String(validate=one_of_pairs(ref.CARE_ACTIVITY_KINDS), metadata={"description": "活动类别（附件5 七类）"}, **kwargs)


def groups_field() -> List:
    return List(
        String(validate=one_of_pairs(ref.WORKER_GROUPS)),
        validate=length(max=len(ref.WORKER_GROUPS)),
        metadata={"description": "服务对象群体"},
    )


def year_field(**kwargs) -> Integer:
    return Integer(validate=between(FIRST_YEAR, LAST_YEAR), **kwargs)


class BudgetIn(BaseSchema):
    union = Money(load_default=None, metadata={"description": "工会投入（万元）"})
    government = Money(load_default=None, metadata={"description": "政府投入（万元）"})
    other = Money(load_default=None, metadata={"description": "其他资金（万元）"})


class GiftIn(BaseSchema):
    name = String(required=True, validate=length(min=1, max=50), metadata={"description": "礼品名称，如 清凉包"})
    stock = Integer(required=True, strict=True, validate=between(0, GIFT_STOCK_MAX), metadata={"description": "数量；每人限领一份"})


class ActivityChange(BaseSchema):
    kind = kind_field()
    title = String(validate=length(min=1, max=100))
    description = String(allow_none=True, validate=length(max=5000))
    stations = List(
        String(validate=length(min=1, max=16)),
        validate=length(max=STATIONS_MAX),
        metadata={"description": "站点编码；与 whole_district 二选一"},
    )
    whole_district = Boolean(metadata={"description": "全区县所有站点"})
    starts_at = DateTime(validate=_in_years, metadata={"description": "开始时间（ISO 8601，带时区；无时区按 UTC）"})
    ends_at = DateTime(validate=_in_years)
    worker_groups = groups_field()
    host_unit = String(allow_none=True, validate=length(max=128), metadata={"description": "承办或合作单位"})
    budget = Nested(BudgetIn, metadata={"description": "经费（万元），按来源"})
    campaign_id = Integer(strict=True, allow_none=True, validate=between(1, 2**31 - 1), metadata={"description": "所属关爱服务月"})
    gift = Nested(GiftIn, allow_none=True, metadata={"description": "可领取的礼品；null 为无礼品"})


class ActivityIn(ActivityChange):
    district = String(validate=length(min=1, max=4), metadata={"description": "区县编码；区县账号可省略（只能是本区县）"})
    kind = kind_field(required=True)
    title = String(required=True, validate=length(min=1, max=100))
    starts_at = DateTime(required=True, validate=_in_years)
    ends_at = DateTime(required=True, validate=_in_years)

    @validates_schema
    def _placed(self, data, **kwargs):
        if not data.get("whole_district") and not data.get("stations"):
            raise ValidationError("请选择站点，或选择全区县", "stations")


class CancelIn(BaseSchema):
    reason = String(required=True, validate=length(min=1, max=200), metadata={"description": "取消原因"})


class ActivityQuery(PageQuery):
    district = String(validate=length(max=4))
    kind = kind_field()
    campaign_id = Integer(validate=between(1, 2**31 - 1))
    since = DateTime(data_key="from", validate=_in_years, metadata={"description": "与此后有交集的活动"})
    until = DateTime(data_key="to", validate=_in_years)
    include_cancelled = Boolean(load_default=True)


class ActivityStationRef(BaseSchema):
    code = String()
    name = String()


class GiftOut(BaseSchema):
    name = String(attribute="gift_name")
    stock = Integer(attribute="gift_stock")
    left = Integer(attribute="gift_remaining", metadata={"description": "剩余数量"})


class BudgetOut(BaseSchema):
    union = MoneyOut(attribute="union_amount")
    government = MoneyOut(attribute="government_amount")
    other = MoneyOut(attribute="other_amount")
    total = MoneyOut(attribute="total_amount")


class ActivityOut(BaseSchema):
    id = Integer()
    district = String(attribute="district_code")
    kind = String()
    kind_name = fields.Function(lambda a: KIND_NAMES.get(a.kind), metadata={"type": "string"})
    title = String()
    description = String(allow_none=True)
    whole_district = Boolean()
    stations = List(Nested(ActivityStationRef), metadata={"description": "活动站点；全区县时为空"})
    starts_at = DateTime()
    ends_at = DateTime()
    worker_groups = List(String())
    host_unit = String(allow_none=True)
    budget = fields.Function(lambda a: BudgetOut().dump(a), metadata={"type": "object"})
    campaign_id = Integer(allow_none=True)
    gift = fields.Function(lambda a: GiftOut().dump(a) if a.gift_name else None, allow_none=True, metadata={"type": "object"})
    has_plan_file = fields.Function(
        lambda a: a.plan_file_key is not None, metadata={"type": "boolean", "description": "是否已上传专项活动方案"}
    )
    status = String(metadata={"description": "active 或 cancelled"})
    cancelled_reason = String(allow_none=True)


ActivityPage = page_schema(ActivityOut, "ActivityPage")


class PlanFile(BaseSchema):
    # Not required here: the activity's scope is checked before a missing file is (the service).
    file = FileField(load_default=None, metadata={"description": "专项活动方案：PDF 或 Word（DOC/DOCX），不超过 FILES_MAX_BYTES"})


# --- the yearly plan ---


class PlanCell(BaseSchema):
    quarter = Integer(required=True, strict=True, validate=between(1, 4))
    kind = kind_field(required=True)
    target = Integer(required=True, strict=True, validate=between(0, 1000))


class PlanIn(BaseSchema):
    targets = List(Nested(PlanCell), required=True, validate=length(max=28), metadata={"description": "整年替换：每季度每类的计划场次"})

    @validates_schema
    def _distinct(self, data, **kwargs):
        cells = [(c["quarter"], c["kind"]) for c in data.get("targets", [])]
        if len(cells) != len(set(cells)):
            raise ValidationError("同一季度同一类别只能填一次", "targets")


class PlanOut(BaseSchema):
    district = String(attribute="district_code")
    year = Integer()
    quarter = Integer()
    kind = String()
    target = Integer()


class ProgressQuery(BaseSchema):
    year = year_field(required=True)
    district = String(validate=length(max=4))


class ProgressRowOut(BaseSchema):
    district = String(attribute="district_code")
    quarter = Integer()
    kind = String()
    target = Integer()
    held = Integer(metadata={"description": "已举办（未取消、开始于该季度）的活动数"})
    shortfall = Integer()
    state = String(metadata={"description": "done 完成 / behind 落后（季度已过）/ under_way 本季度进行中 / planned 未到"})


class ProgressOut(BaseSchema):
    year = Integer()
    rows = List(Nested(ProgressRowOut))
    behind = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={"description": "落后的区县：已过季度合计差几场"})


# --- the care month ---


class CampaignChange(BaseSchema):
    theme = String(validate=length(min=1, max=100), metadata={"description": "主题，如 快递小哥站点关爱服务月"})
    starts_on = Date()
    ends_on = Date()
    worker_groups = groups_field()


class CampaignIn(CampaignChange):
    district = String(validate=length(min=1, max=4))
    theme = String(required=True, validate=length(min=1, max=100))
    starts_on = Date(required=True)
    ends_on = Date(required=True)


class CampaignOut(BaseSchema):
    id = Integer()
    district = String(attribute="district_code")
    year = Integer()
    theme = String()
    starts_on = Date()
    ends_on = Date()
    worker_groups = List(String())


class CampaignQuery(BaseSchema):
    district = String(validate=length(max=4))
    year = year_field()


class ActivityTotalsOut(BaseSchema):
    activities = Integer()
    claimed = Integer(metadata={"description": "领取（未取消）"})
    collected = Integer(metadata={"description": "凭券已发放"})
    recorded = Integer(metadata={"description": "站点现场登记的无手机人员"})
    people_reached = Integer(metadata={"description": "惠及人数 = 凭券发放 + 现场登记；不是服务人次"})
    handed_out = Integer(metadata={"description": "礼品发放数"})
    stock = Integer()
    left = Integer(metadata={"description": "礼品剩余"})
    union = MoneyOut(attribute="union_amount")
    government = MoneyOut(attribute="government_amount")
    other = MoneyOut(attribute="other_amount")
    total = MoneyOut(attribute="total_amount")


class CampaignSummaryOut(BaseSchema):
    campaign = Nested(CampaignOut)
    totals = Nested(ActivityTotalsOut)
    by_kind = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={"description": "各类别活动数"})


# --- the report ---


class ReportQuery(BaseSchema):
    year = year_field(required=True)
    quarter = Integer(validate=between(1, 4))
    district = String(validate=length(max=4))
    campaign_id = Integer(validate=between(1, 2**31 - 1))
    format = String(load_default="json", validate=one_of(("json", "csv", "xlsx")))


class ReportRowOut(BaseSchema):
    district = String(attribute="district_code")
    district_name = String()
    quarter = Integer()
    kind = String()
    kind_name = String()
    campaign = String(allow_none=True)
    totals = Nested(ActivityTotalsOut)


class ReportOut(BaseSchema):
    year = Integer()
    quarter = Integer(allow_none=True)
    district = String(allow_none=True)
    rows = List(Nested(ReportRowOut))
    total = Nested(ActivityTotalsOut)
