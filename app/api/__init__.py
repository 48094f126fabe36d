"""The staff API (`/api/staff/v1`) and the service endpoints."""

from __future__ import annotations

from apiflask import APIFlask

from app.api import health
from app.api.views import (
    audit,
    auth,
    investments,
    keepers,
    ratings,
    reference,
    reports_quarterly,
    reports_visits,
    signs,
    stations,
)

STAFF_PREFIX = "/api/staff/v1"


def register_api(app: APIFlask) -> None:
    for module in (auth, stations, signs, reference, audit, ratings, keepers, reports_visits, reports_quarterly, investments):
        app.register_blueprint(module.bp, url_prefix=STAFF_PREFIX)
    app.register_blueprint(health.bp)
