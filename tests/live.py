"""The app as production runs it, for tests that go over real HTTP: gunicorn with two worker
processes on a fresh PostgreSQL database, signing in through the fake WeChat server."""

from __future__ import annotations

import psycopg
import requests

from bench.server import STAFF_PASSWORD, STAFF_USER
from tests.wechat_server import FakeWeChat

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connections are refused
ALWAYS_OPEN = {"always_open": True}


def live_env(fake_wechat: str, redis_url: str) -> dict:
    return {
        "YIZHAN_ENV": "development",
        "YIZHAN_WECHAT_API_BASE": fake_wechat,
        "YIZHAN_WECHAT_APPID": "wxfake0000000000",
        "YIZHAN_WECHAT_SECRET": "fake-secret",
        "YIZHAN_PUBLIC_BASE_URL": "http://127.0.0.1",
        "YIZHAN_REDIS_URL": redis_url,
        "YIZHAN_CHECKIN_LIMIT_PER_WORKER": "1000 per minute",
    }


def staff_headers(server) -> dict:
    r = requests.post(f"{server.base_url}/api/staff/v1/auth/login", json={"username": STAFF_USER, "password": STAFF_PASSWORD})
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['token']}"}


def new_station(server, name: str = "测试站点", lat: float = 31.4567, lng: float = 104.7462, **fields) -> tuple[str, str]:
    """A station registered through the staff API; its code and its sign's signed URL."""
    headers = staff_headers(server)
    body = {
        "name": name,
        "district": "FC",
        "address": "绵阳市涪城区临园路1号",
        "lat": lat,
        "lng": lng,
        "build_mode": "self_built",
        "amenities": ["drinking_water", "toilet", "rest_seats"],
        "opening_hours": ALWAYS_OPEN,
        "status": "built",
        **fields,
    }
    r = requests.post(f"{server.base_url}/api/staff/v1/stations", json=body, headers=headers)
    r.raise_for_status()
    code = r.json()["code"]
    sign = requests.get(f"{server.base_url}/api/staff/v1/stations/{code}/sign", headers=headers).json()
    return code, sign["url"]


def worker_headers(server, fake_wechat: str, openid: str) -> dict:
    """Sign in as the mini-program does: wx.login's code (minted by the fake) for our token."""
    code = FakeWeChat(fake_wechat).login_code(openid)
    r = requests.post(f"{server.base_url}/api/mp/v1/session", json={"code": code})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def checkin_rows(server, code: str) -> int:
    with psycopg.connect(server.env["YIZHAN_DATABASE_URL"].replace("+psycopg", "")) as conn:
        return conn.execute("SELECT count(*) FROM checkins c JOIN stations s ON s.id = c.station_id WHERE s.code = %s", (code,)).fetchone()[
            0
        ]
