"""The staff console: server-rendered pages (Flask + Jinja2, in Chinese) for district and city
union staff, under /console. It calls the same services as the staff API; each view parses the
form (with the API's marshmallow schemas), authorises (the signed-in staff member; scope is the
services'), calls one service and renders. Domain errors show as messages next to the fields or
as flash messages."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint(
    "console",
    __name__,
    url_prefix="/console",
    static_folder="../static/console",
    static_url_path="/static",
)
# Not part of the API's OpenAPI document; APIFlask reads this flag on every blueprint with
# before_request functions (a plain Blueprint lacks it).
bp.enable_openapi = False


def register_console(app: Flask) -> None:
    # The views attach themselves to bp when imported.
    from app.console import (  # noqa: F401
        activities,
        assets,
        audit,
        auth,
        common,
        dashboard,
        imports,
        problems,
        reports,
        station_actions,
        stations,
    )

    app.register_blueprint(bp)
