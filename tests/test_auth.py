"""Staff sign-in: tokens, expiry, sign-out, and the lock-out after repeated failures."""

from datetime import timedelta

import pytest

from tests.factories import PASSWORD, StaffFactory

LOGIN = "/api/staff/v1/auth/login"


def login(client, username, password=PASSWORD):
    return client.post(LOGIN, json={"username": username, "password": password})


def test_login_returns_a_bearer_token_that_works(client, fc_staff):
    r = login(client, "fc.staff")
    assert r.status_code == 200
    body = r.get_json()
    assert body["token_type"] == "Bearer"
    assert body["expires_at"]
    assert body["staff"]["district"] == {"code": "FC", "name": "涪城区"}
    assert "password" not in body["staff"] and "password_hash" not in body["staff"]
    me = client.get("/api/staff/v1/auth/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200
    assert me.get_json()["username"] == "fc.staff"


def test_username_is_case_insensitive(client, fc_staff):
    assert login(client, " FC.Staff ").status_code == 200


@pytest.mark.parametrize(
    ("username", "password"),
    [("fc.staff", "wrong-password"), ("nobody", PASSWORD)],
)
def test_wrong_credentials_get_one_answer(client, fc_staff, username, password):
    r = login(client, username, password)
    assert r.status_code == 401
    assert r.get_json() == {"error": {"code": "invalid_credentials", "message": "用户名或密码错误"}}


def test_inactive_account_cannot_sign_in(client, app_ctx):
    StaffFactory(username="gone", active=False)
    assert login(client, "gone").status_code == 401


def test_login_input_is_validated(client, app_ctx):
    r = client.post(LOGIN, json={"username": "x"})
    assert r.status_code == 422
    assert r.get_json()["error"]["details"]["password"] == ["此项必填"]
    r = client.post(LOGIN, data="not json", headers={"Content-Type": "application/json"})
    assert r.status_code in (400, 422)
    assert "error" in r.get_json()


def test_expired_token_is_refused(app, client, fc_staff, monkeypatch):
    token = login(client, "fc.staff").get_json()["token"]
    monkeypatch.setitem(app.config, "STAFF_TOKEN_TTL", timedelta(seconds=-1))
    r = client.get("/api/staff/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401
    assert r.get_json()["error"]["code"] == "unauthorized"


@pytest.mark.parametrize("header", ["Bearer not-a-token", "Bearer ", "Basic abc", "", "Bearer eyJzaWQiOjF9.forged.sig"])
def test_bad_tokens_are_refused(client, fc_staff, header):
    r = client.get("/api/staff/v1/auth/me", headers={"Authorization": header} if header else {})
    assert r.status_code == 401
    assert r.get_json()["error"]["code"] == "unauthorized"


def test_token_signed_with_another_secret_is_refused(app, client, fc_staff):
    from itsdangerous import URLSafeTimedSerializer

    forged = URLSafeTimedSerializer("another-secret", salt="yizhan.staff-token").dumps({"sid": fc_staff.id, "v": 1})
    r = client.get("/api/staff/v1/auth/me", headers={"Authorization": f"Bearer {forged}"})
    assert r.status_code == 401


def test_logout_revokes_every_token(client, fc_staff):
    first = login(client, "fc.staff").get_json()["token"]
    second = login(client, "fc.staff").get_json()["token"]
    r = client.post("/api/staff/v1/auth/logout", headers={"Authorization": f"Bearer {first}"})
    assert r.status_code == 204
    for token in (first, second):
        assert client.get("/api/staff/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert login(client, "fc.staff").status_code == 200


def test_deactivated_account_loses_its_tokens(client, fc_staff):
    from app.extensions import db

    token = login(client, "fc.staff").get_json()["token"]
    fc_staff.active = False
    db.session.commit()
    assert client.get("/api/staff/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_repeated_failures_slow_then_lock_the_account(client, fc_staff, yx_staff):
    """Five failures in a minute lock the account (on Redis in the PostgreSQL run): even the right
    password is refused with 429 and Retry-After, while other accounts sign in as usual."""
    for _ in range(5):
        assert login(client, "fc.staff", "wrong-password").status_code == 401
    r = login(client, "fc.staff")
    assert r.status_code == 429
    assert r.get_json()["error"]["code"] == "login_locked"
    assert "锁定" in r.get_json()["error"]["message"]
    assert int(r.headers["Retry-After"]) >= 1
    assert login(client, "yx.staff").status_code == 200


def test_successful_logins_do_not_count_towards_the_lock(client, fc_staff):
    for _ in range(8):
        assert login(client, "fc.staff").status_code == 200
    assert login(client, "fc.staff", "wrong-password").status_code == 401
    assert login(client, "fc.staff").status_code == 200


def test_lock_uses_the_configured_storage(app):
    assert app.config["RATELIMIT_STORAGE_URI"].startswith("redis://")


def test_rate_limit_counters_live_under_the_apps_prefix(app, client, fc_staff):
    """Clearing the limits (limiter.reset(), after every test) clears this app's counters only:
    with limits' bare default prefix ("LIMITS:") every test run sharing a Redis wiped the
    others' counters mid-test, and their lock-outs never came."""
    import redis

    from app.extensions import limiter

    store = redis.Redis.from_url(app.config["REDIS_URL"])
    foreign = "LIMITS:LIMITER/another-run/login:someone/5/1/minute"
    store.set(foreign, 3, ex=60)
    try:
        assert login(client, "fc.staff", "wrong-password").status_code == 401
        prefix = f"{app.config['REDIS_KEY_PREFIX']}:limits:"
        assert any(key.startswith(prefix.encode()) for key in store.scan_iter(f"{prefix}*"))
        limiter.reset()
        assert store.get(foreign) == b"3"
        assert not list(store.scan_iter(f"{prefix}*"))
    finally:
        store.delete(foreign)
