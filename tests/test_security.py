"""Security checks, each listed in the README's "Security" section:

1. authorisation on every object: a matrix of role × endpoint × owner generated from the route
   table, so a new endpoint is in it the moment it exists (`test_every_route_is_in_the_matrix`);
2. bearer tokens (staff and worker): expired, tampered, forged, of the other kind, revoked;
3. payload size: past MAX_CONTENT_LENGTH, 413 in the one error shape;
4. page size: per_page past its documented maximum (and absurd page numbers) are 422;
5. rate limits: 429 with Retry-After;
6. no secrets in logs: WeChat's session_key, our tokens, SECRET_KEY, the app secret, passwords.

The per-station scope of district staff and keepers is proved in depth (every endpoint, the
answer identical to a missing station's, any code case, nothing changed) by test_scope.py and
test_keeper_scope.py; the matrix here is the route-wide net around them."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from PIL import Image
from requests.adapters import HTTPAdapter

from app.extensions import db
from app.reference import data as ref
from tests.activities import world as activity_world
from tests.assertions import assert_error
from tests.factories import PASSWORD, StaffFactory
from tests.keepers.test_keeper_scope import KEEPER_ENDPOINTS
from tests.test_fuzz_api import OPERATIONS, ROLES, World, _foreign_conditions, make_world
from tests.test_scope import PER_STATION


@pytest.fixture(name="world")
def _world(app_ctx) -> World:
    """Stations A, B (涪城区) and C (游仙区) with everything hanging off them, and a token per
    role (tests/test_fuzz_api.py)."""
    return make_world()


# --- the matrix --------------------------------------------------------------------------------

OBJECT_PARAMETERS = (
    "code",
    "rating_id",
    "checkin_id",
    "keeper_id",
    "code_id",
    "entry_id",
    "activity_id",
    "campaign_id",
    "claim_id",
    "count_id",
    "ticket_id",
    "photo_id",
    "supply_id",
)
# Objects every caller of the kind may read whoever owns them: a worker sees any station, and may
# report a problem at any station.
READABLE_BY_ALL = {
    ("GET", "/api/mp/v1/stations/{code}"),
    ("POST", "/api/mp/v1/stations/{code}/problems"),
} | activity_world.OPEN_TO_EVERY_WORKER
KEEPER_PREFIX = "/api/mp/v1/keeper/stations/{code}"


def _openapi(rule: str) -> str:
    return re.sub(r"<(?:[^<>:]+:)?([^<>]+)>", r"{\1}", rule)


# A body that would succeed, per operation that takes one and names an object: so a refusal can
# only be the owner's doing. From the scope tests, plus the rest.
BODIES: dict[tuple[str, str], object] = {(e.method, _openapi(e.rule)): e.body for e in PER_STATION if e.body is not None}
BODIES |= {(e.method, _openapi(e.rule)): e.body for e in KEEPER_ENDPOINTS if e.body is not None}
BODIES |= {("POST", "/api/mp/v1/checkins/{checkin_id}/rating"): {"score": 4}}
BODIES |= activity_world.BODIES
# Problem reports, spot checks and supplies (tests/problems/).
SIX_HAS_ALL_PASSED = [{"item": item, "passed": True} for item in ref.codes(ref.SIX_HAS_ITEMS)]
BODIES |= {
    ("POST", "/api/mp/v1/stations/{code}/problems"): {"kind": "other"},
    ("POST", "/api/mp/v1/tickets/{ticket_id}/not-fixed"): {},
    ("POST", "/api/mp/v1/tickets/{ticket_id}/photos"): lambda: Upload(photo=_jpeg()),
    ("POST", "/api/mp/v1/keeper/stations/{code}/tickets/{ticket_id}/answer"): {"note": "正在处理"},
    ("POST", "/api/mp/v1/keeper/stations/{code}/tickets/{ticket_id}/fixed"): {},
    ("POST", "/api/mp/v1/keeper/stations/{code}/supplies"): {"name": "急救包"},
    ("PATCH", "/api/mp/v1/keeper/stations/{code}/supplies/{supply_id}"): {"quantity": 2},
    ("POST", "/api/staff/v1/tickets/{ticket_id}/confirm"): {},
    ("POST", "/api/staff/v1/tickets/{ticket_id}/reopen"): {"note": "仍未整改"},
    ("POST", "/api/staff/v1/tickets/{ticket_id}/call-back"): {"note": "已回访"},
    ("POST", "/api/staff/v1/stations/{code}/spot-checks"): {
        "open_as_posted": True, "six_has": SIX_HAS_ALL_PASSED, "supplies_in_date": True, "clean": True, "verdict": "pass",
    },
}  # fmt: skip


def _objects(path: str) -> list[str]:
    return [name for name in re.findall(r"{([^{}]+)}", path) if name in OBJECT_PARAMETERS]


# Which station's objects stand for "someone else's" for each role: index into World.ids
# (0 = A, 1 = B, 2 = C; for checkin_id 0–2 are a stranger's visits at A, B and C).
OTHER_OWNER = {"district": 2, "keeper": 1, "worker": 1}
OWN = 0


def _path(world: World, path: str, owner: int) -> str:
    def value(match):
        name = match.group(1)
        if name in ("year", "quarter"):
            return str(world.ids[name][0 if name == "year" else 1])
        return str(world.ids[name][owner])

    return re.sub(r"{([^{}]+)}", value, path)


def _body(method: str, path: str):
    body = BODIES.get((method, path))
    return body() if callable(body) else body


class Upload(dict):
    """A multipart body (a file upload) rather than JSON: field name -> bytes."""


def _send(client, world: World, role: str, method: str, url: str, body):
    headers = {"Authorization": f"Bearer {world.tokens[role]}"} if world.tokens[role] else {}
    if isinstance(body, Upload):
        data = {name: (io.BytesIO(content), f"{name}.jpg") for name, content in body.items()}
        return client.open(url, method=method, headers=headers, data=data, content_type="multipart/form-data")
    return client.open(url, method=method, headers=headers, json=body)


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, format="JPEG")
    return out.getvalue()


def everything_foreign(role: str, world: World) -> dict:
    """Every row the role has no business changing (tests/test_fuzz_api.py), on either backend."""
    out = {}
    db.session.expire_all()
    for table in db.metadata.sorted_tables:
        conditions = _foreign_conditions(table.name, table.c, role, world)
        if conditions is not None:
            out[table.name] = sorted(map(repr, db.session.execute(sa.select(table).where(*conditions)).all()))
    return out


DOOR = [(m, p, tuple(r for r in ROLES if r not in admitted)) for m, p, admitted in OPERATIONS if len(admitted) < len(ROLES)]
OWNED = [(m, p, r) for m, p, admitted in OPERATIONS for r in admitted if r in OTHER_OWNER and _objects(p) and (m, p) not in READABLE_BY_ALL]


def test_every_route_is_in_the_matrix(app):
    """Every route under /api/ is documented (tests/test_api_contract.py checks it), so every
    route is in OPERATIONS: each role is either admitted or refused at the door, and every
    operation naming an object has a body that would succeed (or takes none)."""
    routed = {
        (method, _openapi(rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/") and rule.rule not in ("/api/openapi.json", "/api/docs")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routed <= {(m, p) for m, p, _ in OPERATIONS}
    spec = app.test_client().get("/api/openapi.json").get_json()
    for method, path, _ in OPERATIONS:
        if _objects(path) and "requestBody" in spec["paths"][path][method.lower()]:
            assert (method, path) in BODIES, f"{method} {path}: add a body that would succeed to BODIES"
    assert sum(len(roles) for _, _, roles in DOOR) > 100 and len(OWNED) > 30


@pytest.mark.parametrize(("method", "path", "roles"), DOOR, ids=[f"{m} {p}" for m, p, _ in DOOR])
def test_a_role_not_admitted_is_refused_at_the_door(client, world, method, path, roles):
    """Staff endpoints refuse worker tokens and no token; worker endpoints refuse staff tokens
    and no token: 401, and nothing changed, even with the own station's objects in the path."""
    before = everything_foreign("anonymous", world)
    for role in roles:
        r = _send(client, world, role, method, _path(world, path, OWN), _body(method, path))
        assert_error(r, 401, "unauthorized")
    assert everything_foreign("anonymous", world) == before


