"""The WeChat gateway (app/adapters/wechat.py) against the running fake WeChat server: what it
answers, how it fails, and that it never hangs or retries without end."""

from __future__ import annotations

import dataclasses
import io
import logging
import socket

import pytest
import redis
import zxingcpp
from PIL import Image
from redis.backoff import NoBackoff
from redis.retry import Retry

import fake_wechat as fake_wechat_package
from app.adapters.wechat import (
    TextVerdict,
    WeChatCodeInvalid,
    WeChatGateway,
    WeChatRateLimited,
    WeChatRejected,
    WeChatUnavailable,
    WeChatUserBlocked,
    WxSession,
)
from app.extensions import wechat
from config import ConfigError, load_config
from tests.test_config import PRODUCTION_ENV


@pytest.fixture
def wx(wx, app):
    """The reset fake (conftest's), and no token cached anywhere: each test counts its own fetches."""
    store = app.extensions["redis_store"]
    if store.client is not None:
        store.client.delete(token_key(app))
    return wx


def token_key(app) -> str:
    return f"{app.config['REDIS_KEY_PREFIX']}:wechat:{app.config['WECHAT_APPID']}_access_token"


@pytest.fixture
def gateway(app, wx):
    return WeChatGateway.from_app(app)


# login ----------------------------------------------------------------------------------------


def test_login_code_gives_the_openid_and_unionid(gateway, wx):
    session = gateway.code_to_session(wx.login_code("o-worker", unionid="u-worker"))
    assert session == WxSession(openid="o-worker", unionid="u-worker")
    assert [f.name for f in dataclasses.fields(WxSession)] == ["openid", "unionid"]


def test_login_needs_no_access_token(gateway, wx):
    # jscode2session takes none: a token outage must not break login too.
    wx.fail("cgi-bin/token", errcode=-1)
    assert gateway.code_to_session(wx.login_code("o-worker")).openid == "o-worker"
    assert wx.stats()["token_fetches"] == 0


def test_session_key_is_never_logged(gateway, wx, caplog):
    with caplog.at_level(logging.DEBUG):
        gateway.code_to_session(wx.login_code("o-worker"))
    assert "session_key" not in caplog.text


def test_a_code_used_twice_is_invalid(gateway, wx):
    code = wx.login_code("o-worker")
    gateway.code_to_session(code)
    with pytest.raises(WeChatCodeInvalid) as caught:
        gateway.code_to_session(code)
    assert caught.value.code == "wechat_code_invalid"
    assert caught.value.errcode == 40163
    assert isinstance(caught.value, WeChatRejected)


def test_an_unknown_or_empty_code_is_invalid(gateway):
    for code in ("made-up", ""):
        with pytest.raises(WeChatCodeInvalid):
            gateway.code_to_session(code)


@pytest.mark.parametrize(
    ("errcode", "error", "code"),
    [(45011, WeChatRateLimited, "wechat_rate_limited"), (40226, WeChatUserBlocked, "wechat_user_blocked")],
)
def test_login_refusals_have_their_own_codes(gateway, wx, errcode, error, code):
    with pytest.raises(error) as caught:
        gateway.code_to_session(wx.login_code("o-worker", errcode=errcode))
    assert caught.value.code == code
    assert caught.value.details == {"errcode": errcode}


# access token: one bounded retry --------------------------------------------------------------


@pytest.mark.parametrize("how", ["invalidate", "expire"])
def test_a_dead_token_is_refetched_once_and_the_call_retried(gateway, wx, how):
    wx.login_code("o-rater")
    assert gateway.check_text("你好", "o-rater").suggest == "pass"
    wx.end_tokens(how)
    assert gateway.check_text("你好", "o-rater").suggest == "pass"
    stats = wx.stats()
    assert stats["token_fetches"] == 2
    assert stats["calls"]["wxa/msg_sec_check"] == 3


def test_a_token_refused_every_time_ends_in_an_error_not_recursion(gateway, wx):
    wx.login_code("o-rater")
    wx.fail("wxa/msg_sec_check", errcode=40001)
    with pytest.raises(WeChatRejected) as caught:
        gateway.check_text("你好", "o-rater")
    assert caught.value.errcode == 40001
    stats = wx.stats()
    assert stats["calls"]["wxa/msg_sec_check"] == 2
    assert stats["token_fetches"] == 2


def test_wrong_credentials_are_a_configuration_error(app, wx):
    gateway = WeChatGateway(app.config["WECHAT_APPID"], "wrong-secret", api_base=app.config["WECHAT_API_BASE"])
    with pytest.raises(WeChatRejected) as caught:
        gateway.check_text("你好", "o-rater")
    assert caught.value.code == "wechat_misconfigured"
    assert caught.value.errcode == 40125


