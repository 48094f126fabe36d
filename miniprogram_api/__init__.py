"""The API the WeChat mini-program talks to (workers and keepers), under /api/mp/v1.

Thin by design: each view parses, authorises and calls a service in an area package (`app.<area>`), never does
its work. One blueprint per area, all registered under the same prefix."""

from __future__ import annotations

from apiflask import APIFlask

MP_PREFIX = "/api/mp/v1"


def register_miniprogram_api(app: APIFlask) -> None:
    from miniprogram_api.views import (
        activities,
        checkins,
        keeper,
        keeper_activities,
        keeper_summary,
        ping,
        privacy,
        problems,
        ratings,
        session,
        stations,
        supplies,
        walkins,
    )

    modules = (ping, session, stations, checkins, ratings, keeper, walkins, keeper_summary, activities, keeper_activities)
    for module in (*modules, problems, supplies, privacy):
        app.register_blueprint(module.bp, url_prefix=MP_PREFIX)