@pytest.mark.parametrize(("method", "path", "role"), OWNED, ids=[f"{m} {p} as {r}" for m, p, r in OWNED])
def test_someone_elses_object_is_not_found(client, world, wx, method, path, role):
    """District staff asking for another district's objects, a keeper for another station's, a
    worker for another worker's visit: 404 as if it did not exist, and nothing changed. A plain
    worker on a keeper endpoint is not a keeper at all (403)."""
    before = everything_foreign(role, world)
    r = _send(client, world, role, method, _path(world, path, OTHER_OWNER[role]), _body(method, path))
    if role == "worker" and path.startswith(KEEPER_PREFIX):
        assert_error(r, 403, "not_a_keeper")
    else:
        error = assert_error(r, 404)
        assert error["code"].endswith("not_found"), error
    assert everything_foreign(role, world) == before


@pytest.mark.parametrize(("method", "path", "role"), OWNED, ids=[f"{m} {p} as {r}" for m, p, r in OWNED])
def test_the_owner_is_not_refused(client, world, wx, method, path, role):
    """The same request about the role's own object (A's; the worker's own visit) is not
    refused as someone else's: so the 404 above is the owner check, not a broken request."""
    path_own = path.replace("{checkin_id}", str(world.ids["checkin_id"][3 if role == "keeper" else 4]))
    if role == "keeper":  # the keeper's own claim, not the plain worker's
        path_own = path_own.replace("{claim_id}", str(world.ids["claim_id"][activity_world.KEEPER_CLAIM]))
    r = _send(client, world, role, method, _path(world, path_own, OWN), _body(method, path))
    if role == "worker" and path.startswith(KEEPER_PREFIX):
        assert_error(r, 403, "not_a_keeper")  # a plain worker keeps nothing, not even A
    else:
        assert r.status_code != 404 or not r.get_json()["error"]["code"].endswith("not_found"), r.get_json()
        assert r.status_code != 401, r.get_json()
        assert r.status_code != 403 or r.get_json()["error"]["code"] == "city_only", r.get_json()  # 省级最美: city staff


