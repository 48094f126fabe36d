def test_healthz(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    body = r.get_json()
    assert body["database"]["ok"] is True
    assert body["redis"] == {"ok": True, "configured": True}
    assert body["status"] == "ok"


def test_list_stations(fc_api):
    from tests.factories import StationFactory

    StationFactory()
    r = fc_api.get("/api/staff/v1/stations")
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["total"] == 1


def test_isolation(fc_api):
    r = fc_api.get("/api/staff/v1/stations")
    assert r.get_json()["total"] == 0
