"""Nearby stations, a station's detail and a scanned sign, as the mini-program reads them."""

from __future__ import annotations

from apiflask.fields import DelimitedList
from flask import current_app
from marshmallow import ValidationError, validates, validates_schema

from app.activities.claim_schemas import WorkerActivityOut
from app.core.schemas import (
    BaseSchema,
    Boolean,
    DateTime,
    Float,
    Integer,
    List,
    Nested,
    String,
    between,
    length,
    one_of_pairs,
    page_number,
)
from app.problems.schemas import WarningOut
from app.registry.schemas import CodeName, OpeningHoursSchema
from app.station_pages.live_status import REST_SEAT_STATES, STATION_STATES, TOILET_STATES, WATER_STATES
from app.station_pages.nearby import NEEDS

PER_PAGE_MAX = 50  # the contract: at most 50 stations a page


class NearbyQuery(BaseSchema):
    lat = Float(required=True, validate=between(-90, 90), metadata={"description": "纬度，GCJ-02（wx.getLocation type: 'gcj02'）"})
    lng = Float(required=True, validate=between(-180, 180), metadata={"description": "经度，GCJ-02"})
    radius_m = Integer(metadata={"description": "搜索半径（米），默认 3000，最大见配置 NEARBY_RADIUS_MAX_M（默认 20000）"})
    need = DelimitedList(
        String(validate=one_of_pairs(NEEDS)),
        load_default=list,
        error_messages={"invalid": "应为逗号分隔的列表"},
        metadata={"description": "需要的服务，逗号分隔，全部满足才列出：water 饮用水或热水、toilet 厕所、rest 休息座椅"},
    )
    open_now = Boolean(load_default=False, metadata={"description": "1：只列出此刻开放的站点（按开放时间，且未临时关闭）"})
    page = page_number()
    per_page = Integer(load_default=20, validate=between(1, PER_PAGE_MAX), metadata={"description": f"每页条数，最多 {PER_PAGE_MAX}"})

    @validates("radius_m")
    def _radius_within_limit(self, value, **kwargs):
        limit = current_app.config["NEARBY_RADIUS_MAX_M"]
        if not 1 <= value <= limit:
            raise ValidationError(f"应在 1 到 {limit} 米之间")


class ScanQuery(BaseSchema):
    q = String(
        validate=length(1, 1000),
        metadata={"description": "扫普通链接二维码打开小程序时收到的 q（标牌二维码地址，URL 编码一次），原样传来"},
    )
    scene = String(validate=length(1, 64), metadata={"description": "扫小程序码时收到的 scene"})

    @validates_schema
    def _one_of_q_or_scene(self, data, **kwargs):
        if ("q" in data) == ("scene" in data):
            raise ValidationError("请提供 q 或 scene 其中之一", "q")


def _state(states: tuple[str, ...], meaning: str) -> String:
    return String(metadata={"enum": list(states), "description": f"{meaning}；unknown：无人更新或已过时效"})


class PartStatusOut(BaseSchema):
    updated_at = DateTime(allow_none=True, metadata={"description": "最后一次更新的时间；从未更新为 null"})
    age_seconds = Integer(allow_none=True, metadata={"description": "距最后一次更新的秒数；从未更新为 null"})


class WaterStatusOut(PartStatusOut):
    state = _state(WATER_STATES, "饮水：available 充足、low 不多、out 没有")


class ToiletStatusOut(PartStatusOut):
    state = _state(TOILET_STATES, "厕所：open 可用、cleaning 清洁中、closed 关闭")


class RestSeatsStatusOut(PartStatusOut):
    state = _state(REST_SEAT_STATES, "休息座椅：available 有空位（见 seats_free）、full 已满")
    seats_free = Integer(allow_none=True, metadata={"description": "空余座位数；不知道时为 null"})


class StationStatusOut(PartStatusOut):
    state = _state(STATION_STATES, "站点：open 正常开放、closed_temporarily 临时关闭（到 until 为止，不受时效限制；过了 until 为 unknown）")
    reason = String(allow_none=True, metadata={"description": "临时关闭的原因；未关闭为 null"})
    until = DateTime(allow_none=True, metadata={"description": "临时关闭预计结束的时间；未关闭为 null"})