# --- tokens ------------------------------------------------------------------------------------

ME = {"staff": "/api/staff/v1/auth/me", "worker": "/api/mp/v1/me"}


@pytest.fixture
def tokens(world) -> dict[str, str]:
    return {"staff": world.tokens["district"], "worker": world.tokens["keeper"]}


def _flip(token: str, position: int) -> str:
    char = token[position]
    return token[:position] + ("A" if char != "A" else "B") + token[position + 1 :]


@pytest.mark.parametrize("kind", ["staff", "worker"])
def test_a_valid_token_is_accepted(client, tokens, kind):
    assert client.get(ME[kind], headers={"Authorization": f"Bearer {tokens[kind]}"}).status_code == 200


@pytest.mark.parametrize("kind", ["staff", "worker"])
@pytest.mark.parametrize("where", ["payload", "timestamp", "signature"])
def test_a_tampered_token_is_refused(client, tokens, kind, where):
    token = tokens[kind]
    payload = token.split(".")[0]
    position = {"payload": 1, "timestamp": len(payload) + 2, "signature": len(token) - 3}[where]
    r = client.get(ME[kind], headers={"Authorization": f"Bearer {_flip(token, position)}"})
    assert_error(r, 401, "unauthorized")


@pytest.mark.parametrize("kind", ["staff", "worker"])
def test_an_expired_token_is_refused(app, client, tokens, kind, monkeypatch):
    monkeypatch.setitem(app.config, f"{kind.upper()}_TOKEN_TTL", timedelta(seconds=-1))
    assert_error(client.get(ME[kind], headers={"Authorization": f"Bearer {tokens[kind]}"}), 401, "unauthorized")


