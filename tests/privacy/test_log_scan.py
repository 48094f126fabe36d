"""Logs and error answers carry no openid, token, phone number or comment text: a whole worker's
life — sign-in, consent, a located check-in, a rated comment, the export, bad requests, a forged
push with an openid in its query, staff reading a keeper's phone, closing the account — is run
against gunicorn (the production server, its access log kept) and in-process with every logger
at DEBUG; then every line and every error body is searched for those values."""

from __future__ import annotations

import io
import logging

import pytest
import requests

from app.core.log_redaction import redact
from bench.server import running_app
from tests import services
from tests.conftest import RUN_ID, worker_signed_in
from tests.factories import StationFactory, WorkerFactory
from tests.live import live_env, new_station, staff_headers, worker_headers
from tests.privacy.world import COMMENT, KEEPER_PHONE

OPENID = "oYzPrIvAcY0123456789abcdefgh"  # the shape of a real openid: 28 characters from "o"
OTHER_PHONE = "15887654321"


def secrets_in(text: str, *values: str) -> list[str]:
    return [v for v in values if v and v in text]


def run_a_life(base: str, get_headers, staff: dict, scan_url: str, code: str, phone_station: str) -> tuple[str, list[str]]:
    """The worker's flow over HTTP; (the worker's token, the error bodies received)."""
    errors: list[str] = []
    worker = get_headers()
    token = worker["Authorization"].split()[1]
    session = requests.Session()

    def call(method: str, path: str, **kw) -> requests.Response:
        r = session.request(method, f"{base}{path}", timeout=10, **kw)
        if r.status_code >= 400:
            errors.append(r.text)
        return r

    mp = "/api/mp/v1"
    assert call("GET", f"{mp}/me/consent", headers=worker).json()["needs_consent"] is True
    assert call("PUT", f"{mp}/me/consent", headers=worker, json={"notice_version": 1, "features": ["location", "photos"]}).ok
    visit = call("POST", f"{mp}/checkins", headers=worker, json={"scan": scan_url, "location": {"lat": 31.4568, "lng": 104.7462}})
    assert visit.status_code == 201, visit.text
    rated = call("POST", f"{mp}/checkins/{visit.json()['id']}/rating", headers=worker, json={"score": 2, "comment": COMMENT})
    assert rated.status_code == 201, rated.text
    assert OPENID in call("GET", f"{mp}/me/data", headers=worker).text  # the worker's own data, to them
    # Bad requests, and requests carrying personal data where it does not belong.
    call("POST", f"{mp}/checkins", headers=worker, json={"scan": scan_url, "comment": COMMENT, "phone": OTHER_PHONE})
    call("POST", f"{mp}/checkins/{visit.json()['id']}/rating", headers=worker, json={"score": 9, "comment": COMMENT * 20})
    call("GET", f"{mp}/privacy/notice", params={"openid": OPENID, "phone": OTHER_PHONE, "token": token})
    call("POST", "/api/wechat/push", params={"openid": OPENID, "signature": "forged", "timestamp": "1", "nonce": "n"}, data="{}")
    call("GET", f"{mp}/me", headers={"Authorization": f"Bearer {token}x"})
    call("PUT", "/api/staff/v1/stations/" + code, headers=staff, json={"keeper_phone": "12"})
    # Staff read a keeper's phone (their own district's station).
    assert KEEPER_PHONE in call("GET", f"/api/staff/v1/stations/{phone_station}", headers=staff).text
    assert call("DELETE", f"{mp}/me", headers=worker).ok
    assert call("GET", f"{mp}/me", headers=worker).status_code == 401
    return token, errors


def test_a_whole_run_on_gunicorn_logs_no_personal_data(fake_wechat, tmp_path):
    log_path = tmp_path / "server.log"
    env = live_env(fake_wechat, services.REDIS_TEST_URL)
    with running_app(workers=2, env=env, name=f"{RUN_ID}_logscan"[:63], log_path=str(log_path)) as server:
        code, scan_url = new_station(server)
        phone_station, _ = new_station(server, name="有站长电话的站点", keeper_name="王站长", keeper_phone=KEEPER_PHONE)
        staff = staff_headers(server)
        token, errors = run_a_life(
            server.base_url, lambda: worker_headers(server, fake_wechat, OPENID), staff, scan_url, code, phone_station
        )
    log = log_path.read_text()
    assert "POST /api/mp/v1/checkins" in log and "privacy/notice?" in log  # the access log was kept
    assert secrets_in(log, OPENID, token, KEEPER_PHONE, OTHER_PHONE, COMMENT, staff["Authorization"].split()[1]) == []
    assert len(errors) >= 5
    assert secrets_in("\n".join(errors), OPENID, token, KEEPER_PHONE, OTHER_PHONE, COMMENT) == []


@pytest.fixture
def every_log_line():
    """Everything any logger says, at DEBUG, as a string."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield stream
    root.removeHandler(handler)
    root.setLevel(old_level)


def test_the_app_in_process_logs_no_personal_data(client, app_ctx, wx, every_log_line):
    station = StationFactory(opening_hours={"always_open": True, "weekly": []}, keeper_phone=KEEPER_PHONE)
    worker = WorkerFactory(openid=OPENID)
    api = worker_signed_in(client, worker)
    from app.signs.tokens import url_for_sign

    visit = api.post("/api/mp/v1/checkins", json={"scan": url_for_sign(station), "location": {"lat": 31.4568, "lng": 104.7462}})
    assert visit.status_code == 201, visit.get_json()
    api.post(f"/api/mp/v1/checkins/{visit.get_json()['id']}/rating", json={"score": 3, "comment": COMMENT})
    api.get("/api/mp/v1/me/data")
    # A database error whose text quotes the openid (a second worker with the same openid).
    error = ValueError(f"Key (openid)=({OPENID}) already exists; phone {KEEPER_PHONE}")
    logging.getLogger("app.test").exception("while testing", exc_info=error)
    logging.getLogger("app.test").warning("token=%s openid=%s", api.token, OPENID)
    api.delete("/api/mp/v1/me")
    text = every_log_line.getvalue()
    assert "while testing" in text and "[redacted]" in text
    assert secrets_in(text, OPENID, api.token, KEEPER_PHONE, COMMENT) == []


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        ("GET /x?openid=oAbCdEfGhIjKlMnOpQrStUvWxYz1&page=2", "page=2"),
        ('{"session_key": "abc+/=", "station": "FC0101"}', "FC0101"),
        ("Authorization: Bearer eyJ0.abc-def_ghi", "Authorization"),
        ("call 13912345678 or +86 15887654321 at 1733257200123", "1733257200123"),
    ],
)
def test_redaction_keeps_what_is_not_personal(line, kept):
    out = redact(line)
    assert kept in out and "[redacted]" in out
    assert not secrets_in(out, "oAbCdEfGhIjKlMnOpQrStUvWxYz1", "abc+/=", "eyJ0.abc-def_ghi", "13912345678", "15887654321")
