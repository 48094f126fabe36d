from __future__ import annotations

from app.core.schemas import BaseSchema, Boolean, CodeName, DateTime, Integer, Nested, Secret, String, length


class LoginIn(BaseSchema):
    username = String(required=True, validate=length(1, 64))
    password = Secret(required=True, validate=length(1, 128), load_only=True)


class StaffOut(BaseSchema):
    id = Integer()
    username = String()
    display_name = String()
    role = String(metadata={"description": "city 市总工会 / district 县市区总工会"})
    district = Nested(CodeName, allow_none=True)
    phone = String(allow_none=True)
    active = Boolean()


class TokenOut(BaseSchema):
    token = String()
    token_type = String()
    expires_at = DateTime()
    staff = Nested(StaffOut)