@pytest.mark.parametrize("kind", ["staff", "worker"])
def test_a_token_signed_with_another_key_is_refused(app, client, world, kind, monkeypatch):
    from app.accounts import tokens as token_service

    monkeypatch.setitem(app.config, "SECRET_KEY", "not-the-servers-key-not-the-servers-key")
    forged = token_service.issue(
        token_service.STAFF if kind == "staff" else token_service.WORKER, {"sid": 1, "v": 0, "wid": 1}, timedelta(hours=1)
    )
    monkeypatch.undo()
    assert_error(client.get(ME[kind], headers={"Authorization": f"Bearer {forged.token}"}), 401, "unauthorized")


def test_one_kind_of_token_is_never_taken_for_the_other(client, tokens):
    assert_error(client.get(ME["worker"], headers={"Authorization": f"Bearer {tokens['staff']}"}), 401, "unauthorized")
    assert_error(client.get(ME["staff"], headers={"Authorization": f"Bearer {tokens['worker']}"}), 401, "unauthorized")


def test_a_signed_out_staff_token_is_refused(client, tokens):
    headers = {"Authorization": f"Bearer {tokens['staff']}"}
    assert client.post("/api/staff/v1/auth/logout", headers=headers).status_code == 204
    assert_error(client.get(ME["staff"], headers=headers), 401, "unauthorized")


# --- payload size ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "role"), [("/api/staff/v1/stations", "city"), ("/api/mp/v1/checkins", "worker"), ("/api/staff/v1/auth/login", "anonymous")]
)
def test_a_body_past_the_limit_is_413(app, client, world, url, role, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 4096)
    before = everything_foreign("anonymous", world)
    r = _send(client, world, role, "POST", url, {"name": "站" * 4096})
    error = assert_error(r, 413, "payload_too_large")
    assert error["message"] == "上传内容过大"
    assert everything_foreign("anonymous", world) == before


def test_the_default_limit_refuses_an_oversized_import(app, client, world):
    """10 MB (MAX_CONTENT_LENGTH) by default: the largest legitimate upload is an import file."""
    assert app.config["MAX_CONTENT_LENGTH"] == 10 * 1024 * 1024
    big = b"a" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    headers = {"Authorization": f"Bearer {world.tokens['city']}"}
    r = client.post("/api/staff/v1/stations/import", headers=headers, data=big, content_type="text/csv")
    assert_error(r, 413, "payload_too_large")


# --- page size ---------------------------------------------------------------------------------


def _paged_operations(app) -> list[tuple[str, str, int, tuple]]:
    spec = app.test_client().get("/api/openapi.json").get_json()
    out = []
    for path, ops in spec["paths"].items():
        for method, operation in ops.items():
            for parameter in operation.get("parameters", []):
                if parameter["name"] == "per_page" and parameter["in"] == "query":
                    roles = next(r for m, p, r in OPERATIONS if (m, p) == (method.upper(), path))
                    out.append((method.upper(), path, parameter["schema"]["maximum"], roles))
    return out


REQUIRED_QUERY = {"lat": 31.4567, "lng": 104.7462}


