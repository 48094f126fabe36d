"""The WeChat server API, as docs/wechat.md describes it. Like WeChat, every failure is HTTP 200
with `errcode` in a JSON body; bodies are read with force=True because wechatpy sends JSON
without a Content-Type."""

from __future__ import annotations

import re
import secrets
import socket
import time

from flask import Blueprint, Response, current_app, jsonify, request

from fake_wechat.qr import scene_jpeg
from fake_wechat.state import State

bp = Blueprint("wechat", __name__)

ERRMSG = {
    -1: "system error",
    40001: "invalid credential, access_token is invalid or not latest",
    40002: "invalid grant_type",
    40003: "invalid openid",
    40013: "invalid appid",
    40029: "invalid code",
    40037: "invalid template_id",
    40097: "invalid args",
    40125: "invalid appsecret",
    40129: "invalid scene",
    40163: "code been used",
    40169: "invalid length for scene, or the data is not json",
    40226: "high risk user",
    41001: "access_token missing",
    41008: "missing code",
    41030: "invalid page",
    42001: "access_token expired",
    43101: "user refuse to accept the msg",
    43104: "this appid does not have permission",
    45009: "reach max api daily quota limit",
    45011: "api minute-quota reach limit",
    47001: "data format error",
    47003: "argument invalid! data.thing1.value invalid",
    61010: "code is expired",
}

SCENE_CHARS = re.compile(r"[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]*")
ENV_VERSIONS = {"release", "trial", "develop"}
# subscribe message data: the longest value each kind of keyword takes
VALUE_LIMITS = {
    "thing": 20,
    "number": 32,
    "letter": 32,
    "symbol": 5,
    "character_string": 32,
    "phone_number": 17,
    "car_number": 8,
    "name": 10,
    "phrase": 5,
    "amount": 32,
    "time": 32,
    "date": 32,
}


def state() -> State:
    return current_app.extensions["fake_wechat"]


def error(errcode: int, errmsg: str | None = None):
    return jsonify(errcode=errcode, errmsg=errmsg or ERRMSG.get(errcode, "error"))


def ok(**body):
    return jsonify(errcode=0, errmsg="ok", **body)


@bp.before_request
def _injected_faults():
    """A fault set through the control API for this path: wait, then fail in the chosen way."""
    fault = state().take_fault(request.path.lstrip("/"))
    if fault is None:
        return None
    if fault.delay:
        time.sleep(fault.delay)
    if fault.drop:
        _drop_connection()
        return Response(status=500)
    if fault.status:
        return Response("Internal Server Error", status=fault.status, mimetype="text/plain")
    if fault.errcode is not None:
        return error(fault.errcode)
    return None


def _drop_connection() -> None:
    # werkzeug's dev server hands us its socket; shutting it makes the client see the connection
    # close without an answer, and werkzeug treats the failed write as a dropped connection.
    sock = request.environ.get("werkzeug.socket")
    if sock is not None:
        sock.shutdown(socket.SHUT_RDWR)


def _body() -> dict | None:
    body = request.get_json(force=True, silent=True)
    return body if isinstance(body, dict) else None


def _token_problem():
    errcode = state().token_error(request.args.get("access_token"))
    return error(errcode) if errcode else None


@bp.get("/sns/jscode2session")
def jscode2session():
    args, st = request.args, state()
    if args.get("appid") != st.appid:
        return error(40013)
    if args.get("secret") != st.secret:
        return error(40125)
    if args.get("grant_type") != "authorization_code":
        return error(40002)
    if not args.get("js_code"):
        return error(41008)
    login = st.exchange_code(args["js_code"])
    if isinstance(login, int):
        return error(login)
    body = {"openid": login.openid, "session_key": secrets.token_urlsafe(18)}
    if login.unionid:
        body["unionid"] = login.unionid
    return jsonify(body)  # like WeChat: no errcode on success


@bp.get("/cgi-bin/token")
def token():
    args, st = request.args, state()
    if args.get("grant_type") != "client_credential":
        return error(40002)
    if args.get("appid") != st.appid:
        return error(40013)
    if args.get("secret") != st.secret:
        return error(40125)
    return jsonify(access_token=st.issue_token(), expires_in=7200)


@bp.post("/wxa/getwxacodeunlimit")
def wxacode_unlimited():
    if (problem := _token_problem()) is not None:
        return problem
    body = _body()
    if body is None:
        return error(40169)
    errcode = _wxacode_problem(body)
    if errcode:
        return error(errcode)
    width = min(1280, max(280, _width(body)))  # WeChat clamps the width
    return Response(scene_jpeg(body["scene"], width), mimetype="image/jpeg")


def _width(body: dict) -> int:
    width = body.get("width", 430)
    return int(width) if str(width).isdigit() else -1


def _wxacode_problem(body: dict) -> int | None:
    scene = body.get("scene")
    if not isinstance(scene, str) or not 0 < len(scene) <= 32:
        return 40169
    if not SCENE_CHARS.fullmatch(scene):
        return 40129
    page = body.get("page")
    if page is not None and (not isinstance(page, str) or not page or page.startswith("/") or "?" in page):
        return 41030
    if body.get("env_version", "release") not in ENV_VERSIONS:
        return 40097
    if _width(body) < 0:
        return 47001
    return None


@bp.post("/wxa/msg_sec_check")
def msg_sec_check():
    if (problem := _token_problem()) is not None:
        return problem
    body = _body()
    if body is None or not isinstance(body.get("content"), str) or len(body["content"]) > 2500:
        return error(47001)
    suggest, label = state().verdict_for(body["content"])
    if body.get("version") != 2:
        # v1: errcode 87014 for anything not clean, nothing else
        return error(87014, "risky content") if suggest != "pass" else ok()
    return _msg_sec_check_v2(body, suggest, label)


def _msg_sec_check_v2(body: dict, suggest: str, label: int):
    openid, st = body.get("openid"), state()
    if body.get("scene") not in (1, 2, 3, 4) or not isinstance(openid, str) or not openid:
        return error(47001)
    if not st.known_openid(openid):
        return error(43104)
    if not st.recently_active(openid):
        return error(61010)
    detail = [{"strategy": "content_model", "errcode": 0, "suggest": suggest, "label": label, "prob": 90}]
    result = {"suggest": suggest, "label": label}
    return ok(result=result, detail=detail, trace_id=secrets.token_hex(12))


@bp.post("/cgi-bin/message/subscribe/send")
def subscribe_send():
    if (problem := _token_problem()) is not None:
        return problem
    body, st = _body(), state()
    if body is None:
        return error(47001)
    if not isinstance(body.get("touser"), str) or not st.known_openid(body["touser"]):
        return error(40003)
    if not isinstance(body.get("template_id"), str) or not st.known_template(body["template_id"]):
        return error(40037)
    bad_key = _bad_data_key(body.get("data"))
    if bad_key:
        return error(47003, f"argument invalid! data.{bad_key}.value invalid")
    message = {k: body.get(k) for k in ("touser", "template_id", "page", "data", "miniprogram_state", "lang")}
    if not st.deliver(message):
        return error(43101)
    return jsonify(errcode=0, errmsg="ok", msgid=secrets.randbits(50))


def _bad_data_key(data) -> str | None:
    if not isinstance(data, dict) or not data:
        return "data"
    for key, entry in data.items():
        value = entry.get("value") if isinstance(entry, dict) else None
        kind = key.rstrip("0123456789")
        if not isinstance(value, str) or not value or len(value) > VALUE_LIMITS.get(kind, 20):
            return key
    return None
