"""The worker's whole loop, as the mini-program drives it, over HTTP against gunicorn on
PostgreSQL: sign in through (fake) WeChat, find the nearest open station with water, scan its
sign, answer the privacy notice, check in with a location, scan again, rate the visit, see it
counted. Run with Redis up and again with
Redis unreachable: the loop holds, check-ins are still recorded and still deduplicated."""

from __future__ import annotations

from urllib.parse import quote

import requests

from tests.live import checkin_rows, new_station, staff_headers, worker_headers
from tests.wechat_server import FakeWeChat


def test_the_whole_loop(live, fake_wechat, request):
    base = live.base_url
    variant = request.node.callspec.id
    here = (31.4567, 104.7462)
    near_code, sign_url = new_station(live, name="临园路驿站", lat=here[0] + 0.002, lng=here[1])
    far_code, _ = new_station(live, name="远处驿站", lat=here[0] + 0.02, lng=here[1])
    new_station(live, name="无水驿站", lat=here[0] + 0.001, lng=here[1], amenities=["toilet"])
    worker = worker_headers(live, fake_wechat, f"o-loop-{variant}")

    me = requests.put(f"{base}/api/mp/v1/me", json={"worker_group": "courier"}, headers=worker)
    assert me.status_code == 200 and me.json()["worker_group"] == "courier"
    # The privacy notice, answered: the check-in below may then carry the worker's location.
    notice = requests.get(f"{base}/api/mp/v1/privacy/notice").json()
    consent = {"notice_version": notice["version"], "features": ["location"]}
    assert requests.put(f"{base}/api/mp/v1/me/consent", json=consent, headers=worker).json()["needs_consent"] is False

    nearby = requests.get(
        f"{base}/api/mp/v1/stations/nearby",
        params={"lat": here[0], "lng": here[1], "radius_m": 3000, "need": "water", "open_now": 1},
        headers=worker,
    )
    assert nearby.status_code == 200, nearby.text
    found = [s["code"] for s in nearby.json()["items"]]
    assert found[:2] == [near_code, far_code]  # nearest first; the station without water is left out
    assert 200 <= nearby.json()["items"][0]["distance_m"] <= 240

    q = quote(sign_url, safe="")  # what the mini-program receives as query.q
    scanned = requests.get(f"{base}/api/mp/v1/scan", params={"q": q}, headers=worker)
    assert scanned.status_code == 200, scanned.text
    assert scanned.json()["code"] == near_code and scanned.json()["scan"]["valid"] is True

    body = {"scan": q, "services": ["water", "rest"], "location": {"lat": here[0] + 0.0019, "lng": here[1]}}
    first = requests.post(f"{base}/api/mp/v1/checkins", json=body, headers={**worker, "Idempotency-Key": "loop-1"})
    assert first.status_code == 201, first.text
    again = requests.post(f"{base}/api/mp/v1/checkins", json=body, headers=worker)
    assert (again.status_code, again.json()["id"]) == (200, first.json()["id"])
    assert checkin_rows(live, near_code) == 1

    FakeWeChat(fake_wechat).set_verdict("水很凉快", "pass")
    rating = requests.post(
        f"{base}/api/mp/v1/checkins/{first.json()['id']}/rating",
        json={"score": 5, "comment": "水很凉快，谢谢！"},
        headers=worker,
    )
    assert rating.status_code == 201, rating.text
    assert rating.json()["comment_status"] == "published"

    detail = requests.get(f"{base}/api/mp/v1/stations/{near_code}", headers=worker).json()
    assert detail["visits_today"]["scan"] == 1 and detail["visits_today"]["total"] == 1
    assert detail["rating"]["count"] == 1 and detail["rating"]["average"] == 5

    mine = requests.get(f"{base}/api/mp/v1/me/checkins", headers=worker).json()
    assert [c["station"]["code"] for c in mine["items"]] == [near_code]

    staff_view = requests.get(f"{base}/api/staff/v1/stations/{near_code}/ratings", headers=staff_headers(live)).json()
    assert [r["score"] for r in staff_view["items"]] == [5]


def test_a_station_registered_or_retired_shows_in_nearby_at_once(live, fake_wechat, request):
    base = live.base_url
    worker = worker_headers(live, fake_wechat, f"o-geo-{request.node.callspec.id}")
    here = {"lat": 31.60, "lng": 104.60, "radius_m": 1000}
    code, _ = new_station(live, name="新驿站", lat=31.6005, lng=104.60, status="built")
    listed = requests.get(f"{base}/api/mp/v1/stations/nearby", params=here, headers=worker).json()
    assert code in [s["code"] for s in listed["items"]]
    retired = requests.post(f"{base}/api/staff/v1/stations/{code}/retire", json={"reason": "测试"}, headers=staff_headers(live))
    assert retired.status_code == 200
    listed = requests.get(f"{base}/api/mp/v1/stations/nearby", params=here, headers=worker).json()
    assert code not in [s["code"] for s in listed["items"]]
