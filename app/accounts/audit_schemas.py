from __future__ import annotations

from marshmallow import fields

from app.core.schemas import BaseSchema, DateTime, Integer, PageQuery, String, page_schema


class AuditQuery(PageQuery):
    entity_type = String()
    entity_id = String()
    action = String()
    since = DateTime()


class AuditEntryOut(BaseSchema):
    id = Integer()
    occurred_at = DateTime()
    actor = String(attribute="actor_label")
    action = String()
    entity_type = String()
    entity_id = String()
    district_code = String(allow_none=True)
    before = fields.Raw(allow_none=True)
    after = fields.Raw(allow_none=True)
    remote_addr = String(allow_none=True)


AuditPage = page_schema(AuditEntryOut, "AuditPage")
