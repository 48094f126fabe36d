"""The demo data `make run` loads."""

import sqlalchemy as sa

from app.accounts.staff_models import StaffAccount
from app.core import geo
from app.extensions import db
from app.registry.models import Station


def test_seed_demo_loads_stations_in_every_district_and_one_account_per_role(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed", "demo", "--no-activity"])
    assert result.exit_code == 0, result.output
    stations = db.session.scalars(sa.select(Station)).all()
    assert 30 <= len(stations) <= 60
    assert len({s.district_code for s in stations}) == 13
    for s in stations:
        assert geo.in_bounds(s.lat, s.lng, app.config["GEO_BOUNDS"])
    roles = {a.role for a in db.session.scalars(sa.select(StaffAccount))}
    assert roles == {"city", "district"}
    again = runner.invoke(args=["seed", "demo", "--no-activity"])
    assert "0 accounts, 0 stations" in again.output


def test_demo_credentials_sign_in(app, client):
    app.test_cli_runner().invoke(args=["seed", "demo", "--no-activity"])
    r = client.post("/api/staff/v1/auth/login", json={"username": "city.demo", "password": "Yizhan-city-2026"})
    assert r.status_code == 200
    token = r.get_json()["token"]
    listing = client.get("/api/staff/v1/stations?per_page=100", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert listing["total"] == 39


def test_demo_data_refused_outside_development(app, monkeypatch):
    monkeypatch.setitem(app.config, "DEMO_DATA_ALLOWED", False)
    result = app.test_cli_runner().invoke(args=["seed", "demo", "--no-activity"])
    assert result.exit_code != 0
    assert "refused" in result.output


def test_staff_create_command(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["staff", "create", "--username", "jy.admin", "--role", "district", "--district", "江油市", "--name", "江油市总工会"],
        input="a-long-password\na-long-password\n",
    )
    assert result.exit_code == 0, result.output
    account = db.session.scalar(sa.select(StaffAccount).where(StaffAccount.username == "jy.admin"))
    assert account.district_code == "JY"
    bad = runner.invoke(
        args=["staff", "create", "--username", "x", "--role", "district", "--name", "x"],
        input="a-long-password\na-long-password\n",
    )
    assert bad.exit_code != 0
    assert "区县" in bad.output
    short = runner.invoke(args=["staff", "create", "--username", "y", "--role", "city", "--name", "y"], input="short\nshort\n")
    assert short.exit_code != 0
    assert "密码" in short.output


def test_wechat_devtools_codes_sign_in_as_the_demo_worker_and_the_demo_keeper(app, client, wx):
    """`make run` starts the fake WeChat in DevTools mode: a code DevTools' own wx.login made
    (one the fake never minted) signs in as the demo worker, or, switched, the demo keeper."""
    app.test_cli_runner().invoke(args=["seed", "demo", "--no-activity"])
    wx.devtools("o-demo-worker")
    worker = client.post("/api/mp/v1/session", json={"code": "0c3FromDevTools-1"})
    assert worker.status_code == 200, worker.get_json()
    assert worker.get_json()["worker"]["worker_group"] == "sanitation"
    assert client.post("/api/mp/v1/session", json={"code": "0c3FromDevTools-1"}).status_code == 401  # used

    wx.devtools("o-demo-keeper")
    token = client.post("/api/mp/v1/session", json={"code": "0c3FromDevTools-2"}).get_json()["token"]
    kept = client.get("/api/mp/v1/keeper/stations", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert [item["station"]["code"] for item in kept["items"]] == ["FC0001"]

    wx.devtools(None)
    assert client.post("/api/mp/v1/session", json={"code": "0c3FromDevTools-3"}).status_code == 401
