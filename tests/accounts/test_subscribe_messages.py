"""Subscribe messages (app/accounts/subscribe_messages.py) sent by real job workers to the fake
WeChat over HTTP: once when all goes well, retried after "busy", final after 43101, recorded
uncertain and never repeated when the worker dies during the call — the fake counts what it got."""

from __future__ import annotations

import signal
import time
from datetime import timedelta

import pytest

from app.accounts import subscribe_messages
from app.accounts.subscribe_message_models import SubscribeMessage
from app.adapters.wechat import WeChatGateway, WeChatUnavailable
from app.core import clock
from app.extensions import db
from tests.conftest import RUN_ID, app_on_own_database
from tests.core.test_jobs import wait_for, worker
from tests.factories import WorkerFactory

DB_NAME = f"{RUN_ID}_subscribe"
TEMPLATE = "activity_reminder"
TASKS = ("app.accounts.subscribe_messages",)
DATA = {
    "title": "夏季送清凉：清凉包免费领取（每人一份，先到先得）",
    "starts_at": "2026-07-01 09:00",
    "place": "涪城区临园路驿站",
    "note": "凭券领取",
}


@pytest.fixture(scope="module")
def queue_db(fake_wechat):
    with app_on_own_database(DB_NAME, {"WECHAT_API_BASE": fake_wechat, "SUBSCRIBE_SEND_ATTEMPTS": 3}) as made:
        yield made


@pytest.fixture
def queue_app(queue_db):
    application, _ = queue_db
    with application.app_context():
        yield application
        db.session.rollback()


@pytest.fixture
def run_worker(queue_db, fake_wechat, tmp_path):
    def start(name: str = "worker"):
        return worker(queue_db[1], tmp_path / f"{name}.log", TASKS, YIZHAN_WECHAT_API_BASE=fake_wechat, YIZHAN_SUBSCRIBE_SEND_ATTEMPTS="3")

    return start


def subscriber(wx, consents: int = 1):
    person = WorkerFactory.build(openid=f"o-sub-{time.monotonic_ns()}")
    db.session.add(person)
    db.session.commit()
    wx.login_code(person.openid)  # the fake knows the openid once it has logged in
    if consents:
        wx.grant_consent(person.openid, template_id(), consents)
    return person


def template_id() -> str:
    return subscribe_messages.template_ids([TEMPLATE])[TEMPLATE]


def state(message_id: int) -> str | None:
    db.session.rollback()  # a fresh snapshot: the worker changes the row
    return subscribe_messages.state_of(message_id)


def becomes(message_id: int, expected: str):
    return lambda: state(message_id) == expected


def test_a_message_is_sent_once_with_the_templates_keywords(queue_app, run_worker, wx):
    person = subscriber(wx)
    message = subscribe_messages.schedule(person.id, TEMPLATE, DATA, page="pages/activity/index?id=7")
    db.session.commit()
    with run_worker():
        wait_for(becomes(message.id, "sent"), what="the message to be sent")
    (received,) = wx.messages(person.openid)
    assert received["template_id"] == template_id() and received["page"] == "pages/activity/index?id=7"
    data = {key: entry["value"] for key, entry in received["data"].items()}
    assert data["thing1"] == DATA["title"][:19] + "…"  # a thing keyword holds 20 characters
    assert (data["time2"], data["thing3"], data["thing4"]) == (DATA["starts_at"], DATA["place"], DATA["note"])


def test_busy_is_retried_and_43101_is_final(queue_app, run_worker, wx):
    patient, withdrawn = subscriber(wx), subscriber(wx, consents=0)
    wx.fail("cgi-bin/message/subscribe/send", errcode=-1, times=1)
    retried = subscribe_messages.schedule(patient.id, TEMPLATE, DATA)
    db.session.commit()
    with run_worker():
        wait_for(becomes(retried.id, "sent"), what="the retried message")
        refused = subscribe_messages.schedule(withdrawn.id, TEMPLATE, DATA)
        db.session.commit()
        wait_for(becomes(refused.id, "refused"), what="the refused message")
        time.sleep(1.5)  # longer than a back-off: a wrong retry would show now
    db.session.rollback()
    assert len(wx.messages(patient.openid)) == 1 and wx.messages(withdrawn.openid) == []
    rows = {m.id: m for m in db.session.query(SubscribeMessage).filter(SubscribeMessage.id.in_([retried.id, refused.id]))}
    assert (rows[retried.id].attempts, rows[refused.id].attempts) == (2, 1)
    assert rows[refused.id].errcode == 43101


