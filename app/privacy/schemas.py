from __future__ import annotations

from marshmallow import fields

from app.core.schemas import BaseSchema, Boolean, DateTime, Dict, Integer, List, Nested, PageQuery, String, one_of, page_schema
from app.privacy.consents import FEATURE_NAMES
from app.privacy.models import FEATURES


class NoticeSection(BaseSchema):
    heading = String()
    text = String()


class FeatureOut(BaseSchema):
    code = String(metadata={"description": "location 位置；photos 照片（拍照、相册）"})
    name = String()


class NoticeOut(BaseSchema):
    version = Integer(metadata={"description": "版本号；新版本发布后须重新同意"})
    title = String()
    sections = List(Nested(NoticeSection))
    published_at = DateTime()
    features = List(Nested(FeatureOut), dump_default=[{"code": f, "name": FEATURE_NAMES[f]} for f in FEATURES])


class ConsentIn(BaseSchema):
    notice_version = Integer(required=True, metadata={"description": "用户阅读的指引版本（须为最新版本）"})
    features = List(
        String(validate=one_of(FEATURES)), required=True, metadata={"description": "同意的授权项；未列出的视为不同意（已同意的撤回）"}
    )


class ConsentOut(BaseSchema):
    notice_version = Integer(metadata={"description": "最新指引的版本"})
    needs_consent = Boolean(metadata={"description": "是否需要（重新）阅读并答复最新指引"})
    granted = Dict(keys=String(), values=DateTime(allow_none=True), metadata={"description": "授权项 → 同意时间（null：未同意）"})


class MyDataOut(BaseSchema):
    exported_at = DateTime()
    data = fields.Raw(
        metadata={"description": "本系统保存的关于您的全部信息，按类别：identity 身份、visits 签到、ratings 评价、consents 授权……"}
    )


class AccountClosedOut(BaseSchema):
    closed = Boolean()


class RetentionRunOut(BaseSchema):
    id = Integer()
    started_at = DateTime()
    finished_at = DateTime()
    removed = Dict(keys=String(), values=Integer(), metadata={"description": "类别 → 删除或匿名化的记录数"})


RetentionQuery = PageQuery
RetentionPage = page_schema(RetentionRunOut, "RetentionRunPage")
