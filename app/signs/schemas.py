from __future__ import annotations

from marshmallow import pre_load

from app.core.schemas import BaseSchema, Integer, String, one_of_pairs
from app.reference import data as ref
from app.registry.schemas import DISTRICT_BY_NAME


class SignOut(BaseSchema):
    code = String()
    sign_version = Integer(metadata={"description": "标牌版本；重新制作后旧标牌的二维码失效"})
    url = String(metadata={"description": "标牌二维码中的签名地址"})
    scene = String(metadata={"description": "小程序码的 scene（≤ 32 字符）"})


class BatchQuery(BaseSchema):
    district = String(
        validate=one_of_pairs([(d.code, d.name) for d in ref.DISTRICTS]),
        metadata={"description": "区县编码或名称；不填则为可见的全部区县"},
    )

    @pre_load
    def _district_by_name(self, data, **kwargs):
        if data.get("district") in DISTRICT_BY_NAME:
            data = {**data, "district": DISTRICT_BY_NAME[data["district"]]}
        return data