class NoteStatusOut(BaseSchema):
    text = String(allow_none=True, metadata={"description": "站点管理员的简短说明；没有、已清除或已过时效为 null"})
    updated_at = DateTime(allow_none=True, metadata={"description": "最后一次更新的时间；从未更新为 null"})
    age_seconds = Integer(allow_none=True, metadata={"description": "距最后一次更新的秒数；从未更新为 null"})


class LiveStatusOut(BaseSchema):
    water = Nested(WaterStatusOut)
    toilet = Nested(ToiletStatusOut)
    rest_seats = Nested(RestSeatsStatusOut)
    station = Nested(StationStatusOut)
    note = Nested(NoteStatusOut)


class StationSummaryOut(BaseSchema):
    code = String(metadata={"description": "站点编码"})
    name = String()
    district = Nested(CodeName)
    address = String()
    lat = Float()
    lng = Float()
    datum = String(metadata={"description": "坐标系，恒为 gcj02"})
    amenities = List(Nested(CodeName), metadata={"description": "站点提供的设施"})
    amenities_other = String(allow_none=True, metadata={"description": "其他设施（文字）"})
    opening_hours_text = String(metadata={"description": "开放时间，如 周一至周五 08:00–18:00"})
    open_now = Boolean(metadata={"description": "此刻是否开放：按开放时间（北京时间），临时关闭时为 false"})
    live_status = Nested(LiveStatusOut, metadata={"description": "站点管理员发布的实时状态"})
    warnings = List(Nested(WarningOut), metadata={"description": "户外劳动者反映、尚未整改的“锁门”“无水”问题及持续时间"})


class NearbyStationOut(StationSummaryOut):
    distance_m = Integer(metadata={"description": "与所给位置的距离（米）"})


class NearbyPageOut(BaseSchema):
    items = List(Nested(NearbyStationOut), metadata={"description": "由近到远"})
    page = Integer()
    per_page = Integer()
    total = Integer(metadata={"description": "符合条件的站点数"})
    pages = Integer()
    radius_m = Integer(metadata={"description": "实际使用的搜索半径（米）"})


class VisitsTodayOut(BaseSchema):
    date = String(metadata={"description": "今天（北京时间），YYYY-MM-DD"})
    scan = Integer(metadata={"description": "扫码签到人次"})
    manual = Integer(metadata={"description": "站点登记人次"})
    total = Integer(metadata={"description": "合计服务人次"})


class RatingSummaryOut(BaseSchema):
    average = Float(allow_none=True, metadata={"description": "平均满意度（1–5，两位小数）；尚无评价为 null"})
    count = Integer(metadata={"description": "评价数"})


class StationDetailOut(StationSummaryOut):
    host_unit = String(allow_none=True, metadata={"description": "共建/挂靠单位"})
    host_type = Nested(CodeName, allow_none=True)
    status = Nested(CodeName, metadata={"description": "站点状态：规划中、已建成、已挂牌"})
    demonstration = Boolean(metadata={"description": "示范站点"})
    provincial_best = Boolean(metadata={"description": "省级最美站点"})
    worker_groups = List(Nested(CodeName), metadata={"description": "主要服务的户外劳动者群体"})
    opening_hours = Nested(OpeningHoursSchema, metadata={"description": "开放时间（结构化，星期为 ISO：1=周一）"})
    visits_today = Nested(VisitsTodayOut)
    rating = Nested(RatingSummaryOut)
    activities = List(
        Nested(WorkerActivityOut), metadata={"description": "站点即将开始或正在进行的关爱活动（不含我的领取：见 /activities/{id}）"}
    )


class ScanInfoOut(BaseSchema):
    valid = Boolean(metadata={"description": "标牌签名有效"})
    sign_version = Integer(metadata={"description": "标牌版本"})


class ScannedStationOut(StationDetailOut):
    scan = Nested(ScanInfoOut)
