from __future__ import annotations

from apiflask import APIBlueprint

from app.core.schemas import BaseSchema, String

bp = APIBlueprint("mp_ping", __name__, tag={"name": "Mini-program", "description": "小程序接口"})


class PingOut(BaseSchema):
    status = String()


@bp.get("/ping")
@bp.output(PingOut)
@bp.doc(summary="小程序接口是否可用")
def ping():
    return {"status": "ok"}
