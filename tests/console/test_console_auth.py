"""Signing in to the staff console: the API's staff accounts, a signed session cookie that
sign-out (here or at the API) ends, CSRF on every form but not on the JSON APIs, and the API's
lock-out, counted together with the API's own sign-in."""

from __future__ import annotations

import pytest
from apiflask import APIBlueprint

from app.extensions import csrf, db
from app.registry.models import Station
from config import load_config
from tests.console_helpers import Console, console_as, csrf_of, field_errors, forget_csrf
from tests.factories import PASSWORD

LOGIN_API = "/api/staff/v1/auth/login"


def test_pages_need_sign_in(client, app_ctx):
    for url in ("/console/", "/console/stations", "/console/stations/FC0001", "/console/audit", "/console/import"):
        r = client.get(url)
        assert r.status_code == 302, url
        assert r.location.startswith("/console/login?next=")


def test_sign_in_and_back_to_the_page_asked_for(client, fc_staff):
    page = client.get("/console/login?next=/console/audit")
    assert "员工登录" in page.text
    r = client.post(
        "/console/login", data={"username": "FC.Staff ", "password": PASSWORD, "next": "/console/audit", "csrf_token": csrf_of(page.text)}
    )
    assert (r.status_code, r.location) == (302, "/console/audit")
    home = client.get("/console/")
    assert home.status_code == 200
    assert fc_staff.display_name in home.text and "涪城区" in home.text


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/api/staff/v1/stations", "javascript:alert(1)"])
def test_next_never_leaves_the_console(client, fc_staff, target):
    page = client.get("/console/login")
    r = client.post("/console/login", data={"username": "fc.staff", "password": PASSWORD, "next": target, "csrf_token": csrf_of(page.text)})
    assert (r.status_code, r.location) == (302, "/console/")


def test_a_wrong_password_says_so_in_chinese(client, fc_staff):
    page = client.get("/console/login")
    r = client.post("/console/login", data={"username": "fc.staff", "password": "wrong-password", "csrf_token": csrf_of(page.text)})
    assert r.status_code == 401
    assert "用户名或密码错误" in r.text
    assert client.get("/console/").status_code == 302


def test_blank_fields_are_named(client, fc_staff):
    page = client.get("/console/login")
    r = client.post("/console/login", data={"username": "", "password": "", "csrf_token": csrf_of(page.text)})
    assert r.status_code == 422
    assert set(field_errors(r.text)) == {"username", "password"}


