"""The fake WeChat server keeps WeChat's HTTP contract (docs/wechat.md), tested over HTTP
against the real process. Requests carry JSON without a Content-Type, as wechatpy sends it."""

from __future__ import annotations

import io
import json

import pytest
import requests
import zxingcpp
from PIL import Image

from fake_wechat import DEFAULT_APPID, DEFAULT_SECRET


class Api:
    def __init__(self, base_url: str):
        self.base_url = base_url

    def get(self, path: str, **params) -> requests.Response:
        return requests.get(self.base_url + path, params=params, timeout=5)

    def post(self, path: str, body, token: str | None = None, **kwargs) -> requests.Response:
        data = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
        params = {"access_token": token} if token else {}
        return requests.post(self.base_url + path, params=params, data=data, timeout=5, **kwargs)

    def session(self, code: str, appid: str = DEFAULT_APPID, secret: str = DEFAULT_SECRET) -> dict:
        return self.get("sns/jscode2session", appid=appid, secret=secret, js_code=code, grant_type="authorization_code").json()

    def token(self, appid: str = DEFAULT_APPID, secret: str = DEFAULT_SECRET) -> dict:
        return self.get("cgi-bin/token", grant_type="client_credential", appid=appid, secret=secret).json()


@pytest.fixture
def api(fake_wechat, wx):
    return Api(fake_wechat)


@pytest.fixture
def token(api):
    return api.token()["access_token"]


# jscode2session -------------------------------------------------------------------------------


def test_a_minted_code_logs_in_once(api, wx):
    code = wx.login_code("o-worker-1", unionid="u-worker-1")
    first = api.session(code)
    assert first["openid"] == "o-worker-1"
    assert first["unionid"] == "u-worker-1"
    assert first["session_key"]
    assert "errcode" not in first
    assert api.session(code)["errcode"] == 40163


def test_no_unionid_unless_minted_with_one(api, wx):
    assert "unionid" not in api.session(wx.login_code("o-worker-2"))


def test_codes_expire_after_five_minutes(api, wx):
    code = wx.login_code("o-worker-3")
    wx.advance_clock(301)
    assert api.session(code)["errcode"] == 40029


def test_errors_are_http_200_with_an_errcode(api, wx):
    code = wx.login_code("o-worker-4")
    answer = api.get("sns/jscode2session", appid=DEFAULT_APPID, secret=DEFAULT_SECRET, js_code="made-up", grant_type="authorization_code")
    assert answer.status_code == 200
    assert answer.json()["errcode"] == 40029
    assert api.session(code, appid="wx-someone-else")["errcode"] == 40013
    assert api.session(code, secret="wrong")["errcode"] == 40125


def test_a_code_can_be_minted_to_fail(api, wx):
    assert api.session(wx.login_code("o-risky", errcode=40226))["errcode"] == 40226


def test_too_many_logins_for_one_user_hit_the_frequency_limit(api, wx):
    answers = [api.session(wx.login_code("o-busy")) for _ in range(101)]
    assert all("openid" in a for a in answers[:100])
    assert answers[100]["errcode"] == 45011


# access tokens --------------------------------------------------------------------------------


def test_token_is_issued_for_the_right_credentials(api):
    issued = api.token()
    assert issued["access_token"] and issued["expires_in"] == 7200
    assert api.token(appid="wx-someone-else")["errcode"] == 40013
    assert api.token(secret="wrong")["errcode"] == 40125


def check(api, token: str) -> dict:
    return api.post("wxa/msg_sec_check", {"content": "你好", "version": 1}, token=token).json()


def test_a_new_token_retires_the_previous_after_five_minutes(api, wx):
    old = api.token()["access_token"]
    new = api.token()["access_token"]
    assert check(api, old)["errcode"] == 0  # the overlap
    wx.advance_clock(301)
    assert check(api, old)["errcode"] == 40001
    assert check(api, new)["errcode"] == 0


def test_tokens_expire_after_two_hours(api, wx, token):
    wx.advance_clock(7200)
    assert check(api, token)["errcode"] == 42001


def test_missing_or_unknown_tokens_are_refused(api):
    assert api.post("wxa/msg_sec_check", {"content": "x"}).json()["errcode"] == 41001
    assert check(api, "made-up")["errcode"] == 40001


@pytest.mark.parametrize(("how", "errcode"), [("invalidate", 40001), ("expire", 42001)])
def test_control_ends_every_token(api, wx, token, how, errcode):
    wx.end_tokens(how)
    assert check(api, token)["errcode"] == errcode
    assert check(api, api.token()["access_token"])["errcode"] == 0


def test_stats_count_token_fetches(api, wx):
    api.token()
    api.token(secret="wrong")
    api.token()
    stats = wx.stats()
    assert stats["token_fetches"] == 2
    assert stats["calls"]["cgi-bin/token"] == 3


