"""Keepers: binding codes and bindings (staff and mini-program), live status as a keeper posts
it, and its history for staff. Rules against the clock (a closure's end) are the service's."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validates_schema

from app.core import clock
from app.core.schemas import BaseSchema, DateTime, Dict, Integer, Nested, String, length, one_of_pairs, page_schema
from app.reference import data as ref
from app.station_pages.live_status import CLOSED_TEMPORARILY
from app.station_pages.nearby_schemas import StationSummaryOut

GROUP_NAMES = ref.names(ref.WORKER_GROUPS)
NOTE_MAX = 100
REASON_MAX = 100  # StationStatus.closure_reason
SEATS_MAX = 999
WATER = (("available", "充足"), ("low", "不多"), ("out", "没有"))
TOILET = (("open", "可用"), ("cleaning", "清洁中"), ("closed", "关闭"))
STATION = (("open", "正常开放"), (CLOSED_TEMPORARILY, "临时关闭"))
NULLABLE_OBJECT = {"type": ["object", "null"]}


def _group(worker) -> dict | None:
    code = worker.worker_group
    return {"code": code, "name": GROUP_NAMES.get(code, code)} if code else None


# Binding ----------------------------------------------------------------------------------------


class KeeperCodeOut(BaseSchema):
    id = Integer(metadata={"description": "绑定码记录 id（作废未使用的绑定码时用）"})
    code = String(metadata={"description": "绑定码，8 位（不含 0、O、1、I、L），只显示这一次；请交给站点管理员在小程序中输入"})
    expires_at = DateTime(metadata={"description": "过期时间（默认签发后 72 小时，KEEPER_CODE_TTL_HOURS）"})
    station = String(attribute="station_code", metadata={"description": "站点编码"})


class KeeperCodeStateOut(BaseSchema):
    """A binding code as staff see it afterwards: its state, never the code."""

    id = Integer()
    issued_at = DateTime()
    expires_at = DateTime()
    state = fields.Function(
        lambda row: _code_state(row),
        metadata={"description": "pending 可用 / used 已使用 / revoked 已作废 / expired 已过期", "type": "string"},
    )
    used_at = DateTime(allow_none=True)
    revoked_at = DateTime(allow_none=True)


def _code_state(row) -> str:
    from app.keepers.codes import code_state

    return code_state(row)


class KeeperOut(BaseSchema):
    """A binding as staff see it: who by worker id and group, never their openid."""

    id = Integer(metadata={"description": "管理员绑定记录 id（解除绑定时用）"})
    worker_id = Integer(metadata={"description": "小程序用户 id"})
    worker_group = fields.Function(lambda k: _group(k.worker), metadata={"description": "用户自报的群体；未填为 null", **NULLABLE_OBJECT})
    active = fields.Boolean(metadata={"description": "是否仍是管理员"})
    bound_at = DateTime()
    revoked_at = DateTime(allow_none=True)
    revoked_by = Integer(allow_none=True, metadata={"description": "解除绑定的员工账号 id"})


class BindIn(BaseSchema):
    code = String(
        required=True,
        validate=length(1, 32),
        metadata={"description": "区县工会给的 8 位绑定码；不分大小写，可含空格或短横线"},
    )


class BoundStationOut(BaseSchema):
    code = String()
    name = String()
    district = fields.Function(lambda s: {"code": s.district_code, "name": s.district.name}, metadata={"type": "object"})
    address = String()


class BindOut(BaseSchema):
    keeper_id = Integer(attribute="id", metadata={"description": "绑定记录 id"})
    bound_at = DateTime()
    station = Nested(BoundStationOut)


class KeptStationOut(BaseSchema):
    keeper_id = Integer(metadata={"description": "绑定记录 id"})
    bound_at = DateTime()
    station = Nested(StationSummaryOut, metadata={"description": "站点，与户外劳动者看到的相同（含实时状态与此刻是否开放）"})


class KeptStationsOut(BaseSchema):
    items = fields.List(Nested(KeptStationOut))


# Live status as a keeper posts it ---------------------------------------------------------------


class RestSeats(fields.Field):
    """A number of free seats (0 is full), or "full"."""

    default_error_messages = {
        "required": "此项必填",
        "null": "不能为空",
        "invalid": f"应为空余座位数（0 到 {SEATS_MAX} 的整数）或 full（已满）",
    }

    def _deserialize(self, value, attr, data, **kwargs):
        if value == "full":
            return value
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= SEATS_MAX:
            raise self.make_error("invalid")
        return value


class LocalDateTime(fields.AwareDateTime):
    """A time as keepers give it: without an offset it is Beijing time."""

    default_error_messages = {**DateTime.default_error_messages, "invalid_awareness": "时间格式有误"}

    def __init__(self, **kwargs):
        super().__init__(default_timezone=clock.CHINA_TZ, **kwargs)


class StationStateIn(BaseSchema):
    state = String(required=True, validate=one_of_pairs(STATION))
    reason = String(
        load_default=None, allow_none=True, validate=length(max=REASON_MAX), metadata={"description": "临时关闭的原因（关闭时必填）"}
    )
    until = LocalDateTime(
        load_default=None,
        allow_none=True,
        metadata={"description": "预计恢复开放的时间（关闭时必填，现在之后 7 天以内；不带时区按北京时间）"},
    )

    @validates_schema
    def _closing_says_why_and_until_when(self, data, **kwargs):
        closing = data.get("state") == CLOSED_TEMPORARILY
        errors = {}
        for name in ("reason", "until"):
            if closing and data.get(name) is None:
                errors[name] = ["临时关闭时必填"]
            elif not closing and data.get(name) is not None:
                errors[name] = ["正常开放时不填"]
        if errors:
            raise ValidationError(errors)


class StatusIn(BaseSchema):
    """Any of the parts; those left out keep what they were."""

    water = String(validate=one_of_pairs(WATER), metadata={"description": "饮水"})
    toilet = String(validate=one_of_pairs(TOILET), metadata={"description": "厕所"})
    rest_seats = RestSeats(
        metadata={
            "description": f"休息座椅：空余座位数（0–{SEATS_MAX}，0 即已满）或 full",
            "oneOf": [{"type": "integer", "minimum": 0, "maximum": SEATS_MAX}, {"type": "string", "enum": ["full"]}],
        }
    )
    station = Nested(StationStateIn, metadata={"description": "站点本身：正常开放，或临时关闭（须说明原因和预计恢复时间）"})
    note = String(
        allow_none=True,
        validate=length(max=NOTE_MAX),
        metadata={"description": f"给户外劳动者的简短说明，最多 {NOTE_MAX} 字；null 或空字符串清除"},
    )

    @validates_schema
    def _something(self, data, **kwargs):
        if not data:
            raise ValidationError("请至少提交一项状态", "_schema")


class PostedStationOut(StationSummaryOut):
    """The station as workers see it the moment the post is in."""


# History, for staff -----------------------------------------------------------------------------


class KeeperRefOut(BaseSchema):
    id = Integer(metadata={"description": "管理员绑定记录 id（见站点的管理员列表）"})
    worker_id = Integer()
    worker_group = fields.Function(lambda k: _group(k.worker), metadata=NULLABLE_OBJECT)


class StatusUpdateOut(BaseSchema):
    id = Integer()
    posted_at = DateTime()
    keeper = Nested(KeeperRefOut)
    changes = Dict(
        metadata={
            "description": "这次提交的内容（只含提交的项）：water、toilet、rest_seats（座位数或 full）、"
            "station（state、reason、until）、note（null 为清除）"
        }
    )


StatusUpdatePage = page_schema(StatusUpdateOut, "StatusUpdatePage")
