"""gunicorn workers whose own refusals answer in the API's error shape.

gunicorn refuses some requests before the app sees them: a request line (path and query string)
over `limit_request_line` (414), a header over `limit_request_field_size` or too many headers
(431), a malformed request (400). It writes those through `gunicorn.util.write_error`, an HTML
page. These workers keep gunicorn's limits and its logging, and swap that one writer for one that
answers `{"error": {"code", "message"}}` (Chinese message) as application/json. Nothing reaches
the app, so nothing is stored. gunicorn.conf.py picks the threaded or the sync one.
"""

from __future__ import annotations

import json

from gunicorn import util
from gunicorn.workers.gthread import ThreadWorker
from gunicorn.workers.sync import SyncWorker

from app.api.errors import HTTP_ERRORS

# Refusals only gunicorn makes; other statuses use the API's own codes and messages.
SERVER_REFUSALS = {
    414: ("request_line_too_long", "请求地址过长（含查询参数），请缩短后重试"),
    431: ("request_headers_too_large", "请求头过大，请精简后重试"),
    417: ("expectation_failed", "不支持该 Expect 请求头"),
    501: ("not_implemented", "不支持该传输编码"),
}


def refusal_body(status: int) -> bytes:
    code, message = SERVER_REFUSALS.get(status) or HTTP_ERRORS.get(status) or HTTP_ERRORS[500 if status >= 500 else 400]
    return json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False).encode()


def write_json_error(sock, status_int: int, reason: str, mesg: str) -> None:
    """gunicorn.util.write_error's signature; `mesg` (gunicorn's English detail, which may echo
    the request) is logged by gunicorn and never sent."""
    body = refusal_body(status_int)
    head = f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    util.write_nonblock(sock, head.encode("latin-1") + body)


class JsonRefusals:
    def init_process(self):
        # Once per worker process, before any request or thread: every refusal this process
        # writes is JSON. (gunicorn's handle_error looks the writer up on gunicorn.util.)
        util.write_error = write_json_error
        super().init_process()


class JsonThreadWorker(JsonRefusals, ThreadWorker):
    """gunicorn's gthread worker (threads > 1)."""


class JsonSyncWorker(JsonRefusals, SyncWorker):
    """gunicorn's sync worker (one thread)."""