# getwxacodeunlimit ----------------------------------------------------------------------------


def decoded(image: bytes) -> list[str]:
    return [barcode.text for barcode in zxingcpp.read_barcodes(Image.open(io.BytesIO(image)))]


def test_unlimited_code_is_a_jpeg_of_the_scene(api, token):
    scene = "s=FC0001.2~x!*'()"
    answer = api.post("wxa/getwxacodeunlimit", {"scene": scene, "page": "pages/station/index", "width": 430}, token=token)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "image/jpeg"
    image = Image.open(io.BytesIO(answer.content))
    assert image.format == "JPEG" and image.size == (430, 430)
    assert decoded(answer.content) == [scene]


@pytest.mark.parametrize(("width", "size"), [(100, 280), (2000, 1280)])
def test_width_is_kept_between_280_and_1280(api, token, width, size):
    answer = api.post("wxa/getwxacodeunlimit", {"scene": "a", "width": width}, token=token)
    assert Image.open(io.BytesIO(answer.content)).size == (size, size)


@pytest.mark.parametrize(
    ("body", "errcode"),
    [
        ({"scene": "x" * 33}, 40169),
        ({"scene": ""}, 40169),
        ({"scene": "站点"}, 40129),
        ({"scene": "a b"}, 40129),
        ({"scene": "a%20"}, 40129),
        ({"scene": "a", "page": "/pages/station/index"}, 41030),
        ({"scene": "a", "page": "pages/station/index?id=1"}, 41030),
        ({"scene": "a", "env_version": "beta"}, 40097),
    ],
)
def test_unlimited_code_refusals_are_json(api, token, body, errcode):
    answer = api.post("wxa/getwxacodeunlimit", body, token=token)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("application/json")
    assert answer.json()["errcode"] == errcode


def test_unlimited_code_takes_32_characters_and_every_env_version(api, token):
    for env_version in ("release", "trial", "develop"):
        body = {"scene": "A" * 32, "env_version": env_version, "check_path": False}
        assert api.post("wxa/getwxacodeunlimit", body, token=token).headers["Content-Type"] == "image/jpeg"


def test_unlimited_code_wants_a_valid_token(api):
    assert api.post("wxa/getwxacodeunlimit", {"scene": "a"}, token="made-up").json()["errcode"] == 40001


# msg_sec_check v2 ------------------------------------------------------------------------------


def sec_check(api, token, content, openid="o-rater"):
    return api.post("wxa/msg_sec_check", {"content": content, "version": 2, "scene": 2, "openid": openid}, token=token).json()


def test_text_passes_by_default(api, wx, token):
    wx.login_code("o-rater")
    answer = sec_check(api, token, "水很热，谢谢")
    assert answer["errcode"] == 0
    assert answer["result"] == {"suggest": "pass", "label": 100}
    assert answer["detail"] and answer["trace_id"]


def test_verdicts_set_through_control_apply_to_text_containing_them(api, wx, token):
    wx.login_code("o-rater")
    wx.set_verdict("广告", "review", 10001)
    wx.set_verdict("骂人", "risky", 20003)
    assert sec_check(api, token, "这里有广告")["result"] == {"suggest": "review", "label": 10001}
    assert sec_check(api, token, "广告和骂人")["result"] == {"suggest": "risky", "label": 20003}
    assert sec_check(api, token, "很好")["result"]["suggest"] == "pass"


def test_text_check_wants_a_user_seen_recently(api, wx, token):
    assert sec_check(api, token, "x", openid="o-stranger")["errcode"] == 43104
    wx.login_code("o-rater")
    wx.advance_clock(2 * 3600 + 1)
    assert sec_check(api, api.token()["access_token"], "x")["errcode"] == 61010


def test_text_check_v1_answers_87014_for_bad_text(api, wx, token):
    wx.set_verdict("骂人", "risky")
    assert api.post("wxa/msg_sec_check", {"content": "骂人"}, token=token).json()["errcode"] == 87014


# subscribe/send --------------------------------------------------------------------------------


def subscribe_body(openid="o-sub", template_id="tpl-visit", value="驿站签到成功"):
    return {
        "touser": openid,
        "template_id": template_id,
        "data": {"thing1": {"value": value}},
        "miniprogram_state": "formal",
        "lang": "zh_CN",
    }


def test_each_consent_allows_one_message(api, wx, token):
    wx.login_code("o-sub")
    wx.grant_consent("o-sub", "tpl-visit")
    assert api.post("cgi-bin/message/subscribe/send", subscribe_body(), token=token).json()["errcode"] == 0
    assert api.post("cgi-bin/message/subscribe/send", subscribe_body(), token=token).json()["errcode"] == 43101
    [message] = wx.messages("o-sub")
    assert message["template_id"] == "tpl-visit"
    assert message["data"] == {"thing1": {"value": "驿站签到成功"}}


