"""Staff reports under /api/staff/v1/reports (placeholder: filled by the reports work)."""

from __future__ import annotations

from apiflask import APIBlueprint

bp = APIBlueprint("reports_quarterly", __name__, url_prefix="/reports")
