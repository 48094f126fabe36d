from __future__ import annotations

from marshmallow import fields

from app.core.schemas import BaseSchema, Integer, List, Nested, String


class DemonstrationTargetOut(BaseSchema):
    year = Integer()
    count = Integer()


class DistrictOut(BaseSchema):
    code = String(metadata={"description": "站点编码前缀"})
    name = String()
    sort_order = Integer(metadata={"description": "附件1 中的顺序"})
    union_name = String()
    union_phone = String(allow_none=True)
    built_by_oct_2021 = Integer(metadata={"description": "截止 2021 年 10 月站点数"})
    new_2022 = Integer(metadata={"description": "2022 年新建站点数"})
    progress_2023_percent = Integer()
    progress_2024_percent = Integer()
    target_2023 = Integer(metadata={"description": "2023 年应建成数（2025 总数 × 60%，向上取整）"})
    target_2024 = Integer(metadata={"description": "2024 年应建成数（2025 总数 × 80%，向上取整）"})
    total_2025 = Integer(metadata={"description": "2025 年建成站点总数"})
    demonstration_targets = List(Nested(DemonstrationTargetOut), metadata={"description": "附件2"})
    demonstration_total = fields.Method("_demonstration_total")

    def _demonstration_total(self, district) -> int:
        return sum(t.count for t in district.demonstration_targets)


class CodeNameOut(BaseSchema):
    code = String()
    name = String()


class BuildModeOut(CodeNameOut):
    kind = String(metadata={"description": "mode 建设方式 / partner 合作项目"})


class CareActivityKindOut(CodeNameOut):
    description = String()


class CityPlanOut(BaseSchema):
    document = String()
    built_by_oct_2021 = Integer()
    new_2022 = Integer()
    progress_2023_percent = Integer()
    progress_2024_percent = Integer()
    total_2025 = Integer()
    demonstration_2022 = Integer()
    demonstration_2023 = Integer()
    demonstration_2024 = Integer()
    demonstration_2025 = Integer()
    demonstration_total = Integer()


class PlanDiscrepancyOut(BaseSchema):
    column = String()
    districts_sum = Integer(metadata={"description": "附件1 各区县行相加"})
    total_row = Integer(metadata={"description": "附件1 合计行"})


class ReferenceOut(BaseSchema):
    districts = List(Nested(DistrictOut))
    worker_groups = List(Nested(CodeNameOut))
    host_types = List(Nested(CodeNameOut))
    build_modes = List(Nested(BuildModeOut))
    six_has_items = List(Nested(CodeNameOut))
    care_activity_kinds = List(Nested(CareActivityKindOut))
    amenities = List(Nested(CodeNameOut))
    station_statuses = List(Nested(CodeNameOut))
    rating_tags = List(Nested(CodeNameOut), metadata={"description": "满意度评价可选的标签"})
    rating_comment_statuses = List(Nested(CodeNameOut), metadata={"description": "评价留言的审核状态"})
    city_plan = Nested(CityPlanOut, metadata={"description": "附件1、附件2 合计行：全市目标"})
    plan_discrepancies = List(Nested(PlanDiscrepancyOut), metadata={"description": "附件1 区县行之和与合计行不一致之处"})
