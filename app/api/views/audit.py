from __future__ import annotations

from apiflask import APIBlueprint

from app.accounts import audit as audit_service
from app.accounts.audit_schemas import AuditPage, AuditQuery
from app.api.auth import current_actor, staff_auth

bp = APIBlueprint("audit", __name__, tag={"name": "Audit", "description": "操作日志"})


@bp.get("/audit-log")
@bp.auth_required(staff_auth)
@bp.input(AuditQuery, location="query", arg_name="query")
@bp.output(AuditPage)
@bp.doc(summary="操作日志（区县工会只看本区县）")
def list_audit_log(query):
    return audit_service.list_entries(current_actor(), **query)
