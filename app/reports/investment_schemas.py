"""Investments (投入资金): per station and quarter, 万元 with two decimals."""

from __future__ import annotations

from decimal import Decimal

from apiflask.fields import File as FileField
from marshmallow import fields, pre_load

from app.core.schemas import (
    BaseSchema,
    Boolean,
    Integer,
    Money,
    MoneyOut,
    Nested,
    PageQuery,
    String,
    between,
    one_of,
    one_of_pairs,
    page_schema,
)
from app.reference import data as ref
from app.registry.schemas import DISTRICT_BY_NAME
from app.reports.quarters import FIRST_YEAR, LAST_YEAR

AMOUNT_DOC = '万元，最多两位小数，≥ 0；可为数字或字符串，答复为字符串（如 "12.50"）'


class InvestmentIn(BaseSchema):
    union = Money(load_default=Decimal("0"), metadata={"description": "工会投入，" + AMOUNT_DOC})
    government = Money(load_default=Decimal("0"), metadata={"description": "政府投入，" + AMOUNT_DOC})
    other = Money(load_default=Decimal("0"), metadata={"description": "其他资金，" + AMOUNT_DOC})


class StationRef(BaseSchema):
    code = String()
    name = String()
    district_code = String()


class InvestmentOut(BaseSchema):
    station = Nested(StationRef)
    year = Integer()
    quarter = Integer()
    union = MoneyOut(attribute="union_amount")
    government = MoneyOut(attribute="government_amount")
    other = MoneyOut(attribute="other_amount")
    total = MoneyOut(metadata={"description": "三项之和"})
    updated_at = fields.DateTime(allow_none=True, metadata={"description": "最后登记时间；未登记的季度为 null"})


InvestmentPage = page_schema(InvestmentOut, "InvestmentPage")


class StationInvestmentQuery(BaseSchema):
    year = Integer(validate=between(FIRST_YEAR, LAST_YEAR))


class InvestmentQuery(PageQuery):
    year = Integer(validate=between(FIRST_YEAR, LAST_YEAR))
    quarter = Integer(validate=between(1, 4))
    district = String(validate=one_of_pairs([(d.code, d.name) for d in ref.DISTRICTS]))
    station = String(metadata={"description": "站点编码"})

    @pre_load
    def _district_by_name(self, data, **kwargs):
        if data.get("district") in DISTRICT_BY_NAME:
            data = {**data, "district": DISTRICT_BY_NAME[data["district"]]}
        return data


class InvestmentImportQuery(BaseSchema):
    dry_run = Boolean(load_default=False, metadata={"description": "true 时只校验，不写入"})


class InvestmentImportFile(BaseSchema):
    file = FileField(required=True, metadata={"description": "CSV（UTF-8 或 GB18030）或 XLSX 文件"})


class InvestmentImportResult(BaseSchema):
    dry_run = Boolean()
    rows = Integer()
    created = Integer()
    updated = Integer()
    unchanged = Integer()


class InvestmentTemplateQuery(BaseSchema):
    format = String(load_default="xlsx", validate=one_of(("xlsx", "csv")))
