from __future__ import annotations

from apiflask import APIBlueprint

from app.core import health as health_service
from app.core.schemas import BaseSchema, Boolean, Nested, String

bp = APIBlueprint("health", __name__, tag="Health")


class ComponentOut(BaseSchema):
    ok = Boolean()
    configured = Boolean()


class HealthOut(BaseSchema):
    status = String(metadata={"description": "ok / degraded（Redis 不可用，已退回进程内实现）/ down"})
    database = Nested(ComponentOut)
    redis = Nested(ComponentOut)


@bp.get("/healthz")
@bp.output(HealthOut)
@bp.doc(summary="数据库与 Redis 是否可用", responses={503: "数据库不可用"})
def healthz():
    report = health_service.check()
    return report, 200 if report["database"]["ok"] else 503
