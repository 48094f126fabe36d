"""Reports: the quarterly form (附件3) and its submissions, plan progress, quality evaluation."""

from __future__ import annotations

from marshmallow import fields

from app.core.schemas import BaseSchema, Boolean, Date, DateTime, Float, Integer, List, Nested, String, between, one_of
from app.registry.schemas import CodeName
from app.reports.investment_schemas import MoneyOut
from app.reports.quality import MAX_DAYS
from app.reports.quarters import FIRST_YEAR, LAST_YEAR

# Year and quarter are checked by the service (stable codes year_out_of_range, quarter_invalid);
# the schema only asks for integers.


class QuarterlyQuery(BaseSchema):
    year = Integer(required=True, metadata={"description": f"年度（{FIRST_YEAR}–{LAST_YEAR}）"})
    district = String(metadata={"description": "区县编码或名称；市总工会不填为全市合计，区县工会只能是本区县"})
    quarter = Integer(metadata={"description": "填报到第几季度（之后的季度留空）；默认：往年为 4，本年为当前季度"})
    format = String(load_default="json", validate=one_of(("json", "xlsx")))


class SubmissionState(BaseSchema):
    submitted = Boolean()
    submitted_at = DateTime(allow_none=True)
    submitted_by = String(allow_none=True)
    due_date = Date()
    late = Boolean(metadata={"description": "报送晚于截止日期，或截止日期已过仍未报送"})


class InvestmentSums(BaseSchema):
    total = MoneyOut()
    union = MoneyOut()
    government = MoneyOut()
    other = MoneyOut()


class VisitSums(BaseSchema):
    scan = Integer()
    manual = Integer()
    total = Integer()


class FormRow(BaseSchema):
    quarter = Integer()
    label = String()
    due_date = Date(metadata={"description": "报送截止日期：该季度最后一周（含季度最后一天的 ISO 周）的周一"})
    included = Boolean(metadata={"description": "false：该季度在填报范围之后，数字留空"})
    built_before = Integer(allow_none=True, metadata={"description": "截止上季度建成数量总计"})
    built_new = Integer(allow_none=True, metadata={"description": "本季度新建总计"})
    built_self = Integer(allow_none=True, metadata={"description": "本季度工会自建"})
    built_co = Integer(allow_none=True, metadata={"description": "本季度与有关单位共建"})
    investment = Nested(InvestmentSums, allow_none=True, metadata={"description": "投入资金（万元）"})
    visits = Nested(VisitSums, allow_none=True, metadata={"description": "服务户外劳动者（人次）：扫码、补录及合计"})
    submission = Nested(SubmissionState, metadata={"description": "单个区县的表才有"})


class FormTotal(BaseSchema):
    label = String()
    built_before = Integer(metadata={"description": "填报范围最后一个季度末在用的站点数"})
    built_new = Integer()
    built_self = Integer()
    built_co = Integer()
    investment = Nested(InvestmentSums)
    visits = Nested(VisitSums)


class QuarterlyForm(BaseSchema):
    title = String()
    year = Integer()
    through_quarter = Integer()
    district = Nested(CodeName, allow_none=True)
    unit = String(metadata={"description": "填报单位"})
    filled_by = String(metadata={"description": "填报人"})
    phone = String(metadata={"description": "联系电话"})
    rows = List(Nested(FormRow))
    total = Nested(FormTotal)
    note = String()
    generated_at = DateTime()


class SubmissionOut(BaseSchema):
    district = Nested(CodeName)
    year = Integer()
    quarter = Integer()
    submitted_at = DateTime()
    submitted_by = String()
    due_date = Date()
    late = Boolean()


class StatusQuery(BaseSchema):
    year = Integer(required=True)
    quarter = Integer(required=True)


class DistrictStatus(SubmissionState):
    district = Nested(CodeName)


