"""WeChat's message push (/api/wechat/push) over real HTTP: the fake WeChat server pushes media
check verdicts and authorisation changes to the app served on a loopback port, signed — and in
secure mode encrypted — as WeChat does (fake_wechat/push.py, an implementation independent of
wechatpy's). Forged, stale and replayed pushes are refused or ignored and change nothing; each
event reaches the handlers the areas register (app/core/wechat_events.py) exactly once, and a
job a handler enqueues commits with the push's record."""

from __future__ import annotations

import json

import pytest
import requests
import sqlalchemy as sa

import tests.job_tasks  # noqa: F401  (the test.record task, for enqueue)
from app.core import clock, jobs, wechat_events
from app.extensions import db
from tests.conftest import RUN_ID
from tests.fake_push import FakeWeChatPush, app_on_its_own_database, replay, wechat_signature

DB_NAME = f"{RUN_ID}_push"
TOKEN = "yizhan-fake-push-token"  # the development pair the app and the fake share
EVENTS = (wechat_events.MEDIA_CHECK, wechat_events.AUTHORIZATION_REVOKE, wechat_events.AUTHORIZATION_CANCELLATION)


@pytest.fixture(scope="module")
def push_server(fake_wechat):
    with app_on_its_own_database(DB_NAME, {"WECHAT_API_BASE": fake_wechat}) as served:
        yield served


class Pushes:
    """The fake, the app, and what the app's handlers received."""

    def __init__(self, app, base_url: str, fake: FakeWeChatPush):
        self.app, self.url, self.fake = app, f"{base_url}/api/wechat/push", fake
        self.received: list[wechat_events.PushEvent] = []
        self.enqueued: list[int] = []

    def handle(self, event: wechat_events.PushEvent) -> None:
        self.received.append(event)
        # Heavy work goes to the job queue, in the transaction that records the push.
        self.enqueued.append(jobs.enqueue("test.record", {"file": "/dev/null", "tag": event.name}))

    def mode(self, mode: str, fmt: str = "json") -> None:
        self.app.config["WECHAT_PUSH_MODE"] = mode
        self.fake.configure_push(mode=mode, format=fmt)

    def recorded(self) -> tuple[int, int]:
        """(processed pushes, queued jobs) in the database."""
        with self.app.app_context():
            pushes = db.session.execute(sa.text("SELECT count(*) FROM wechat_pushes")).scalar()
            queued = db.session.execute(sa.text("SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'test.record'")).scalar()
            return pushes, queued

    def media_check(self, openid: str = "o-reporter") -> str:
        self.fake.login_code(openid)  # the user opened the mini-program: WeChat knows them
        answer = self.fake.media_check_async(
            {"media_url": "https://yizhan.example.cn/m/1.jpg", "media_type": 2, "version": 2, "scene": 3, "openid": openid}
        )
        assert answer["errcode"] == 0, answer
        return answer["trace_id"]


@pytest.fixture
def pushes(push_server, fake_wechat):
    app, base_url = push_server
    with app.app_context():  # each test starts from no pushes and no jobs (they commit)
        db.session.execute(sa.text("DELETE FROM wechat_pushes"))
        db.session.execute(sa.text("DELETE FROM procrastinate_jobs"))
        db.session.commit()
    fake = FakeWeChatPush(fake_wechat)
    fake.reset()
    state = Pushes(app, base_url, fake)
    fake.configure_push(url=state.url, token=TOKEN)
    state.mode("secure")
    for name in EVENTS:
        wechat_events.on(name)(state.handle)
    yield state
    for name in EVENTS:
        wechat_events.off(name, state.handle)
    app.config["WECHAT_PUSH_MODE"] = "secure"
    fake.reset()


def signed_query(token: str = TOKEN, timestamp: int | None = None, **extra) -> dict:
    timestamp = str(int(clock.now().timestamp()) if timestamp is None else timestamp)
    return {"signature": wechat_signature(token, timestamp, "n0nce"), "timestamp": timestamp, "nonce": "n0nce", **extra}


# --- the URL check -------------------------------------------------------------------------------


def test_the_url_check_echoes_echostr_when_the_signature_matches(pushes):
    r = requests.get(pushes.url, params=signed_query(echostr="abc123"), timeout=5)
    assert (r.status_code, r.text, r.headers["Content-Type"].split(";")[0]) == (200, "abc123", "text/plain")


@pytest.mark.parametrize(
    "query",
    [
        signed_query(token="not-our-token", echostr="abc"),
        signed_query(timestamp=int(clock.now().timestamp()) - 3600, echostr="abc"),  # an hour-old capture
        {"timestamp": "1", "nonce": "n", "echostr": "abc"},
        {},
    ],
    ids=["forged", "stale", "unsigned", "bare"],
)
def test_the_url_check_refuses_a_bad_signature(pushes, query):
    r = requests.get(pushes.url, params=query, timeout=5)
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized" and "abc" not in r.text