def test_busy_every_time_fails_after_the_set_attempts(queue_app, run_worker, wx):
    person = subscriber(wx)
    wx.fail("cgi-bin/message/subscribe/send", errcode=-1)
    message = subscribe_messages.schedule(person.id, TEMPLATE, DATA)
    db.session.commit()
    with run_worker():
        wait_for(becomes(message.id, "failed"), what="the message to give up")
    wx.clear_faults()
    assert db.session.get(SubscribeMessage, message.id).attempts == 3 and wx.messages(person.openid) == []


def test_a_worker_killed_during_the_send_never_sends_twice(queue_app, run_worker, wx):
    person = subscriber(wx, consents=2)  # a second message would be allowed: only our rule stops it
    wx.fail("cgi-bin/message/subscribe/send", delay=4, times=1)  # the fake answers late, then delivers
    message = subscribe_messages.schedule(person.id, TEMPLATE, DATA)
    db.session.commit()
    with run_worker("first") as first:
        wait_for(becomes(message.id, "sending"), what="the send to start")
        wait_for(lambda: wx.stats()["calls"].get("cgi-bin/message/subscribe/send"), what="the call to reach WeChat")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    wait_for(lambda: wx.messages(person.openid), what="the fake to deliver the interrupted send")
    with run_worker("second"):
        wait_for(becomes(message.id, "uncertain"), what="the interrupted send to be settled")
        time.sleep(1.5)
    assert len(wx.messages(person.openid)) == 1


def test_a_message_cancelled_before_its_time_is_never_sent(queue_app, run_worker, wx):
    person = subscriber(wx)
    message = subscribe_messages.schedule(person.id, TEMPLATE, DATA, send_at=clock.now() + timedelta(seconds=2))
    db.session.commit()
    assert subscribe_messages.cancel(message.id) is True
    db.session.commit()
    assert subscribe_messages.cancel(message.id) is False  # already final
    with run_worker():
        time.sleep(3)
    assert state(message.id) == "cancelled" and wx.messages(person.openid) == []


def test_a_schedule_rolled_back_leaves_neither_message_nor_job(queue_app, wx):
    person = subscriber(wx)
    message_id = subscribe_messages.schedule(person.id, TEMPLATE, DATA).id
    db.session.rollback()
    assert state(message_id) is None
    jobs_for_it = db.text("SELECT count(*) FROM procrastinate_jobs WHERE args->'payload'->>'message_id' = :id")
    assert db.session.execute(jobs_for_it, {"id": str(message_id)}).scalar() == 0


def test_a_template_needs_every_keyword(queue_app):
    with pytest.raises(ValueError, match="place"):
        subscribe_messages.schedule(1, TEMPLATE, {"title": "x", "starts_at": "y", "note": "z"})
    with pytest.raises(subscribe_messages.UnknownTemplate):
        subscribe_messages.schedule(1, "no_such_template", {})


def test_what_wechat_never_saw_is_told_from_what_it_may_have(queue_app, fake_wechat, wx):
    """A refused connection is certainly unsent (retry); a read timeout may have been sent."""
    with socket_closed() as dead_base:
        gateway = WeChatGateway.from_app(queue_app, api_base=dead_base)
        with pytest.raises(WeChatUnavailable) as refused:
            gateway.send_subscribe_message("o-x", template_id(), {"thing1": "x"})
    assert refused.value.unsent is True
    wx.fail("cgi-bin/message/subscribe/send", delay=2, times=1)
    slow = WeChatGateway.from_app(queue_app, api_base=fake_wechat, timeout=0.5)
    with pytest.raises(WeChatUnavailable) as timed_out:
        slow.send_subscribe_message("o-x", template_id(), {"thing1": "x"})
    assert timed_out.value.unsent is False


class socket_closed:
    """A local address nothing listens on."""

    def __enter__(self) -> str:
        import socket

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        port = self.sock.getsockname()[1]
        return f"http://127.0.0.1:{port}/"

    def __exit__(self, *exc) -> None:
        self.sock.close()
