"""What workers and keepers send and read in the mini-program: activities, claims, vouchers,
hand-outs and recorded counts."""

from __future__ import annotations

from marshmallow import fields

from app.activities.reports import KIND_NAMES
from app.activities.schemas import GROUP_NAMES, ActivityStationRef
from app.adapters.qr_matrix import qr_matrix
from app.core.schemas import BaseSchema, Boolean, DateTime, Float, Integer, List, Nested, String, between, length


class NearQuery(BaseSchema):
    lat = Float(required=True, validate=between(-90, 90), metadata={"description": "纬度（GCJ-02）"})
    lng = Float(required=True, validate=between(-180, 180), metadata={"description": "经度（GCJ-02）"})
    radius_m = Integer(load_default=3000, validate=between(100, 20000), metadata={"description": "半径（米）"})


class MyClaimRef(BaseSchema):
    id = Integer()
    status = String(metadata={"description": "claimed 已领取待发放 / collected 已发放"})


class WorkerActivityOut(BaseSchema):
    id = Integer(attribute="activity.id")
    kind = String(attribute="activity.kind")
    kind_name = fields.Function(lambda u: KIND_NAMES.get(u.activity.kind), metadata={"type": "string"})
    title = String(attribute="activity.title")
    description = String(attribute="activity.description", allow_none=True)
    starts_at = DateTime(attribute="activity.starts_at")
    ends_at = DateTime(attribute="activity.ends_at")
    host_unit = String(attribute="activity.host_unit", allow_none=True)
    worker_group_names = fields.Function(
        lambda u: [GROUP_NAMES.get(g, g) for g in u.activity.worker_groups], metadata={"type": "array", "items": {"type": "string"}}
    )
    whole_district = Boolean(attribute="activity.whole_district")
    stations = fields.Function(
        lambda u: [] if u.activity.whole_district else ActivityStationRef(many=True).dump(u.activity.stations),
        metadata={"type": "array", "items": {"type": "object"}},
    )
    gift_name = String(attribute="activity.gift_name", allow_none=True)
    gift_left = Integer(attribute="activity.gift_remaining", allow_none=True, metadata={"description": "礼品剩余；无礼品为 null"})
    station_code = String(allow_none=True, metadata={"description": "最近的活动站点（附近查询）"})
    distance_m = Integer(allow_none=True)
    my_claim = Nested(MyClaimRef, attribute="claim", allow_none=True, metadata={"description": "我的领取（未领取为 null）"})


class WorkerActivityList(BaseSchema):
    items = List(Nested(WorkerActivityOut))
    reminder_template_id = String(metadata={"description": "活动提醒的订阅消息模板 ID：领取前交给 wx.requestSubscribeMessage"})


class WorkerActivityDetail(WorkerActivityOut):
    reminder_template_id = String(metadata={"description": "活动提醒的订阅消息模板 ID"})


class ClaimIn(BaseSchema):
    remind = Boolean(load_default=False, metadata={"description": "用户已在 wx.requestSubscribeMessage 中同意活动提醒（一次性订阅）"})


class ClaimOut(BaseSchema):
    id = Integer()
    activity_id = Integer()
    activity_title = String(attribute="activity.title")
    starts_at = DateTime(attribute="activity.starts_at")
    ends_at = DateTime(attribute="activity.ends_at")
    gift_name = String(attribute="activity.gift_name")
    voucher = String(metadata={"description": "券码：以二维码出示，站点管理员扫码或输入后发放"})
    status = String(metadata={"description": "claimed / collected / cancelled"})
    claimed_at = DateTime()
    collected_at = DateTime(allow_none=True)
    collected_station = String(attribute="collected_station.name", allow_none=True)
    reminder = fields.Function(lambda c: c.reminder_id is not None, metadata={"type": "boolean", "description": "是否预约了开始前提醒"})
    voucher_qr = fields.Function(
        lambda c: ["".join("1" if dark else "0" for dark in row) for row in qr_matrix(c.voucher, level="M", border=2)],
        metadata={"type": "array", "items": {"type": "string"}, "description": "券码二维码：每行一串 0/1（1 为深色），小程序逐格绘制"},
    )


class ClaimList(BaseSchema):
    items = List(Nested(ClaimOut))


class HandOutIn(BaseSchema):
    voucher = String(required=True, validate=length(min=1, max=64), metadata={"description": "扫码所得或手工输入的券码"})


class HandOutOut(BaseSchema):
    id = Integer()
    voucher = String()
    status = String()
    activity_title = String(attribute="activity.title")
    gift_name = String(attribute="activity.gift_name")
    collected_at = DateTime()


class CountIn(BaseSchema):
    count = Integer(required=True, strict=True, metadata={"description": "人数，1 到 ACTIVITY_COUNT_MAX（默认 500）"})
    note = String(load_default=None, allow_none=True, validate=length(max=100))


class CountCorrectionIn(BaseSchema):
    count = Integer(required=True, strict=True, metadata={"description": "更正后的人数（该登记的正确总数），0 到上限"})
    note = String(load_default=None, allow_none=True, validate=length(max=100))


class CountCorrectionOut(BaseSchema):
    id = Integer()
    change = Integer(attribute="headcount")
    note = String(allow_none=True)


class CountEntryOut(BaseSchema):
    id = Integer(attribute="entry.id")
    count = Integer(attribute="entry.headcount")
    effective_count = Integer()
    note = String(attribute="entry.note", allow_none=True)
    recorded_at = DateTime(attribute="entry.recorded_at")
    corrections = List(Nested(CountCorrectionOut))


class CountList(BaseSchema):
    items = List(Nested(CountEntryOut))


class KeeperActivityOut(BaseSchema):
    """An activity at the keeper's station with what happened there, and the station's visits
    over the activity's days beside it — never added together (taking part is not a visit)."""

    id = Integer(attribute="activity.id")
    kind_name = fields.Function(lambda k: KIND_NAMES.get(k.activity.kind), metadata={"type": "string"})
    title = String(attribute="activity.title")
    starts_at = DateTime(attribute="activity.starts_at")
    ends_at = DateTime(attribute="activity.ends_at")
    status = String(attribute="activity.status")
    gift_name = String(attribute="activity.gift_name", allow_none=True)
    gift_left = Integer(attribute="activity.gift_remaining", allow_none=True)
    collected = Integer(attribute="figures.collected", metadata={"description": "本站凭券发放"})
    recorded = Integer(attribute="figures.recorded", metadata={"description": "本站现场登记人数"})
    people_reached = Integer(attribute="figures.people_reached")
    visits = Integer(metadata={"description": "活动期间本站的服务人次（扫码+登记），与活动人数分开计"})


class KeeperActivityList(BaseSchema):
    items = List(Nested(KeeperActivityOut))
