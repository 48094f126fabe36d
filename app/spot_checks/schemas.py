from __future__ import annotations

from marshmallow import ValidationError, validates

from app.core.schemas import BaseSchema, Boolean, DateTime, Integer, List, Nested, String, length, one_of, one_of_pairs
from app.reference import data as ref

VERDICTS = (("pass", "合格"), ("fail", "不合格"))


class SixHasResultIn(BaseSchema):
    item = String(required=True, validate=one_of_pairs(ref.SIX_HAS_ITEMS))
    passed = Boolean(required=True)


class SpotCheckIn(BaseSchema):
    open_as_posted = Boolean(required=True, metadata={"description": "是否按公示时间开放"})
    six_has = List(Nested(SixHasResultIn), required=True, metadata={"description": "“六有”逐项结果（六项各一条）"})
    supplies_in_date = Boolean(required=True, metadata={"description": "物资（药品等）是否都在有效期内"})
    clean = Boolean(required=True, metadata={"description": "卫生是否整洁"})
    verdict = String(required=True, validate=one_of_pairs(VERDICTS), metadata={"description": "结论：pass 合格 / fail 不合格"})
    note = String(load_default=None, allow_none=True, validate=length(max=500))

    @validates("six_has")
    def _every_item_once(self, value, **kwargs):
        items = sorted(i["item"] for i in value)
        if items != sorted(ref.codes(ref.SIX_HAS_ITEMS)):
            raise ValidationError("“六有”六项须各填一次")


class SixHasResultOut(BaseSchema):
    item = String()
    passed = Boolean()


class SpotCheckOut(BaseSchema):
    id = Integer()
    station_code = String(attribute="station.code")
    checked_at = DateTime()
    open_as_posted = Boolean()
    six_has = List(Nested(SixHasResultOut))
    supplies_in_date = Boolean()
    clean = Boolean()
    verdict = String(validate=one_of(("pass", "fail")))
    note = String(allow_none=True)
    photos = Integer(attribute="photo_count", metadata={"description": "照片张数"})


class FlagOut(BaseSchema):
    code = String()
    name = String()
    district_code = String()
    fails = Integer(metadata={"description": "期内暗访不合格次数"})
    last_failed_at = DateTime()
    plaqued = Boolean()
    demonstration = Boolean()