def test_subscribe_refusals(api, wx, token):
    wx.grant_consent("o-sub", "tpl-visit")
    wx.login_code("o-other")
    send = lambda body: api.post("cgi-bin/message/subscribe/send", body, token=token).json()["errcode"]  # noqa: E731
    assert send(subscribe_body(openid="o-other")) == 43101
    assert send(subscribe_body(openid="o-nobody")) == 40003
    assert send(subscribe_body(template_id="tpl-unknown")) == 40037
    assert send(subscribe_body(value="这是一段超过二十个字的很长很长很长很长很长的内容")) == 47003
    assert wx.messages() == []


# faults ---------------------------------------------------------------------------------------


def test_a_slow_path_is_slow(api, wx):
    wx.fail("cgi-bin/token", delay=1, errcode=-1)
    with pytest.raises(requests.Timeout):
        requests.get(api.base_url + "cgi-bin/token", timeout=0.2)


def test_failures_by_path(api, wx):
    wx.fail("cgi-bin/token", errcode=-1)
    assert api.token()["errcode"] == -1
    wx.fail("cgi-bin/token", status=500)
    assert api.get("cgi-bin/token").status_code == 500
    wx.fail("cgi-bin/token", drop=True)
    with pytest.raises(requests.ConnectionError):
        api.token()
    code = wx.login_code("o-unaffected")
    assert api.session(code)["openid"] == "o-unaffected"
    wx.clear_faults()
    assert api.token()["access_token"]


def test_a_fault_can_be_limited_to_some_calls(api, wx):
    wx.fail("*", errcode=-1, times=2)
    assert api.token()["errcode"] == -1
    assert api.session("whatever")["errcode"] == -1
    assert api.token()["access_token"]


def test_control_refuses_bad_input(fake_wechat, wx):
    control = f"{fake_wechat}__control/"
    assert requests.post(control + "codes", json={}, timeout=5).status_code == 400
    assert requests.post(control + "verdicts", json={"text": "x", "suggest": "maybe"}, timeout=5).status_code == 400
    assert requests.post(control + "faults", json={"path": "x", "delay": -1}, timeout=5).status_code == 400
    assert requests.post(control + "faults", json={"path": "x", "status": 200}, timeout=5).status_code == 400


# DevTools mode (development only) --------------------------------------------------------------


@pytest.fixture
def devtools_fake():
    """An in-process fake started as `make run` starts it: DevTools' codes are the demo worker."""
    from fake_wechat import create_app

    return create_app(devtools_openid="o-demo-worker").test_client()


def _devtools_session(client, code: str) -> dict:
    args = {"appid": DEFAULT_APPID, "secret": DEFAULT_SECRET, "js_code": code, "grant_type": "authorization_code"}
    return client.get("/sns/jscode2session", query_string=args).get_json()


def test_devtools_mode_logs_a_code_it_never_minted_in_once_as_the_demo_worker(devtools_fake):
    assert devtools_fake.get("/__control/devtools").get_json() == {"openid": "o-demo-worker"}
    first = _devtools_session(devtools_fake, "0c3DevToolsCode01")
    assert first["openid"] == "o-demo-worker" and first["session_key"]
    assert _devtools_session(devtools_fake, "0c3DevToolsCode01")["errcode"] == 40163  # still once


def test_devtools_mode_keeps_the_rules_of_minted_codes(devtools_fake):
    minted = devtools_fake.post("/__control/codes", json={"openid": "o-someone"}).get_json()["code"]
    assert _devtools_session(devtools_fake, minted)["openid"] == "o-someone"
    assert _devtools_session(devtools_fake, minted)["errcode"] == 40163
    blocked = devtools_fake.post("/__control/codes", json={"openid": "o-risky", "errcode": 40226}).get_json()["code"]
    assert _devtools_session(devtools_fake, blocked)["errcode"] == 40226


def test_devtools_mode_switches_to_the_keeper_and_off(devtools_fake):
    assert devtools_fake.put("/__control/devtools", json={"openid": "o-demo-keeper"}).status_code == 200
    assert _devtools_session(devtools_fake, "0c3DevToolsCode02")["openid"] == "o-demo-keeper"
    devtools_fake.put("/__control/devtools", json={"openid": None})
    assert _devtools_session(devtools_fake, "0c3DevToolsCode03")["errcode"] == 40029  # invalid again
    devtools_fake.post("/__control/reset")
    assert _devtools_session(devtools_fake, "0c3DevToolsCode04")["openid"] == "o-demo-worker"  # as started


def test_the_tests_fake_refuses_codes_it_never_minted(api):
    """Started without DevTools mode (as every test's fake is), an unknown code is invalid."""
    assert api.get("__control/devtools").json() == {"openid": None}
    assert api.session("0c3DevToolsCode05")["errcode"] == 40029
