"""A fake WeChat API server for development and tests: the HTTP contract of WECHAT.md
(jscode2session, cgi-bin/token, getwxacodeunlimit, msg_sec_check v2, subscribe/send) in
memory, plus a control API of its own under /__control/.

Independent of the `app` package on purpose: it stands for WeChat, not for us.
Run it with `python -m fake_wechat --port 8100` or `flask wechat fake --port 8100`."""

from __future__ import annotations

import os

from flask import Flask

from fake_wechat.state import State

DEFAULT_APPID = "wxfake0000000000"
DEFAULT_SECRET = "fake-secret"


def create_app(appid: str | None = None, secret: str | None = None, devtools_openid: str | None = None) -> Flask:
    """`devtools_openid`: development only — codes the fake never minted (WeChat DevTools'
    own wx.login) log in as this openid (fake_wechat/state.py). Never from the environment, so
    the tests' fake always refuses unknown codes."""
    from fake_wechat import control, push, wechat_api

    app = Flask(__name__)
    app.json.ensure_ascii = False
    appid = appid or os.environ.get("FAKE_WECHAT_APPID") or DEFAULT_APPID
    secret = secret or os.environ.get("FAKE_WECHAT_SECRET") or DEFAULT_SECRET
    app.extensions["fake_wechat"] = State(appid, secret, devtools_start=devtools_openid)
    app.register_blueprint(wechat_api.bp)
    app.register_blueprint(control.bp)
    app.extensions["fake_wechat_push"] = push.PushState()
    app.register_blueprint(push.control_bp)  # media_check_async and the message push
    return app


def serve(host: str = "127.0.0.1", port: int = 8100, *, quiet: bool = False, devtools_openid: str | None = None) -> None:
    """Run on werkzeug's threaded server: a delayed answer must not hold up the others."""
    import logging

    from werkzeug.serving import run_simple

    if quiet:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
    run_simple(host, port, create_app(devtools_openid=devtools_openid), threaded=True, use_reloader=False, use_debugger=False)
