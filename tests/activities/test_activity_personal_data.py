"""A worker's claims in the personal-data registry: exported, and erased by unlinking the worker
— the claims still count, so the report is the same before and after."""

from __future__ import annotations

from app.core import personal_data
from app.extensions import db
from tests.activities.helpers import STAFF, claim, create_activity, new_worker
from tests.factories import StationFactory


def test_claims_are_exported_and_erased_without_changing_the_report(client, fc_api, worker, worker_api, app_ctx):
    station = StationFactory()
    activity = create_activity(fc_api, [station.code])
    assert claim(worker_api, activity["id"]).status_code == 201
    assert claim(new_worker(client), activity["id"]).status_code == 201
    year = activity["starts_at"][:4]
    before = fc_api.get(f"{STAFF}/reports/activities", query_string={"year": year}).get_json()["total"]

    exported = personal_data.export_all(worker.id)["activity_claims"]
    assert [(c["activity"], c["status"]) for c in exported] == [("送清凉进站点", "claimed")]
    assert personal_data.erase_all(worker.id)["activity_claims"] == 1
    db.session.commit()

    assert personal_data.export_all(worker.id)["activity_claims"] == []
    after = fc_api.get(f"{STAFF}/reports/activities", query_string={"year": year}).get_json()["total"]
    assert after == before and after["claimed"] == 2