# --- events --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "fmt"), [("plain", "json"), ("plain", "xml"), ("compatible", "json"), ("secure", "json"), ("secure", "xml")]
)
def test_a_media_check_verdict_reaches_its_handler_once(pushes, mode, fmt):
    pushes.mode(mode, fmt)
    trace_id = pushes.media_check()
    assert [c["trace_id"] for c in pushes.fake.media_checks()] == [trace_id]
    sent = pushes.fake.push_media_verdict(trace_id, "risky", 20006)
    assert (sent["status"], sent["answer"]) == (200, "success")
    if mode == "secure":
        assert "trace_id" not in sent["body"] and "Encrypt" in sent["body"]  # only ciphertext travels
    (event,) = pushes.received
    assert (event.name, event.openid, event.data["trace_id"]) == ("wxa_media_check", "o-reporter", trace_id)
    assert event.data["result"]["suggest"] == "risky" and int(event.data["result"]["label"]) == 20006
    assert pushes.recorded() == (1, 1)


@pytest.mark.parametrize(
    ("event", "revoke_info"),
    [("user_authorization_revoke", 13), ("user_authorization_cancellation", None)],
)
def test_authorization_changes_reach_their_handlers(pushes, event, revoke_info):
    sent = pushes.fake.push_event(event, "o-leaving", revoke_info)
    assert sent["answer"] == "success"
    (received,) = pushes.received
    assert (received.name, received.openid, received.data["AppID"]) == (event, "o-leaving", "wxfake0000000000")
    assert received.data.get("RevokeInfo") == (str(revoke_info) if revoke_info else None)


def test_an_event_without_a_handler_is_recorded_and_answered(pushes):
    sent = pushes.fake.push_event("user_info_modified", "o-someone")
    assert sent["answer"] == "success" and pushes.received == []
    assert pushes.recorded() == (1, 0)


# --- forged, stale and replayed pushes -------------------------------------------------------------


@pytest.mark.parametrize("mode", ["plain", "secure"])
def test_a_replayed_push_is_answered_but_not_processed_again(pushes, mode):
    pushes.mode(mode)
    pushes.fake.push_event("user_authorization_cancellation", "o-leaving")
    (sent,) = pushes.fake.pushes()
    again = replay(sent)
    assert (again.status_code, again.text) == (200, "success")  # WeChat's retry must stop
    # WeChat's own retry: the same message, signed and encrypted anew.
    retried = pushes.fake.push_media_verdict(pushes.media_check(), "pass")
    assert retried["answer"] == "success"
    assert [e.name for e in pushes.received] == ["user_authorization_cancellation", "wxa_media_check"]
    assert pushes.recorded() == (2, 2)


def test_a_captured_signature_cannot_carry_another_message(pushes):
    pushes.mode("plain")
    pushes.fake.push_event("user_authorization_revoke", "o-victim", 13)
    (sent,) = pushes.fake.pushes()
    forged = json.loads(sent["body"]) | {"Event": "user_authorization_cancellation"}
    r = replay(sent, json.dumps(forged))
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
    assert [e.name for e in pushes.received] == ["user_authorization_revoke"]
    assert pushes.recorded() == (1, 1)


def test_a_push_signed_with_another_token_changes_nothing(pushes):
    pushes.fake.configure_push(token="an-attackers-guess")
    sent = pushes.fake.push_event("user_authorization_cancellation", "o-victim")
    assert sent["status"] == 401
    assert pushes.received == [] and pushes.recorded() == (0, 0)


def test_a_push_encrypted_with_another_key_changes_nothing(pushes):
    pushes.fake.configure_push(aes_key="AnotherKeyAnotherKeyAnotherKeyAnotherKey123")
    sent = pushes.fake.push_event("user_authorization_cancellation", "o-victim")
    assert sent["status"] in (400, 401)  # it does not decrypt to a message for our appid
    assert pushes.received == [] and pushes.recorded() == (0, 0)


def test_a_tampered_ciphertext_is_refused(pushes):
    pushes.fake.push_event("user_authorization_revoke", "o-victim", 13)
    (sent,) = pushes.fake.pushes()
    body = json.loads(sent["body"])
    body["Encrypt"] = body["Encrypt"][:-8] + "AAAAAAA="
    r = replay(sent, json.dumps(body))
    assert r.status_code == 401  # msg_signature covers the ciphertext
    assert len(pushes.received) == 1 and pushes.recorded() == (1, 1)


def test_secure_mode_refuses_a_plaintext_push(pushes):
    pushes.fake.configure_push(mode="plain")  # the app stays in secure mode
    sent = pushes.fake.push_event("user_authorization_cancellation", "o-victim")
    assert sent["status"] == 401
    assert pushes.received == [] and pushes.recorded() == (0, 0)


def test_a_stale_push_is_refused(pushes):
    pushes.fake.advance_clock(3600)  # WeChat's timestamp an hour from ours: a capture, replayed late
    sent = pushes.fake.push_event("user_authorization_cancellation", "o-victim")
    assert sent["status"] == 401
    assert pushes.received == [] and pushes.recorded() == (0, 0)


