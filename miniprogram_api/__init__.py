"""The blueprint the WeChat mini-program talks to (workers and keepers), under /api/mp/v1.

Thin by design: it parses, authorises and calls services in `app.services`, never does their
work. Worker and keeper routes arrive with their issues; until then it only answers a ping."""

from __future__ import annotations

from apiflask import APIBlueprint

from app.schemas.base import BaseSchema, String

bp = APIBlueprint("miniprogram", __name__, url_prefix="/api/mp/v1", tag={"name": "Mini-program", "description": "小程序接口"})


class PingOut(BaseSchema):
    status = String()


@bp.get("/ping")
@bp.output(PingOut)
@bp.doc(summary="小程序接口是否可用")
def ping():
    return {"status": "ok"}
