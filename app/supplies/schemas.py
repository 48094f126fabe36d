from __future__ import annotations

from app.core.schemas import BaseSchema, Boolean, Date, Integer, String, between, length

REMIND = "用户刚在 wx.requestSubscribeMessage 中同意了 supply_expiry 模板：到期前按设置的天数提醒一次"


class SupplyIn(BaseSchema):
    name = String(required=True, validate=length(min=1, max=50), metadata={"description": "物资名称，如 急救包、藿香正气水"})
    quantity = Integer(load_default=1, validate=between(1, 9999))
    expires_on = Date(load_default=None, allow_none=True, metadata={"description": "有效期至（北京时间日期）；无有效期为 null"})
    remind = Boolean(load_default=False, metadata={"description": REMIND})


class SupplyPatch(BaseSchema):
    name = String(validate=length(min=1, max=50))
    quantity = Integer(validate=between(1, 9999))
    expires_on = Date(allow_none=True)
    remind = Boolean(metadata={"description": REMIND})


class SupplyOut(BaseSchema):
    id = Integer()
    station_code = String()
    name = String()
    quantity = Integer()
    expires_on = Date(allow_none=True)
    remind = Boolean(metadata={"description": REMIND})
    state = String(metadata={"description": "ok 有效 / expiring 即将过期 / expired 已过期 / no_expiry 无有效期"})
    days_left = Integer(allow_none=True, metadata={"description": "距过期的天数（已过期为负）"})