def test_every_paged_list_refuses_pages_past_its_maximum(app, client, world):
    """Generated from the document: every operation with per_page documents its maximum, and
    answers 422 past it (never a longer page); page numbers past PAGE_MAX are 422, not a 500."""
    from app.core.schemas import PAGE_MAX

    paged = _paged_operations(app)
    assert len(paged) >= 6
    for method, path, maximum, roles in paged:
        role = "keeper" if "keeper" in roles else roles[0]
        url = _path(world, path, OWN)
        query = dict(REQUIRED_QUERY) if "nearby" in path else {}
        headers = {"Authorization": f"Bearer {world.tokens[role]}"}
        ok = client.open(url, method=method, headers=headers, query_string={**query, "per_page": maximum})
        assert ok.status_code == 200, (path, ok.get_json())
        assert ok.get_json()["per_page"] == maximum
        for bad in ({"per_page": maximum + 1}, {"per_page": 0}, {"page": PAGE_MAX + 1}, {"page": 10**30}):
            r = client.open(url, method=method, headers=headers, query_string={**query, **bad})
            assert_error(r, 422, "validation_error")


# --- rate limits -------------------------------------------------------------------------------


def _assert_limited(r, code: str = "rate_limited"):
    assert_error(r, 429, code)
    assert int(r.headers["Retry-After"]) > 0


def test_login_failures_lock_the_account_with_retry_after(client, app_ctx):
    """The production rule, "5 per minute;10 per 15 minutes"."""
    StaffFactory(username="lock.me")
    for _ in range(5):
        r = client.post("/api/staff/v1/auth/login", json={"username": "lock.me", "password": "wrong-password"})
        assert r.status_code == 401
    r = client.post("/api/staff/v1/auth/login", json={"username": "lock.me", "password": PASSWORD})
    _assert_limited(r, "login_locked")


def test_mp_sign_in_is_limited_per_address(app, client, wx, monkeypatch):
    monkeypatch.setitem(app.config, "MP_SESSION_LIMIT_PER_IP", "2 per minute")
    for n in range(2):
        assert client.post("/api/mp/v1/session", json={"code": wx.login_code(f"o-limit-{n}")}).status_code == 200
    _assert_limited(client.post("/api/mp/v1/session", json={"code": wx.login_code("o-limit-3")}))


def test_checkins_are_limited_per_worker(app, client, world, monkeypatch):
    monkeypatch.setitem(app.config, "CHECKIN_LIMIT_PER_WORKER", "2 per minute")
    for _ in range(2):
        r = _send(client, world, "worker", "POST", "/api/mp/v1/checkins", {"scan": world.scans[0]})
        assert r.status_code in (200, 201), r.get_json()
    _assert_limited(_send(client, world, "worker", "POST", "/api/mp/v1/checkins", {"scan": world.scans[0]}))


def test_ratings_are_limited_per_worker(app, client, world, wx, monkeypatch):
    monkeypatch.setitem(app.config, "RATING_LIMIT_PER_WORKER", "1 per minute")
    from app.accounts.worker_models import Worker
    from app.registry.models import Station
    from tests.factories import CheckInFactory

    worker = db.session.get(Worker, world.actors["worker"][1])
    station = db.session.scalar(sa.select(Station).where(Station.code == "FC0002"))
    url = f"/api/mp/v1/checkins/{CheckInFactory(station=station, worker=worker).id}/rating"
    assert _send(client, world, "worker", "POST", url, {"score": 5}).status_code == 201
    _assert_limited(_send(client, world, "worker", "POST", url, {"score": 5}))


def test_wrong_binding_codes_are_limited(app, client, world, monkeypatch):
    monkeypatch.setitem(app.config, "KEEPER_BIND_FAILURES_PER_WORKER", "2 per minute")
    for _ in range(2):
        assert _send(client, world, "worker", "POST", "/api/mp/v1/keeper/bind", {"code": "ABCD2345"}).status_code == 404
    _assert_limited(_send(client, world, "worker", "POST", "/api/mp/v1/keeper/bind", {"code": "ABCD2345"}))


# --- no secrets in logs ------------------------------------------------------------------------


