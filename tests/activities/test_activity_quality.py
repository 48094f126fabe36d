"""The quality evaluation's activities component: activities a station held in the period (its
own and its district's whole-district ones) over QUALITY_ACTIVITIES_FULL, at most 100; a
cancelled one does not count, nor does one outside the period."""

from __future__ import annotations

from datetime import timedelta

from tests.activities.helpers import STAFF, create_activity
from tests.factories import StationFactory


def test_activities_component(fc_api, app_ctx):
    busy, quiet = StationFactory(), StationFactory()
    create_activity(fc_api, [busy.code], starts_in=timedelta(days=-2), gift=None)
    create_activity(fc_api, [], whole_district=True, starts_in=timedelta(days=-3), gift=None)
    cancelled = create_activity(fc_api, [quiet.code], starts_in=timedelta(days=-1), gift=None)
    fc_api.post(f"{STAFF}/activities/{cancelled['id']}/cancel", json={"reason": "下雨"})
    create_activity(fc_api, [quiet.code], starts_in=timedelta(days=-60), gift=None)  # before the 30 days

    rows = {r["code"]: r for r in fc_api.get(f"{STAFF}/reports/quality").get_json()["stations"]}
    assert (rows[busy.code]["details"]["activities"], rows[busy.code]["components"]["activities"]) == (2, 100.0)
    assert (rows[quiet.code]["details"]["activities"], rows[quiet.code]["components"]["activities"]) == (1, 50.0)
