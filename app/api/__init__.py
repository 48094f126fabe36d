"""The staff API (`/api/staff/v1`) and the service endpoints."""

from __future__ import annotations

from apiflask import APIFlask

from app.api import health
from app.api.views import (
    activities,
    audit,
    auth,
    investments,
    keepers,
    privacy,
    problems,
    ratings,
    reference,
    reports_quarterly,
    reports_visits,
    signs,
    spot_checks,
    stations,
)
from app.core import error_codes

STAFF_PREFIX = "/api/staff/v1"


def register_api(app: APIFlask) -> None:
    for module in (
        auth,
        stations,
        signs,
        reference,
        audit,
        ratings,
        keepers,
        reports_visits,
        reports_quarterly,
        investments,
        activities,
        problems,
        spot_checks,
        privacy,
    ):
        app.register_blueprint(module.bp, url_prefix=STAFF_PREFIX)
    app.register_blueprint(health.bp)

    @app.spec_processor
    def _list_error_codes(spec: dict) -> dict:
        # Every code any answer may carry, with its status and default message, for programs.
        spec["info"]["x-error-codes"] = error_codes.as_document()
        return spec