@pytest.fixture
def wechat_answers(monkeypatch) -> list[dict]:
    """Every JSON answer the app received from (the fake) WeChat, session_key and access_token
    included: what must never be logged."""
    answers: list[dict] = []
    send = HTTPAdapter.send

    def recording(self, request, *args, **kwargs):
        response = send(self, request, *args, **kwargs)
        with contextlib.suppress(ValueError):
            answers.append(response.json())
        return response

    monkeypatch.setattr(HTTPAdapter, "send", recording)
    return answers


def test_no_secret_reaches_the_logs(app, client, world, wx, wechat_answers, caplog):
    """A staff sign-in, a worker's WeChat sign-in, a check-in and a rated comment, with every
    log record captured (our loggers at DEBUG): none carries session_key, a token, the staff
    password, SECRET_KEY, SIGN_SECRET, the WeChat app secret or WeChat's access token."""
    caplog.set_level(logging.DEBUG, logger="app")
    caplog.set_level(logging.DEBUG, logger="miniprogram_api")
    caplog.set_level(logging.INFO)
    StaffFactory(username="log.staff")
    staff = client.post("/api/staff/v1/auth/login", json={"username": "log.staff", "password": PASSWORD}).get_json()
    client.post("/api/staff/v1/auth/login", json={"username": "log.staff", "password": "wrong-" + PASSWORD})
    session = client.post("/api/mp/v1/session", json={"code": wx.login_code("o-log-worker")})
    assert session.status_code == 200
    worker_token = session.get_json()["token"]
    headers = {"Authorization": f"Bearer {worker_token}"}
    visit = client.post("/api/mp/v1/checkins", headers=headers, json={"scan": world.scans[0], "services": ["water"]})
    assert visit.status_code == 201, visit.get_json()
    rating = client.post(f"/api/mp/v1/checkins/{visit.get_json()['id']}/rating", headers=headers, json={"score": 5, "comment": "很好"})
    assert rating.status_code == 201, rating.get_json()

    session_keys = [a["session_key"] for a in wechat_answers if "session_key" in a]
    access_tokens = [a["access_token"] for a in wechat_answers if "access_token" in a]
    assert session_keys and access_tokens  # the flow did reach WeChat for both
    secrets = {
        "session_key": session_keys,
        "WeChat access token": access_tokens,
        "staff token": [staff["token"]],
        "worker token": [worker_token],
        "other tokens": [t for t in world.tokens.values() if t],
        "staff password": [PASSWORD],
        "SECRET_KEY": [app.config["SECRET_KEY"]],
        "SIGN_SECRET": [app.config.get("SIGN_SECRET") or app.config["SECRET_KEY"]],
        "WECHAT_SECRET": [app.config["WECHAT_SECRET"]],
    }
    logged = caplog.text + "\n".join(json.dumps(r.args, default=str) for r in caplog.records if r.args)
    assert caplog.records  # something was logged, so the check has teeth
    leaked = [name for name, values in secrets.items() for value in values if value and value in logged]
    assert leaked == []
    assert all(key not in session.get_data(as_text=True) for key in session_keys)  # nor answered


# --- NUL characters ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "method", "url", "body", "status"),
    [
        ("city", "GET", "/api/staff/v1/stations/FC%000001", None, 404),
        ("worker", "GET", "/api/mp/v1/stations/FC%000001", None, 404),
        ("city", "GET", "/api/staff/v1/investments?station=FC%000001", None, 422),
        ("city", "GET", "/api/staff/v1/stations?q=%00", None, 422),
        ("city", "PATCH", "/api/staff/v1/stations/FC0001", {"name": "驿\u0000站"}, 422),
        ("worker", "POST", "/api/mp/v1/checkins", {"scan": "FC0001\u0000"}, 422),
    ],
)
def test_a_nul_character_is_refused_not_a_server_error(client, world, role, method, url, body, status):
    """PostgreSQL can neither store nor compare NUL: found by the fuzzer as a 500 on
    GET /investments?station=…; now a path with one does not exist and a field with one is 422."""
    r = _send(client, world, role, method, url, body)
    assert_error(r, status)
