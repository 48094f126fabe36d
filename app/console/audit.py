"""The audit log: who changed what, newest first; district staff see their district's part."""

from __future__ import annotations

from flask import flash, render_template, request
from marshmallow import ValidationError

from app.accounts import audit as audit_service
from app.accounts.audit_schemas import AuditQuery
from app.console import bp
from app.console.common import actor, field_errors

FILTERS = ("entity_id", "action")


@bp.get("/audit")
def audit_log():
    raw = {k: v.strip() for k, v in request.args.items() if k in (*FILTERS, "page") and v.strip()}
    if "entity_id" in raw:
        raw["entity_id"] = raw["entity_id"].upper()
    try:
        query = AuditQuery().load(raw)
    except ValidationError as exc:
        flash("；".join(m for ms in field_errors(exc.messages).values() for m in ms), "warning")
        query = AuditQuery().load({k: v for k, v in raw.items() if k not in exc.messages})
    page = audit_service.list_entries(actor(), **query)
    return render_template("console/audit.html", page=page, args={k: request.args.get(k, "") for k in FILTERS})
