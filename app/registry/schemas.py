from __future__ import annotations

from collections.abc import Mapping
from itertools import pairwise

from apiflask.fields import File as FileField
from marshmallow import ValidationError, fields, pre_load, validate, validates_schema

from app.core.geo import DATUMS, GCJ02
from app.core.schemas import (
    BaseSchema,
    Boolean,
    CodeName,
    Date,
    DateTime,
    Float,
    Integer,
    List,
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

DISTRICT_BY_NAME = {d.name: d.code for d in ref.DISTRICTS}
MODE_PAIRS = [(code, name) for code, name, kind in ref.BUILD_MODES if kind == "mode"]
PARTNER_PAIRS = [(code, name) for code, name, kind in ref.BUILD_MODES if kind == "partner"]
EDITABLE_STATUSES = ("planned", "built")  # plaqued and retired have their own actions
_TIME = validate.Regexp(r"^(([01]\d|2[0-3]):[0-5]\d|24:00)$", error="时间格式应为 HH:MM")
PHONE = validate.Regexp(r"^[0-9+\-() ]{5,20}$", error="电话号码格式有误")
STATION_CODE = validate.Regexp(r"^[A-Z]{2}\d{4,6}$", error="站点编码应为区县前缀加 4–6 位数字，如 FC0001")


class TimeRangeSchema(BaseSchema):
    weekday = Integer(required=True, validate=between(1, 7), metadata={"description": "ISO 星期：1=周一 … 7=周日"})
    open = String(required=True, validate=_TIME, metadata={"example": "08:00"})
    close = String(required=True, validate=_TIME, metadata={"example": "18:00"})

    @validates_schema
    def _open_before_close(self, data, **kwargs):
        if data["open"] >= data["close"]:
            raise ValidationError("开始时间应早于结束时间", "close")


class OpeningHoursSchema(BaseSchema):
    always_open = Boolean(required=True, metadata={"description": "24 小时开放"})
    weekly = List(Nested(TimeRangeSchema), load_default=list)

    @validates_schema
    def _consistent(self, data, **kwargs):
        weekly = data.get("weekly") or []
        if data["always_open"] and weekly:
            raise ValidationError("24 小时开放时不需要填写每周时段", "weekly")
        if not data["always_open"] and not weekly:
            raise ValidationError("请填写每周开放时段，或选择 24 小时开放", "weekly")
        by_day: dict[int, list] = {}
        for r in weekly:
            by_day.setdefault(r["weekday"], []).append((r["open"], r["close"]))
        for day, ranges in by_day.items():
            ranges.sort()
            if any(a[1] > b[0] for a, b in pairwise(ranges)):
                raise ValidationError(f"星期{day}的开放时段有重叠", "weekly")


class StationFieldsMixin:
    """The fields staff write; shared by create, update and the import's rows."""

    name = String(required=True, validate=length(1, 128))
    district = String(
        required=True,
        validate=one_of_pairs([(d.code, d.name) for d in ref.DISTRICTS]),
        metadata={"description": "区县编码（如 FC）或名称（如 涪城区）"},
    )
    address = String(required=True, validate=length(1, 255))
    lat = Float(required=True, validate=between(-90, 90), metadata={"description": "纬度，datum 所指坐标系"})
    lng = Float(required=True, validate=between(-180, 180), metadata={"description": "经度，datum 所指坐标系"})
    datum = String(
        load_default=GCJ02,
        validate=one_of(DATUMS),
        metadata={"description": "输入坐标的坐标系：gcj02（默认，微信地图）或 wgs84（GPS），存储一律为 gcj02"},
    )
    host_unit = String(allow_none=True, validate=length(max=128), metadata={"description": "共建/挂靠单位名称"})
    host_type = String(allow_none=True, validate=one_of_pairs(ref.HOST_TYPES))
    build_mode = String(required=True, validate=one_of_pairs(MODE_PAIRS))
    partner_programme = String(allow_none=True, validate=one_of_pairs(PARTNER_PAIRS))
    amenities = List(String(validate=one_of_pairs(ref.AMENITIES)), load_default=list)
    amenities_other = String(allow_none=True, validate=length(max=200))
    opening_hours = Nested(OpeningHoursSchema, required=True)
    worker_groups = List(String(validate=one_of_pairs(ref.WORKER_GROUPS)), load_default=list)
    keeper_name = String(allow_none=True, validate=length(max=64))
    keeper_phone = String(allow_none=True, validate=PHONE)
    status = String(
        validate=one_of_pairs([p for p in ref.STATION_STATUSES if p[0] in EDITABLE_STATUSES]),
        metadata={"description": "planned 或 built；挂牌、撤销另有接口"},
    )
    built_date = Date(allow_none=True)

    @pre_load
    def _district_by_name(self, data, **kwargs):
        # Mapping, not dict: query strings arrive as webargs' MultiDictProxy.
        if isinstance(data, Mapping) and data.get("district") in DISTRICT_BY_NAME:
            data = {**data, "district": DISTRICT_BY_NAME[data["district"]]}
        return data


class StationIn(StationFieldsMixin, BaseSchema):
    code = String(validate=STATION_CODE, metadata={"description": "不填则按区县前缀自动生成"})


class StationPatch(StationFieldsMixin, BaseSchema):
    """Any subset of the station's fields. Only the top level is partial: a nested object
    (opening hours) replaces the stored one whole, so it must be complete; partial=True would
    reach into it and let its validators meet missing keys."""

    def __init__(self, **kwargs):
        kwargs.setdefault("partial", tuple(self._declared_fields))
        super().__init__(**kwargs)


class StationQuery(PageQuery):
    district = String(validate=one_of_pairs([(d.code, d.name) for d in ref.DISTRICTS]))
    status = String(validate=one_of_pairs(ref.STATION_STATUSES))
    host_type = String(validate=one_of_pairs(ref.HOST_TYPES))
    q = String(validate=length(max=64), metadata={"description": "按编码、名称、地址、共建单位搜索"})

    @pre_load
    def _district_by_name(self, data, **kwargs):
        return StationFieldsMixin._district_by_name(self, data)


class InspectionItemSchema(BaseSchema):
    item = String(required=True, validate=one_of_pairs(ref.SIX_HAS_ITEMS))
    passed = Boolean(required=True)
    note = String(load_default=None, allow_none=True, validate=length(max=200))


class InspectionIn(BaseSchema):
    inspected_on = Date(metadata={"description": "检查日期，默认今天"})
    items = List(Nested(InspectionItemSchema), required=True)

    @validates_schema
    def _all_six(self, data, **kwargs):
        got = [i["item"] for i in data.get("items", [])]
        if sorted(got) != sorted(ref.codes(ref.SIX_HAS_ITEMS)):
            raise ValidationError("六有检查须逐项填写，六项各一次", "items")


class InspectionOut(BaseSchema):
    id = Integer()
    inspected_on = Date()
    inspector_name = String()
    results = List(fields.Raw())
    passed = Boolean()
    failed_items = List(String())
    created_at = DateTime()


class StationOut(BaseSchema):
    code = String()
    name = String()
    district = Nested(CodeName)
    address = String()
    lat = Float()
    lng = Float()
    datum = fields.Constant(GCJ02, metadata={"description": "坐标系，恒为 gcj02"})
    host_unit = String(allow_none=True)
    host_type = String(attribute="host_type_code", allow_none=True)
    build_mode = String()
    partner_programme = String(allow_none=True)
    amenities = List(String())
    amenities_other = String(allow_none=True)
    opening_hours = Nested(OpeningHoursSchema)
    worker_groups = List(String())
    keeper_name = String(allow_none=True)
    keeper_phone = String(allow_none=True)
    status = String()
    demonstration = Boolean()
    demonstration_year = Integer(allow_none=True)
    provincial_best = Boolean()
    built_date = Date(allow_none=True)
    plaqued_date = Date(allow_none=True)
    retired_at = DateTime(allow_none=True)
    retired_reason = String(allow_none=True)
    sign_version = Integer(metadata={"description": "标牌版本，重新制作标牌后加一"})
    latest_inspection = Nested(InspectionOut, allow_none=True)
    created_at = DateTime()
    updated_at = DateTime()


StationPage = page_schema(StationOut, "StationPage")


class RetireIn(BaseSchema):
    reason = String(required=True, validate=length(1, 200))


class PlaqueIn(BaseSchema):
    plaqued_date = Date(metadata={"description": "挂牌日期，默认今天"})


class DemonstrationIn(BaseSchema):
    year = Integer(required=True, validate=between(2022, 2100), metadata={"description": "示范站点打造年度"})


class ImportQuery(BaseSchema):
    dry_run = Boolean(load_default=False, metadata={"description": "true 时只校验，不写入"})


class ImportFile(BaseSchema):
    file = FileField(required=True, metadata={"description": "CSV（UTF-8）或 XLSX 文件"})


class ImportResult(BaseSchema):
    dry_run = Boolean()
    rows = Integer()
    created = Integer()
    updated = Integer()
    unchanged = Integer()
    codes = List(String())


class TemplateQuery(BaseSchema):
    format = String(load_default="xlsx", validate=one_of(("xlsx", "csv")))
