"""Checks shared by the API tests."""

from __future__ import annotations

import re

CJK = re.compile(r"[\u4e00-\u9fff]")


def assert_error(r, status: int, code: str | None = None) -> dict:
    """The one error shape, a stable English code and a Chinese message; returns the error."""
    assert r.status_code == status, r.get_json()
    body = r.get_json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) <= {"code", "message", "details"}
    assert error["code"] and error["code"].isascii()
    assert CJK.search(error["message"]), error["message"]
    if code:
        assert error["code"] == code
    return error