@pytest.mark.parametrize("with_redis", [True, False], ids=["redis", "in-process"])
def test_token_is_shared_through_redis_when_configured(app, make_app, wx, with_redis):
    if not with_redis:  # the same app without Redis: each process keeps its own token
        app = make_app({**{k: app.config[k] for k in ("SQLALCHEMY_DATABASE_URI", "WECHAT_API_BASE")}, "REDIS_URL": None})
    wx.login_code("o-rater")
    first, second = WeChatGateway.from_app(app), WeChatGateway.from_app(app)
    first.check_text("你好", "o-rater")
    second.check_text("你好", "o-rater")
    if with_redis:  # Redis: one token for every worker
        assert app.extensions["redis_store"].client.get(token_key(app)) is not None
        assert wx.stats()["token_fetches"] == 1
    else:  # in-process store: each process fetches its own
        assert wx.stats()["token_fetches"] == 2


def test_redis_down_costs_a_token_fetch_not_an_error(app, wx):
    # no retries: redis-py's default backoff would make each failing call take seconds
    dead = redis.Redis(port=_closed_port(), socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0))
    gateway = WeChatGateway.from_app(app, redis_client=dead)
    wx.login_code("o-rater")
    assert gateway.check_text("你好", "o-rater").suggest == "pass"
    assert gateway.check_text("你好", "o-rater").suggest == "pass"
    assert wx.stats()["token_fetches"] == 1  # kept in the process meanwhile


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# WeChat down or slow ---------------------------------------------------------------------------


@pytest.mark.parametrize("fault", [{"status": 500}, {"errcode": -1}, {"drop": True}, {"status": 503}])
@pytest.mark.parametrize("path", ["wxa/msg_sec_check", "cgi-bin/token"])
def test_wechat_failing_is_unavailable(gateway, wx, path, fault):
    wx.login_code("o-rater")
    wx.fail(path, **fault)
    with pytest.raises(WeChatUnavailable) as caught:
        gateway.check_text("你好", "o-rater")
    assert caught.value.code == "wechat_unavailable"
    assert caught.value.message == "微信服务暂时不可用，请稍后再试"


@pytest.mark.parametrize("path", ["wxa/msg_sec_check", "cgi-bin/token", "sns/jscode2session"])
def test_wechat_slower_than_the_timeout_is_unavailable(app, wx, path):
    gateway = WeChatGateway.from_app(app, timeout=0.2)
    code = wx.login_code("o-rater")
    # The late answer is a refusal: only the timeout can make this WeChatUnavailable, and the
    # request, finished after the test, changes nothing in the fake.
    wx.fail(path, delay=1, errcode=40164)
    with pytest.raises(WeChatUnavailable):
        if path == "sns/jscode2session":
            gateway.code_to_session(code)
        else:
            gateway.check_text("你好", "o-rater")


def test_an_unreachable_wechat_is_unavailable(app):
    gateway = WeChatGateway.from_app(app, api_base=f"http://127.0.0.1:{_closed_port()}/", redis_client=None)
    with pytest.raises(WeChatUnavailable):
        gateway.code_to_session("any")


# mini-program codes -----------------------------------------------------------------------------


def test_unlimited_code_is_a_jpeg_of_the_scene(gateway):
    scene = "FC0001.3~a1"
    image = gateway.get_unlimited_code(scene, page="pages/station/index", width=280, env_version="develop", check_path=False)
    assert image[:2] == b"\xff\xd8"
    opened = Image.open(io.BytesIO(image))
    assert opened.format == "JPEG" and opened.size == (280, 280)
    assert [barcode.text for barcode in zxingcpp.read_barcodes(opened)] == [scene]


@pytest.mark.parametrize(
    ("kwargs", "code", "errcode"),
    [
        ({"scene": "x" * 33}, "wechat_bad_scene", 40169),
        ({"scene": "站点"}, "wechat_bad_scene", 40129),
        ({"scene": "a", "page": "/pages/station/index"}, "wechat_bad_page", 41030),
        ({"scene": "a", "env_version": "beta"}, "wechat_bad_request", 40097),
    ],
)
def test_bad_unlimited_code_requests_are_rejected(gateway, kwargs, code, errcode):
    with pytest.raises(WeChatRejected) as caught:
        gateway.get_unlimited_code(**kwargs)
    assert (caught.value.code, caught.value.errcode) == (code, errcode)


# text checks and subscribe messages -----------------------------------------------------------


@pytest.mark.parametrize(("suggest", "label"), [("pass", 100), ("review", 10001), ("risky", 20003)])
def test_text_verdicts(gateway, wx, suggest, label):
    wx.login_code("o-rater")
    wx.set_verdict("站点", suggest, label)
    assert gateway.check_text("这个站点", "o-rater") == TextVerdict(suggest=suggest, label=label)


def test_text_check_of_a_user_not_seen_lately_is_rejected(gateway):
    with pytest.raises(WeChatRejected) as caught:
        gateway.check_text("你好", "o-never-seen")
    assert caught.value.errcode == 43104