def test_the_session_cookie_is_http_only_and_same_site(client, fc_staff):
    page = client.get("/console/login")
    r = client.post("/console/login", data={"username": "fc.staff", "password": PASSWORD, "csrf_token": csrf_of(page.text)})
    cookie = r.headers["Set-Cookie"]
    assert cookie.startswith("yizhan_console=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_cookies_are_secure():
    assert load_config("testing", environ={})["SESSION_COOKIE_SECURE"] is False
    settings = load_config(
        "development", environ={}, overrides={"SESSION_COOKIE_SECURE": True}
    )  # production itself needs secrets; its class sets the flag
    assert settings["SESSION_COOKIE_SECURE"] is True
    from config.settings import ProductionConfig

    assert ProductionConfig.SESSION_COOKIE_SECURE is True


# --- lock-out: the API's limits, counted together ---------------------------------------------


def _console_attempt(client, password="wrong-password"):
    forget_csrf()
    page = client.get("/console/login")
    return client.post("/console/login", data={"username": "fc.staff", "password": password, "csrf_token": csrf_of(page.text)})


def test_five_failures_lock_the_account(client, fc_staff):
    for _ in range(5):
        assert _console_attempt(client).status_code == 401
    r = _console_attempt(client, PASSWORD)  # even the right password, while locked
    assert r.status_code == 429
    assert "锁定" in r.text and int(r.headers["Retry-After"]) >= 1
    assert client.get("/console/").status_code == 302


def test_failures_at_the_api_lock_the_console(client, fc_staff):
    for _ in range(5):
        assert client.post(LOGIN_API, json={"username": "fc.staff", "password": "wrong-password"}).status_code == 401
    assert _console_attempt(client, PASSWORD).status_code == 429


def test_failures_at_the_console_lock_the_api(client, fc_staff):
    for _ in range(5):
        assert _console_attempt(client).status_code == 401
    r = client.post(LOGIN_API, json={"username": "FC.staff", "password": PASSWORD})
    assert r.status_code == 429
    assert r.get_json()["error"]["code"] == "login_locked"


def test_successes_do_not_count(app, fc_staff):
    for _ in range(7):
        assert _console_attempt(app.test_client(), PASSWORD).status_code == 302


# --- CSRF --------------------------------------------------------------------------------------


def test_a_form_without_its_csrf_token_is_refused(app, fc_staff):
    console = console_as(app, fc_staff)
    body = {"name": "无令牌站点", "district": "FC", "address": "绵阳市涪城区", "lat": "31.45", "lng": "104.74",
            "build_mode": "self_built", "opening_hours": "24小时"}  # fmt: skip
    for token in (None, "forged-token"):
        data = {**body, **({"csrf_token": token} if token else {})}
        r = console.client.post("/console/stations/new", data=data)
        assert r.status_code == 400
        assert "CSRF" in r.text
    assert db.session.query(Station).count() == 0
    assert console.post("/console/stations/new", body).status_code == 302


def test_sign_in_itself_needs_the_token(client, fc_staff):
    r = client.post("/console/login", data={"username": "fc.staff", "password": PASSWORD})
    assert r.status_code == 400
    assert client.get("/console/").status_code == 302


def test_the_json_apis_are_exempt_and_the_console_is_not(app):
    """Bearer-token APIs (every APIBlueprint, now and later) skip CSRF; every console form is checked."""
    api_blueprints = {name for name, bp in app.blueprints.items() if isinstance(bp, APIBlueprint)}
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.rsplit(".", 1)[0] if "." in rule.endpoint else None
        if rule.rule.startswith("/api/") and blueprint != "openapi":
            assert blueprint in api_blueprints, rule.rule
            assert app.blueprints[blueprint] in csrf._exempt_blueprints, rule.rule
        if rule.rule.startswith("/console"):
            assert app.blueprints["console"] not in csrf._exempt_blueprints


def test_the_api_takes_json_without_a_csrf_token(fc_api, app_ctx):
    r = fc_api.post("/api/staff/v1/stations", json={
        "name": "接口登记", "district": "FC", "address": "绵阳市涪城区", "lat": 31.45, "lng": 104.74,
        "build_mode": "self_built", "opening_hours": {"always_open": True},
    })  # fmt: skip
    assert r.status_code == 201, r.get_json()


# --- sign-out ----------------------------------------------------------------------------------


def test_sign_out_ends_the_session_and_its_cookie(app, fc_staff):
    console = console_as(app, fc_staff)
    cookie = console.client.get_cookie("yizhan_console").value
    r = console.post("/console/logout")
    assert (r.status_code, r.location) == (302, "/console/login")
    assert console.get("/console/").status_code == 302
    replay = app.test_client()
    replay.set_cookie("yizhan_console", cookie)
    assert replay.get("/console/").status_code == 302  # the old cookie is dead too


def test_sign_out_at_the_api_ends_console_sessions(app, fc_staff, fc_api):
    console = console_as(app, fc_staff)
    assert fc_api.post("/api/staff/v1/auth/logout").status_code == 204
    assert console.get("/console/").status_code == 302


def test_a_deactivated_account_is_signed_out(app, fc_staff):
    console = console_as(app, fc_staff)
    fc_staff.active = False
    db.session.commit()
    assert console.get("/console/stations").status_code == 302
    assert Console(app.test_client()).sign_in("fc.staff").status_code == 401


def test_pages_are_in_chinese_and_name_the_scope(app, fc_staff, city_staff):
    assert "涪城区" in console_as(app, fc_staff).get("/console/").text
    assert "全市" in console_as(app, city_staff).get("/console/").text


def test_an_unknown_console_page_is_a_chinese_404(app, fc_staff):
    r = console_as(app, fc_staff).get("/console/stations/FC0001")
    assert r.status_code == 404
    assert "未找到该站点" in r.text
