from __future__ import annotations

from app.core.schemas import BaseSchema, DateTime, Integer, Nested, String, length, one_of_pairs
from app.reference import data as ref


class SessionIn(BaseSchema):
    code = String(required=True, validate=length(1, 128), metadata={"description": "wx.login() 得到的 code"})


class WorkerOut(BaseSchema):
    id = Integer()
    worker_group = String(allow_none=True, metadata={"description": "所属群体，可不填"})
    created_at = DateTime()


class SessionOut(BaseSchema):
    token = String()
    token_type = String()
    expires_at = DateTime()
    worker = Nested(WorkerOut)


class WorkerGroupIn(BaseSchema):
    worker_group = String(
        required=True, allow_none=True, validate=one_of_pairs(ref.WORKER_GROUPS), metadata={"description": "null 表示不说明"}
    )