def test_subscribe_message_uses_up_the_consent(gateway, wx):
    wx.login_code("o-sub")
    wx.grant_consent("o-sub", "tpl-visit")
    gateway.send_subscribe_message(
        "o-sub", "tpl-visit", {"thing1": "绵阳涪城驿站", "time2": {"value": "2026-05-01 10:00"}}, page="pages/me/index"
    )
    [message] = wx.messages("o-sub")
    assert message["data"] == {"thing1": {"value": "绵阳涪城驿站"}, "time2": {"value": "2026-05-01 10:00"}}
    assert message["page"] == "pages/me/index"
    with pytest.raises(WeChatRejected) as caught:
        gateway.send_subscribe_message("o-sub", "tpl-visit", {"thing1": "再来一条"})
    assert caught.value.code == "wechat_not_subscribed"


def test_subscribe_message_too_long_is_rejected(gateway, wx):
    wx.grant_consent("o-sub", "tpl-visit")
    with pytest.raises(WeChatRejected) as caught:
        gateway.send_subscribe_message("o-sub", "tpl-visit", {"thing1": "字" * 21})
    assert caught.value.errcode == 47003


# the extension and the HTTP answers ------------------------------------------------------------


def test_the_extension_uses_the_apps_gateway(app_ctx, wx):
    assert wechat.code_to_session(wx.login_code("o-ext")).openid == "o-ext"


def answer_to(app, error):
    with app.test_request_context():
        return app.make_response(app.handle_user_exception(error))


def test_wechat_unavailable_is_503_with_retry_after(app):
    response = answer_to(app, WeChatUnavailable())
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.get_json() == {"error": {"code": "wechat_unavailable", "message": "微信服务暂时不可用，请稍后再试"}}


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (WeChatCodeInvalid(errcode=40163), 401),
        (WeChatRejected(errcode=47003), 502),
        (WeChatRateLimited(errcode=45011), 429),
        (WeChatUserBlocked(errcode=40226), 403),
    ],
)
def test_wechat_rejections_have_their_status(app, error, status):
    response = answer_to(app, error)
    assert response.status_code == status
    assert response.get_json()["error"]["details"] == {"errcode": error.errcode}


def test_flask_wechat_fake_serves_the_fake(app, monkeypatch):
    served = []

    def serve(host, port, quiet=False, devtools_openid=None):
        served.append((host, port, quiet, devtools_openid))

    monkeypatch.setattr(fake_wechat_package, "serve", serve)
    result = app.test_cli_runner().invoke(args=["wechat", "fake", "--port", "8123"])
    assert result.exit_code == 0, result.output
    devtools = app.test_cli_runner().invoke(args=["wechat", "fake", "--devtools-openid", "o-demo-worker"])
    assert devtools.exit_code == 0, devtools.output
    assert "DevTools mode" in devtools.output
    assert served == [("127.0.0.1", 8123, False, None), ("127.0.0.1", 8100, False, "o-demo-worker")]


# configuration ---------------------------------------------------------------------------------


def test_development_talks_to_the_local_fake(tmp_path):
    settings = load_config("development", environ={}, instance_path=str(tmp_path))
    assert settings["WECHAT_API_BASE"] == "http://127.0.0.1:8100/"
    assert (settings["WECHAT_APPID"], settings["WECHAT_SECRET"]) == (fake_wechat_package.DEFAULT_APPID, fake_wechat_package.DEFAULT_SECRET)
    assert settings["WECHAT_TIMEOUT"] == 3.0


def test_production_talks_to_wechat(tmp_path):
    settings = load_config("production", environ=PRODUCTION_ENV, instance_path=str(tmp_path))
    assert settings["WECHAT_API_BASE"] == "https://api.weixin.qq.com/"
    assert settings["WECHAT_APPID"] == "wx1234567890abcdef"


@pytest.mark.parametrize(
    "environ",
    [
        {"YIZHAN_WECHAT_APPID": fake_wechat_package.DEFAULT_APPID},
        {"YIZHAN_WECHAT_SECRET": fake_wechat_package.DEFAULT_SECRET},
        {"YIZHAN_WECHAT_API_BASE": "http://127.0.0.1:8100/"},
    ],
)
def test_production_refuses_the_fake_wechat(tmp_path, environ):
    with pytest.raises(ConfigError, match="WECHAT_"):
        load_config("production", environ={**PRODUCTION_ENV, **environ}, instance_path=str(tmp_path))


def test_wechat_timeout_from_the_environment(tmp_path):
    settings = load_config("development", environ={"YIZHAN_WECHAT_TIMEOUT": "1.5"}, instance_path=str(tmp_path))
    assert settings["WECHAT_TIMEOUT"] == 1.5
    for bad in ("soon", "0", "-1", "600"):
        with pytest.raises(ConfigError, match="WECHAT_TIMEOUT"):
            load_config("development", environ={"YIZHAN_WECHAT_TIMEOUT": bad}, instance_path=str(tmp_path))