class SubmissionStatus(BaseSchema):
    year = Integer()
    quarter = Integer()
    label = String()
    due_date = Date()
    districts = List(Nested(DistrictStatus))
    submitted_count = Integer()
    late_count = Integer()


# --- plan progress ----------------------------------------------------------------------------------


class PlanQuery(BaseSchema):
    as_of = Date(metadata={"description": "统计日期，默认今天"})


class Milestone(BaseSchema):
    year = Integer()
    target = Integer()
    built = Integer(allow_none=True, metadata={"description": "该年末（本年为统计日）在用站点数"})
    expected_by_now = Integer(allow_none=True, metadata={"description": "本年：按时间进度此时应达到的数量"})
    state = String(metadata={"description": "met / missed / on_track / behind / upcoming"})


class DemonstrationYear(BaseSchema):
    year = Integer()
    target = Integer()
    count = Integer()
    state = String(metadata={"description": "met / missed / in_progress / upcoming"})


class DemonstrationProgress(BaseSchema):
    years = List(Nested(DemonstrationYear))
    target_total = Integer()
    count_total = Integer()
    count_other_years = Integer(metadata={"description": "认定年度不在 2022–2025 的示范站点"})


class PlanRow(BaseSchema):
    district = Nested(CodeName)
    built_now = Integer()
    built_by_oct_2021 = Integer()
    milestones = List(Nested(Milestone))
    on_track = Boolean()
    demonstration = Nested(DemonstrationProgress)


class CityPlanRow(BaseSchema):
    built_now = Integer()
    built_by_oct_2021 = Integer()
    milestones = List(Nested(Milestone))
    on_track = Boolean()
    demonstration = Nested(DemonstrationProgress)
    note = String()


class PlanProgress(BaseSchema):
    as_of = Date()
    districts = List(Nested(PlanRow))
    city = Nested(CityPlanRow, allow_none=True, metadata={"description": "全市合计（市总工会）"})


# --- quality evaluation -------------------------------------------------------------------------------


class QualityQuery(BaseSchema):
    district = String(metadata={"description": "区县编码或名称；不填：市总工会为全市，区县工会为本区县"})
    to = Date(metadata={"description": "评估期最后一天，默认今天"})
    days = Integer(validate=between(1, MAX_DAYS), metadata={"description": "评估天数，默认 QUALITY_PERIOD_DAYS（30）"})
    top = Integer(validate=between(0, 1000), metadata={"description": "标为最美站点候选的名额，默认 QUALITY_TOP_N"})
    format = String(load_default="json", validate=one_of(("json", "csv", "xlsx")))


class QualityComponents(BaseSchema):
    build = Float()
    operation = Float()
    function = Float()
    visits = Float()
    satisfaction = Float()
    activities = Float(metadata={"description": "关爱活动：期间举办的活动数 / QUALITY_ACTIVITIES_FULL，满分 100"})
    problems = Float(metadata={"description": "问题整改：每百人次问题数、按期整改率与整改用时（中位数）"})
    inspections = Float(metadata={"description": "暗访与物资：暗访合格率与过期物资"})


class QualityRow(BaseSchema):
    rank = Integer()
    code = String()
    name = String()
    district = Nested(CodeName)
    status = String()
    provincial_best = Boolean()
    demonstration = Boolean()
    score = Float(metadata={"description": "综合得分 0–100"})
    components = Nested(QualityComponents)
    details = fields.Dict()
    candidate = Boolean(metadata={"description": "最美站点候选：已挂牌、非省级最美站点、无逾期问题且近期暗访未不合格的站点中排名前 N"})


class QualityPeriod(BaseSchema):
    from_ = Date(data_key="from", attribute="from")
    to = Date()
    days = Integer()


class QualityResult(BaseSchema):
    district = Nested(CodeName, allow_none=True)
    period = Nested(QualityPeriod)
    weights = fields.Dict()
    top_n = Integer()
    stations = List(Nested(QualityRow))
