"""gunicorn's own refusals — a request line (path and query string) over its limit, a header over
its limit, too many headers, a malformed request — answer in the API's error shape (JSON, a
stable code, a Chinese message) with a 4xx, and store nothing: the app never sees the request.
Against the app as production runs it (tests/live.py): gunicorn.conf.py, its worker class."""

from __future__ import annotations

import re
import socket
from urllib.parse import urlsplit

import psycopg
import pytest
import requests

from tests.conftest import RUN_ID
from tests.live import checkin_rows, live_env, new_station, staff_headers, worker_headers
from tests.services import REDIS_TEST_URL

CJK = re.compile(r"[\u4e00-\u9fff]")
LONG = "x" * 5000  # gunicorn's limit_request_line is 4094 bytes
BIG_HEADER = "y" * 9000  # limit_request_field_size is 8190 bytes


@pytest.fixture(scope="module")
def server(fake_wechat):
    from bench.server import running_app

    with running_app(workers=1, env=live_env(fake_wechat, REDIS_TEST_URL), name=f"{RUN_ID}_refusals") as running:
        yield running


def station_rows(server) -> int:
    with psycopg.connect(server.env["YIZHAN_DATABASE_URL"].replace("+psycopg", "")) as conn:
        return conn.execute("SELECT count(*) FROM stations").fetchone()[0]


def assert_refusal(r: requests.Response, status: int, code: str) -> None:
    assert r.status_code == status, r.text[:300]
    assert r.headers["Content-Type"] == "application/json"
    error = r.json()["error"]
    assert error["code"] == code and CJK.search(error["message"]), error
    assert "<html" not in r.text and "x" * 50 not in r.text  # neither gunicorn's page nor the request echoed


def test_a_long_query_string_is_a_json_414_and_stores_nothing(server):
    headers = staff_headers(server)
    before = station_rows(server)
    body = {"name": "过长地址", "district": "FC", "address": "绵阳市涪城区", "lat": 31.45, "lng": 104.74, "build_mode": "self_built"}
    r = requests.post(f"{server.base_url}/api/staff/v1/stations?pad={LONG}", json=body, headers=headers, timeout=10)
    assert_refusal(r, 414, "request_line_too_long")
    assert station_rows(server) == before


def test_a_long_path_is_a_json_414(server):
    assert_refusal(requests.get(f"{server.base_url}/api/mp/v1/stations/{LONG}", timeout=10), 414, "request_line_too_long")


def test_an_oversized_header_is_a_json_431_and_stores_nothing(server, fake_wechat):
    code, scan = new_station(server)
    headers = {**worker_headers(server, fake_wechat, "o-refusal-header"), "X-Padding": BIG_HEADER}
    r = requests.post(f"{server.base_url}/api/mp/v1/checkins", json={"scan": scan, "services": []}, headers=headers, timeout=10)
    assert_refusal(r, 431, "request_headers_too_large")
    assert checkin_rows(server, code) == 0


def test_too_many_headers_is_a_json_431(server):
    headers = {f"X-H{n}": "1" for n in range(120)}  # limit_request_fields is 100
    assert_refusal(requests.get(f"{server.base_url}/healthz", headers=headers, timeout=10), 431, "request_headers_too_large")


def test_a_malformed_request_is_a_json_400(server):
    where = urlsplit(server.base_url)
    with socket.create_connection((where.hostname, where.port), timeout=10) as sock:
        sock.sendall(b"NOT A REQUEST\r\n\r\n")
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ") and b"Content-Type: application/json" in head
    assert b'"code": "bad_request"' in body and CJK.search(body.decode())


def test_the_app_still_answers_normally(server):
    assert requests.get(f"{server.base_url}/healthz", timeout=10).status_code == 200
