"""The whole loop over HTTP: a yearly plan, a care month, an activity with a gift at a station;
workers claim (one each, never beyond the stock), see their voucher, cancel; a keeper hands out
(once, only at a station of the activity, only during it) and records people without phones;
the report, the campaign summary and the plan's progress equal figures computed here. Taking
part is not a visit: the visit counts stay as they were."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import time_machine

from app.core import clock
from tests.activities.helpers import MP, STAFF, claim, create_activity, keeper_api, new_worker
from tests.factories import StationFactory

ALWAYS = {"always_open": True, "weekly": []}


def _error(answer) -> str:
    return answer.get_json()["error"]["code"]


def test_plan_activity_claims_hand_out_and_reports(client, fc_api, yx_api, app_ctx):
    here = StationFactory(opening_hours=ALWAYS)
    there = StationFactory(opening_hours=ALWAYS)  # same district, not at the activity
    start = clock.now() + timedelta(hours=3)
    year, quarter = clock.quarter_of(clock.china_date(start))

    plan = fc_api.put(f"{STAFF}/activity-plans/FC/{year}", json={"targets": [{"quarter": quarter, "kind": "cooling", "target": 2}]})
    assert plan.status_code == 200, plan.get_json()
    month = fc_api.post(
        f"{STAFF}/activity-campaigns",
        json={
            "theme": "环卫工人站点关爱服务月",
            "starts_on": str(clock.china_date(start) - timedelta(days=1)),
            "ends_on": str(clock.china_date(start) + timedelta(days=20)),
            "worker_groups": ["sanitation"],
        },
    )
    assert month.status_code == 201, month.get_json()
    campaign_id = month.get_json()["id"]
    again = fc_api.post(
        f"{STAFF}/activity-campaigns",
        json={"theme": "再来一个", "starts_on": str(clock.china_date(start)), "ends_on": str(clock.china_date(start))},
    )
    assert (again.status_code, _error(again)) == (409, "campaign_exists")

    activity = create_activity(fc_api, [here.code], campaign_id=campaign_id, gift={"name": "清凉包", "stock": 3})
    aid = activity["id"]
    assert activity["gift"] == {"name": "清凉包", "stock": 3, "left": 3}
    assert activity["budget"]["total"] == "2.50"
    # Another district's staff cannot see it, let alone change it.
    assert _error(yx_api.get(f"{STAFF}/activities/{aid}")) == "activity_not_found"
    assert _error(yx_api.post(f"{STAFF}/activities/{aid}/cancel", json={"reason": "x"})) == "activity_not_found"

    workers = [new_worker(client) for _ in range(4)]
    claims = [claim(w, aid) for w in workers]
    assert [c.status_code for c in claims] == [201, 201, 201, 409]
    assert _error(claims[3]) == "gift_out_of_stock"
    twice = claim(workers[0], aid)
    assert (twice.status_code, _error(twice)) == (409, "already_claimed")
    vouchers = [c.get_json()["voucher"] for c in claims[:3]]

    # The worker sees it at the station and nearby, with their claim; others' claims are not theirs.
    seen = workers[0].get(f"{MP}/stations/{here.code}/activities").get_json()["items"]
    assert [(a["id"], a["my_claim"]["status"], a["gift_left"]) for a in seen] == [(aid, "claimed", 0)]
    near = workers[3].get(f"{MP}/activities/nearby", query_string={"lat": here.lat, "lng": here.lng}).get_json()["items"]
    assert near[0]["id"] == aid and near[0]["my_claim"] is None and near[0]["station_code"] == here.code
    mine = claims[0].get_json()["id"]
    assert _error(workers[1].get(f"{MP}/me/claims/{mine}")) == "claim_not_found"
    assert _error(workers[1].post(f"{MP}/me/claims/{mine}/cancel")) == "claim_not_found"

    # Cancelling gives the gift back; the fourth worker now gets it.
    assert workers[2].post(f"{MP}/me/claims/{claims[2].get_json()['id']}/cancel").get_json()["status"] == "cancelled"
    fourth = claim(workers[3], aid)
    assert fourth.status_code == 201
    vouchers[2] = fourth.get_json()["voucher"]

    keeper = keeper_api(client, here)
    stranger = keeper_api(client, there)
    early = keeper.post(f"{MP}/keeper/stations/{here.code}/handouts", json={"voucher": vouchers[0]})
    assert (early.status_code, _error(early)) == (409, "activity_not_started")

    with time_machine.travel(start + timedelta(hours=1), tick=True):
        given = keeper.post(f"{MP}/keeper/stations/{here.code}/handouts", json={"voucher": vouchers[0].lower()})
        assert given.status_code == 201, given.get_json()
        assert given.get_json()["status"] == "collected"
        second = keeper.post(f"{MP}/keeper/stations/{here.code}/handouts", json={"voucher": vouchers[0]})
        assert (second.status_code, _error(second)) == (409, "claim_already_collected")
        elsewhere = stranger.post(f"{MP}/keeper/stations/{there.code}/handouts", json={"voucher": vouchers[1]})
        assert (elsewhere.status_code, _error(elsewhere)) == (403, "voucher_wrong_station")
        wrong_door = stranger.post(f"{MP}/keeper/stations/{here.code}/handouts", json={"voucher": vouchers[1]})
        assert _error(wrong_door) == "station_not_found"
        assert _error(keeper.post(f"{MP}/keeper/stations/{here.code}/handouts", json={"voucher": "NOSUCH2345"})) == "voucher_not_found"
        assert keeper.post(f"{MP}/keeper/stations/{here.code}/handouts", json={"voucher": vouchers[2]}).status_code == 201
        assert _error(workers[0].post(f"{MP}/me/claims/{claims[0].get_json()['id']}/cancel")) == "claim_already_collected"

    # An activity without a gift, to record people without phones (no stock involved).
    talk = create_activity(fc_api, [here.code], kind="health", title="健康讲座", gift=None, budget={"union": "0.30"})
    with time_machine.travel(start + timedelta(hours=2), tick=True):
        entry = keeper.post(f"{MP}/keeper/stations/{here.code}/activities/{talk['id']}/counts", json={"count": 12})
        assert entry.status_code == 201, entry.get_json()
        fixed = keeper.post(
            f"{MP}/keeper/stations/{here.code}/activities/{talk['id']}/counts/{entry.get_json()['id']}/corrections", json={"count": 10}
        )
        assert fixed.get_json()["effective_count"] == 10
        mine_here = keeper.get(f"{MP}/keeper/stations/{here.code}/activities").get_json()["items"]
        by_id = {a["id"]: a for a in mine_here}
        assert (by_id[aid]["collected"], by_id[talk["id"]]["recorded"]) == (2, 10)
        assert by_id[aid]["visits"] == 0  # taking part is not a visit

    with time_machine.travel(start + timedelta(hours=5), tick=True):  # the activity has ended
        late = keeper.post(f"{MP}/keeper/stations/{here.code}/handouts", json={"voucher": vouchers[1]})
        assert (late.status_code, _error(late)) == (409, "activity_ended")

    # The report: activities not cancelled; people reached = collected + recorded; money by source.
    report = fc_api.get(f"{STAFF}/reports/activities", query_string={"year": year}).get_json()
    assert "total" in report, report
    total = report["total"]
    assert total["activities"] == 2
    assert (total["claimed"], total["collected"], total["recorded"]) == (3, 2, 10)
    assert total["people_reached"] == 12 and total["handed_out"] == 2 and total["left"] == 0
    assert Decimal(total["union"]) == Decimal("1.80") and Decimal(total["total"]) == Decimal("2.80")
    assert {(r["kind"], r["campaign"]) for r in report["rows"]} == {("cooling", "环卫工人站点关爱服务月"), ("health", None)}

    summary = fc_api.get(f"{STAFF}/activity-campaigns/{campaign_id}/summary").get_json()
    assert summary["totals"]["activities"] == 1 and summary["totals"]["handed_out"] == 2 and summary["totals"]["total"] == "2.50"
    assert summary["by_kind"] == {"cooling": 1}

    progress = fc_api.get(f"{STAFF}/activity-plans/progress", query_string={"year": year}).get_json()
    cell = next(r for r in progress["rows"] if (r["quarter"], r["kind"]) == (quarter, "cooling"))
    assert (cell["target"], cell["held"], cell["shortfall"]) == (2, 1, 1)

    csv_file = fc_api.get(f"{STAFF}/reports/activities", query_string={"year": year, "format": "csv"})
    assert csv_file.status_code == 200 and "惠及人数" in csv_file.data.decode("utf-8-sig")
    xlsx = fc_api.get(f"{STAFF}/reports/activities", query_string={"year": year, "format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    assert _error(yx_api.get(f"{STAFF}/reports/activities", query_string={"year": year, "district": "FC"})) == "district_out_of_scope"
