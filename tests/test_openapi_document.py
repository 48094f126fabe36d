"""The OpenAPI document as a client generator reads it: it validates, every schema has one stable
name, every file answer says it is bytes, and each mini-program operation lists the error codes
it may answer (app/api/error_docs.py; tests/test_fuzz_api.py checks the answers keep to them)."""

from __future__ import annotations

import re
import warnings

import pytest
from openapi_spec_validator import validate

SPEC = "/api/openapi.json"
BINARY = {"type": "string", "format": "binary"}
FILE_ANSWERS = {
    ("get", "/api/staff/v1/stations/{code}/sign.pdf"): {"application/pdf"},
    ("get", "/api/staff/v1/stations/{code}/sign.png"): {"image/png"},
    ("get", "/api/staff/v1/stations/{code}/wxacode.png"): {"image/png"},
    ("get", "/api/staff/v1/signs.pdf"): {"application/pdf"},
    ("get", "/api/staff/v1/stations/import/template"): {"text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    ("get", "/api/staff/v1/investments/import/template"): {"text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    ("get", "/api/staff/v1/reports/visits"): {"text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    ("get", "/api/staff/v1/reports/quarterly"): {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
}
CHECK_IN_CODES = {
    "unauthorized", "bad_request", "validation_error", "rate_limited", "scan_invalid", "sign_outdated", "station_closed",
    "station_not_in_service", "station_closed_temporarily", "station_not_open", "too_far", "idempotency_key_reused",
    "database_unavailable", "internal_error", "privacy_consent_required",
}  # fmt: skip


@pytest.fixture
def spec(client):
    response = client.get(SPEC)
    assert response.status_code == 200
    return response.get_json()


def _operations(spec):
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            yield method, path, operation


def test_the_document_validates(spec):
    validate(spec)  # raises on e.g. "Duplicate tag name 'Reports'"


def test_tags_are_listed_once(spec):
    names = [tag["name"] for tag in spec["tags"]]
    assert len(names) == len(set(names))


def test_schema_names_are_unique_and_carry_no_number(spec):
    """No `StationOut1`: a class reached both nested and at the top keeps one name, and every
    reference points at a component that exists."""
    names = set(spec["components"]["schemas"])
    assert [name for name in names if name[-1].isdigit()] == []
    assert {"StationOut", "InspectionOut", "InvestmentOut", "StaffRatingOut"} <= names
    referenced = set(re.findall(r'"#/components/schemas/([^"]+)"', str(spec).replace("'", '"')))
    assert referenced <= names
    assert len(referenced) > 50


def test_no_schema_is_registered_twice(app_ctx):
    """apispec warns when one class is added a second time (under another name)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        spec = app_ctx.spec
    assert spec["components"]["schemas"]
    assert [str(w.message) for w in caught if "already been added" in str(w.message)] == []


def test_every_file_answer_is_binary(spec):
    files = {}
    for method, path, operation in _operations(spec):
        for status, response in operation["responses"].items():
            for media_type, content in response.get("content", {}).items():
                if media_type == "application/json":
                    continue
                assert content.get("schema") == BINARY, f"{method} {path} {status} {media_type}: {content}"
                files.setdefault((method, path), set()).add(media_type)
    for operation, media_types in FILE_ANSWERS.items():
        assert media_types <= files.get(operation, set()), operation


def _lists_error_codes(path: str) -> bool:
    """The mini-program's operations, and the staff's keeper endpoints."""
    if path.startswith("/api/mp/v1/"):
        return path != "/api/mp/v1/ping"
    return path.startswith("/api/staff/v1/stations/{code}/") and ("/keeper" in path or path.endswith("/status-history"))


def test_mini_program_and_keeper_operations_list_their_error_codes(spec):
    checked = 0
    for method, path, operation in _operations(spec):
        if not _lists_error_codes(path):
            continue
        listed = operation.get("x-error-codes")
        assert listed, f"{method} {path} lists no x-error-codes"
        for entry in listed:
            assert set(entry) == {"status", "code"} and re.fullmatch(r"[a-z][a-z0-9_]*", entry["code"]), entry
            assert str(entry["status"]) in operation["responses"], f"{method} {path}: {entry} has no documented response"
            assert entry["code"] in operation["responses"][str(entry["status"])]["description"]
        checked += 1
    assert checked >= 21


def test_the_check_in_lists_every_code_it_can_answer(spec):
    listed = spec["paths"]["/api/mp/v1/checkins"]["post"]["x-error-codes"]
    assert {entry["code"] for entry in listed} == CHECK_IN_CODES
    assert {"status": 403, "code": "too_far"} in listed