def test_a_handler_that_fails_leaves_nothing_and_wechat_retries(pushes):
    def broken(event):
        jobs.enqueue("test.record", {"file": "/dev/null", "tag": "half-done"})
        raise RuntimeError("the database hiccuped")

    wechat_events.on("user_authorization_cancellation")(broken)
    try:
        sent = pushes.fake.push_event("user_authorization_cancellation", "o-leaving")
    finally:
        wechat_events.off("user_authorization_cancellation", broken)
    assert sent["status"] == 500 and pushes.recorded() == (0, 0)  # nor the half-done job
    again = replay(sent)  # WeChat pushes again; now the handlers succeed
    assert again.text == "success" and pushes.recorded() == (1, 1)


@pytest.mark.parametrize(
    ("body", "status"),
    [("not json, not xml", 400), ("<xml><unclosed>", 400), ("[1, 2]", 400), ("", 400)],
)
def test_a_signed_but_unreadable_push_is_400(pushes, body, status):
    pushes.mode("plain")
    r = requests.post(pushes.url, params=signed_query(), data=body.encode(), timeout=5)
    assert r.status_code == status and r.json()["error"]["code"] == "bad_push"
    assert pushes.recorded() == (0, 0)


def test_an_oversized_push_is_413(pushes):
    pushes.mode("plain")
    body = json.dumps({"Event": "x", "pad": "x" * (70 * 1024)})
    r = requests.post(pushes.url, params=signed_query(), data=body.encode(), timeout=5)
    assert r.status_code == 413 and pushes.recorded() == (0, 0)


# --- the fake's media_check_async ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "errcode"),
    [({"media_type": 3}, 47001), ({"version": 1}, 47001), ({"media_url": "ftp://x"}, 47001), ({"openid": "o-stranger"}, 43104)],
)
def test_the_fakes_media_check_refuses_what_wechat_refuses(pushes, change, errcode):
    pushes.fake.login_code("o-reporter")
    body = {"media_url": "https://yizhan.example.cn/m/1.jpg", "media_type": 2, "version": 2, "scene": 3, "openid": "o-reporter"} | change
    assert pushes.fake.media_check_async(body)["errcode"] == errcode
    assert pushes.fake.media_check_async(body, token="bad-token")["errcode"] == 40001


# --- configuration ---------------------------------------------------------------------------------


def test_without_a_token_every_push_is_refused(pushes):
    pushes.app.config["WECHAT_PUSH_TOKEN"] = ""  # production's default until the console's is set
    try:
        sent = pushes.fake.push_event("user_authorization_cancellation", "o-victim")
        r = requests.get(pushes.url, params=signed_query(token="", echostr="abc"), timeout=5)
    finally:
        pushes.app.config["WECHAT_PUSH_TOKEN"] = TOKEN
    assert (sent["status"], r.status_code) == (401, 401)
    assert pushes.received == [] and pushes.recorded() == (0, 0)


def test_production_refuses_the_fakes_push_secrets_and_bad_settings(tmp_path):
    from config import ConfigError, load_config
    from tests.test_config import PRODUCTION_ENV

    settings = load_config("production", environ=PRODUCTION_ENV, instance_path=str(tmp_path))
    assert settings["WECHAT_PUSH_TOKEN"] == ""  # starts, refusing pushes until configured
    with pytest.raises(ConfigError, match="WECHAT_PUSH_TOKEN"):
        fake = {**PRODUCTION_ENV, "YIZHAN_WECHAT_PUSH_TOKEN": TOKEN, "YIZHAN_WECHAT_PUSH_MODE": "plain"}
        load_config("production", environ=fake, instance_path=str(tmp_path))
    real = {**PRODUCTION_ENV, "YIZHAN_WECHAT_PUSH_TOKEN": "a-real-token-from-the-console"}
    with pytest.raises(ConfigError, match="WECHAT_PUSH_AES_KEY"):
        load_config("production", environ=real, instance_path=str(tmp_path))  # secure mode needs the key
    with pytest.raises(ConfigError, match="WECHAT_PUSH_MODE"):
        load_config("production", environ={**real, "YIZHAN_WECHAT_PUSH_MODE": "loud"}, instance_path=str(tmp_path))
    plain = load_config("production", environ={**real, "YIZHAN_WECHAT_PUSH_MODE": "plain"}, instance_path=str(tmp_path))
    assert plain["WECHAT_PUSH_MODE"] == "plain"


def test_processed_pushes_are_pruned_after_the_keeping_period(pushes):
    from datetime import timedelta

    from app.wechat_push import service
    from app.wechat_push.models import ProcessedPush

    assert "wechat_push.prune" in jobs.registered_tasks() and jobs.registered_tasks()["wechat_push.prune"].cron
    pushes.fake.push_event("user_info_modified", "o-recent")
    with pushes.app.app_context():
        old = clock.now() - timedelta(days=8)
        db.session.add(ProcessedPush(digest="0" * 64, signature_digest="1" * 64, event="user_info_modified", received_at=old))
        db.session.commit()
        assert service.prune({}) == 1
        assert db.session.execute(sa.select(ProcessedPush.event)).scalars().all() == ["user_info_modified"]
