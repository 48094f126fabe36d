from __future__ import annotations

from marshmallow import validate

from app.core.geo import DATUMS, GCJ02
from app.core.schemas import (
    BaseSchema,
    Boolean,
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
    page_schema,
)
from app.registry.schemas import CodeName
from app.visits.checkins import SERVICES


class LocationIn(BaseSchema):
    lat = Float(required=True, validate=between(-90, 90))
    lng = Float(required=True, validate=between(-180, 180))
    datum = String(load_default=GCJ02, validate=one_of(DATUMS), metadata={"description": "默认 gcj02（wx.getLocation type: gcj02）"})


class CheckInIn(BaseSchema):
    scan = String(
        required=True,
        validate=length(1, 600),
        metadata={"description": "扫到的内容：标牌二维码地址（或小程序收到的 q，URL 编码一次），或小程序码的 scene"},
    )
    services = List(
        String(validate=one_of(SERVICES)),
        load_default=list,
        validate=validate.Length(max=len(SERVICES), error="服务项目过多"),
        metadata={"description": "本次使用的服务"},
    )
    location = Nested(LocationIn, load_default=None, allow_none=True, metadata={"description": "可选；超出地理围栏会被拒绝"})


class IdempotencyHeader(BaseSchema):
    class Meta:
        unknown = "exclude"  # every other request header

    idempotency_key = String(
        data_key="Idempotency-Key",
        validate=validate.Regexp(r"^[\x21-\x7e]{1,128}$", error="Idempotency-Key 应为 1–128 个可见 ASCII 字符"),
        metadata={"description": "同一个键重放时返回同一结果"},
    )


class CheckInOut(BaseSchema):
    id = Integer()
    station = Nested(CodeName)
    source = String(metadata={"description": "scan 扫码 / manual 站点登记"})
    checked_in_at = DateTime()
    services = List(String())
    located = Boolean(metadata={"description": "是否带有位置"})
    distance_m = Float(allow_none=True)


class CheckInResultOut(CheckInOut):
    deduplicated = Boolean(metadata={"description": "true：去重窗口内的同一次服务，返回的是已有签到（HTTP 200）"})


class CheckInQuery(PageQuery):
    pass


CheckInPage = page_schema(CheckInOut, "CheckInPage")
