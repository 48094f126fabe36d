"""The fake's own control API under /__control/: what tests and the demo use to play the WeChat
user and the WeChat platform (mint login codes, set verdicts, grant consents, break things).
Answers are JSON; bad input gets 400 with {"error": ...}."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from fake_wechat.state import SEVERITY, Fault, State

bp = Blueprint("control", __name__, url_prefix="/__control")

MAX_DELAY = 120


class BadRequest(Exception):
    pass


@bp.errorhandler(BadRequest)
def _bad_request(exc: BadRequest):
    return jsonify(error=str(exc)), 400


def state() -> State:
    return current_app.extensions["fake_wechat"]


def body() -> dict:
    data = request.get_json(force=True, silent=True)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise BadRequest("body must be a JSON object")
    return data


def text(data: dict, name: str, *, required: bool = True) -> str | None:
    value = data.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value:
        raise BadRequest(f"{name} must be a non-empty string")
    return value


def integer(data: dict, name: str, default: int | None = None) -> int | None:
    value = data.get(name, default)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise BadRequest(f"{name} must be an integer")
    return value


@bp.get("/ping")
def ping():
    return jsonify(status="ok", appid=state().appid)


@bp.post("/codes")
def mint_code():
    """The user opens the mini-program and wx.login() hands it a code: {openid, unionid?, errcode?}."""
    data = body()
    openid, unionid = text(data, "openid"), text(data, "unionid", required=False)
    code = state().mint_code(openid, unionid, integer(data, "errcode"))
    return jsonify(code=code, openid=openid, unionid=unionid, expires_in=300), 201


@bp.get("/devtools")
def get_devtools():
    """Who a code from WeChat DevTools (one this fake never minted) logs in as; null: nobody."""
    return jsonify(openid=state().devtools_openid)


@bp.put("/devtools")
def set_devtools():
    """Switch who DevTools logs in as ({"openid": "o-demo-keeper"}), or off ({"openid": null}).
    Development only: with it on, an unknown code is a login instead of 40029."""
    data = body()
    openid = text(data, "openid", required=False)
    state().set_devtools(openid)
    return jsonify(openid=openid)


@bp.post("/verdicts")
def set_verdict():
    """msg_sec_check's verdict for content containing `text`: {text, suggest, label?}."""
    data = body()
    suggest = data.get("suggest")
    if suggest not in SEVERITY:
        raise BadRequest(f"suggest must be one of {sorted(SEVERITY)}")
    state().set_verdict(text(data, "text"), suggest, integer(data, "label"))
    return jsonify(text=data["text"], suggest=suggest), 201


@bp.post("/consents")
def grant_consent():
    """The user accepts a subscribe template (wx.requestSubscribeMessage): {openid, template_id, count?}."""
    data = body()
    count = integer(data, "count", 1)
    if count < 1:
        raise BadRequest("count must be at least 1")
    remaining = state().grant_consent(text(data, "openid"), text(data, "template_id"), count)
    return jsonify(openid=data["openid"], template_id=data["template_id"], remaining=remaining), 201


@bp.get("/messages")
def messages():
    sent = state().sent_messages(request.args.get("openid"), request.args.get("template_id"))
    return jsonify(messages=sent)


@bp.post("/faults")
def set_fault():
    """Break one API path ("cgi-bin/token", "*" for all): {path, delay?, errcode?, status?, drop?, times?}."""
    data = body()
    path = text(data, "path").lstrip("/")
    delay = data.get("delay", 0)
    if isinstance(delay, bool) or not isinstance(delay, int | float) or not 0 <= delay <= MAX_DELAY:
        raise BadRequest(f"delay must be 0 to {MAX_DELAY} seconds")
    status = integer(data, "status")
    if status is not None and not 400 <= status <= 599:
        raise BadRequest("status must be an HTTP error status")
    times = integer(data, "times")
    if times is not None and times < 1:
        raise BadRequest("times must be at least 1")
    fault = Fault(delay=float(delay), errcode=integer(data, "errcode"), status=status, drop=bool(data.get("drop")), times=times)
    state().set_fault(path, fault)
    return jsonify(path=path, **fault.__dict__), 201


@bp.delete("/faults")
def clear_faults():
    state().clear_faults()
    return "", 204


@bp.post("/token/<any(expire, invalidate):how>")
def end_tokens(how: str):
    """Every token issued so far stops working: expire → 42001, invalidate → 40001."""
    return jsonify(tokens=state().end_tokens(how))


@bp.post("/clock")
def advance_clock():
    """Move the fake's clock forward: {advance: seconds}. Codes, tokens and activity age with it."""
    seconds = body().get("advance")
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0:
        raise BadRequest("advance must be a number of seconds ≥ 0")
    return jsonify(now=state().advance(seconds))


@bp.get("/stats")
def stats():
    return jsonify(state().stats())


@bp.post("/reset")
def reset():
    """Forget everything: codes, tokens, verdicts, consents, messages, faults, counters, clock."""
    state().reset()
    current_app.extensions["fake_wechat_push"].reset()  # fake_wechat/push.py
    return "", 204
