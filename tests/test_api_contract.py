"""The contract: one error shape everywhere under /api/, and an OpenAPI document for every endpoint."""

import re

import pytest

from tests.services import NO_DATABASE

SPEC = "/api/openapi.json"
UNDOCUMENTED = {"/api/openapi.json", "/api/docs", "/docs/oauth2-redirect", "/static/<path:filename>"}


@pytest.fixture
def spec(client):
    r = client.get(SPEC)
    assert r.status_code == 200
    return r.get_json()


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[^<>:]+:)?([^<>]+)>", r"{\1}", rule)  # <int:id> is {id} in OpenAPI


def test_every_endpoint_is_documented_with_schemas(app, spec):
    assert spec["openapi"].startswith("3.")
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.rule in UNDOCUMENTED or not rule.rule.startswith(("/api/", "/healthz")):
            continue  # web pages (/s/<code>) are HTML for people, not the API
        path = spec["paths"].get(_openapi_path(rule.rule))
        assert path is not None, f"{rule.rule} is missing from the OpenAPI document"
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            operation = path.get(method.lower())
            assert operation is not None, f"{method} {rule.rule} is not documented"
            assert operation.get("summary"), f"{method} {rule.rule} has no summary"
            success = [code for code in operation["responses"] if code.startswith("2")]
            assert success, f"{method} {rule.rule} documents no success response"
            if method in ("POST", "PATCH", "PUT") and rule.rule.endswith(("/stations", "/login", "/inspections", "/retire")):
                assert "requestBody" in operation, f"{method} {rule.rule} documents no request body"
            checked += 1
    assert checked >= 20


def test_documented_errors_use_the_one_error_schema(spec):
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for code, response in operation["responses"].items():
                if code.startswith(("4", "5")):
                    ref = response["content"]["application/json"]["schema"]["$ref"]
                    assert ref.endswith("/ErrorSchema"), f"{method} {path} {code} uses {ref}"


def test_spec_names_the_bearer_scheme(spec):
    assert "BearerAuth" in spec["components"]["securitySchemes"]


@pytest.mark.parametrize(
    ("method", "url", "status", "code"),
    [
        ("get", "/api/no-such-thing", 404, "not_found"),
        ("get", "/api/staff/v1/nothing-here", 404, "not_found"),
        ("delete", "/api/staff/v1/stations", 405, "method_not_allowed"),
        ("put", "/api/staff/v1/auth/login", 405, "method_not_allowed"),
    ],
)
def test_framework_errors_have_the_one_shape(client, method, url, status, code):
    r = getattr(client, method)(url)
    assert r.status_code == status
    body = r.get_json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert body["error"]["message"] and not body["error"]["message"].isascii()  # Chinese for people


def test_unexpected_errors_are_logged_not_leaked(fc_api, monkeypatch, caplog):
    from app.services import stations

    def explode(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(stations, "list_stations", explode)
    r = fc_api.get("/api/staff/v1/stations")
    assert r.status_code == 500
    assert r.get_json() == {"error": {"code": "internal_error", "message": "服务器内部错误，请稍后再试"}}
    assert "secret internal detail" not in r.get_data(as_text=True)
    assert "secret internal detail" in caplog.text


def test_malformed_json_body(fc_api):
    r = fc_api.post("/api/staff/v1/stations", data="{not json", headers={"Content-Type": "application/json"})
    assert r.status_code in (400, 422)
    assert r.get_json()["error"]["code"] in ("bad_request", "validation_error")


def test_json_body_that_is_not_an_object(fc_api):
    r = fc_api.post("/api/staff/v1/stations", json=[1, 2, 3])
    assert r.status_code == 422
    assert r.get_json()["error"]["code"] == "validation_error"


def test_miniprogram_blueprint_is_mounted(client):
    assert client.get("/api/mp/v1/ping").get_json() == {"status": "ok"}


def test_healthz_reports_redis_down_as_degraded(app, make_app):
    degraded = make_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], "REDIS_URL": "redis://127.0.0.1:1/0"})
    body = degraded.test_client().get("/healthz").get_json()
    assert body["status"] == "degraded"
    assert body["redis"] == {"ok": False, "configured": True}
    assert body["database"]["ok"] is True


def test_healthz_reports_database_down(make_app):
    app = make_app({"SQLALCHEMY_DATABASE_URI": NO_DATABASE})
    r = app.test_client().get("/healthz")
    assert r.status_code == 503
    assert r.get_json()["status"] == "down"


def test_database_down_answers_503_with_retry_after(make_app):
    app = make_app({"SQLALCHEMY_DATABASE_URI": NO_DATABASE})
    r = app.test_client().post("/api/staff/v1/auth/login", json={"username": "a", "password": "b"})
    assert r.status_code == 503
    assert r.headers["Retry-After"]
    assert r.get_json()["error"]["code"] == "database_unavailable"
