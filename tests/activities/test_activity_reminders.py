"""The claim's reminder end to end: staff create an activity, workers claim with remind=true over
HTTP, real job workers (`flask jobs worker`) send the one-time subscribe message to the fake
WeChat before the activity starts — once; retried after "busy", not after 43101, never twice
when the job worker is killed during the send and another takes over; a cancelled claim's
reminder is never sent. The fake counts what it received."""

from __future__ import annotations

import signal
import time
from datetime import timedelta

import pytest

from app.accounts import staff as staff_service
from app.accounts import subscribe_messages
from app.accounts.workers import issue_token
from app.activities.models import GiftClaim
from app.extensions import db
from tests.activities.helpers import MP, STAFF, activity_body
from tests.conftest import RUN_ID, Api, app_on_own_database
from tests.core.test_jobs import wait_for, worker
from tests.factories import StaffFactory, StationFactory, WorkerFactory

DB_NAME = f"{RUN_ID}_activity_reminders"
TASKS = ("app.accounts.subscribe_messages",)
LEAD = 30  # minutes: the reminder goes this long before the start
SOON = timedelta(minutes=LEAD, seconds=2)  # so each reminder is due two seconds after the claim


@pytest.fixture(scope="module")
def reminder_db(fake_wechat):
    overrides = {"WECHAT_API_BASE": fake_wechat, "SUBSCRIBE_SEND_ATTEMPTS": 3, "ACTIVITY_REMINDER_MINUTES": LEAD}
    with app_on_own_database(DB_NAME, overrides, reference_data=True) as made:
        yield made


@pytest.fixture
def scene(reminder_db):
    """The app, a district's staff API and a station, on the module's own database."""
    application, _ = reminder_db
    with application.app_context():
        client = application.test_client()
        staff = StaffFactory(role="district", district_code="FC", username=f"fc.reminders.{time.monotonic_ns()}")
        yield (
            application,
            client,
            Api(client, staff_service.issue_token(staff).token),
            StationFactory(code=f"FC{time.monotonic_ns() % 10**6:06d}"[:8]),
        )
        db.session.rollback()


@pytest.fixture
def run_worker(reminder_db, fake_wechat, tmp_path):
    def start(name: str = "worker"):
        env = {"YIZHAN_WECHAT_API_BASE": fake_wechat, "YIZHAN_SUBSCRIBE_SEND_ATTEMPTS": "3"}
        return worker(reminder_db[1], tmp_path / f"{name}.log", TASKS, **env)

    return start


def _subscriber(client, wx, consents: int = 1) -> tuple[Api, str]:
    person = WorkerFactory(openid=f"o-remind-{time.monotonic_ns()}")
    wx.login_code(person.openid)
    if consents:
        template = subscribe_messages.template_ids(["activity_reminder"])["activity_reminder"]
        wx.grant_consent(person.openid, template, consents)
    return Api(client, issue_token(person).token), person.openid


def _activity(staff_api, station, starts_in=SOON) -> int:
    answer = staff_api.post(f"{STAFF}/activities", json=activity_body([station.code], starts_in=starts_in))
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["id"]


def _claim(worker_api, activity_id: int) -> dict:
    answer = worker_api.post(f"{MP}/activities/{activity_id}/claims", json={"remind": True})
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["reminder"] is True
    return answer.get_json()


def _state(claim_id: int) -> str | None:
    db.session.rollback()  # a fresh snapshot: the job worker changes the row
    return subscribe_messages.state_of(db.session.get(GiftClaim, claim_id).reminder_id)


def _becomes(claim_id: int, expected: str):
    return lambda: _state(claim_id) == expected


def test_reminders_once_busy_retried_43101_final(scene, run_worker, wx):
    _, client, staff_api, station = scene
    activity_id = _activity(staff_api, station)
    patient, patient_openid = _subscriber(client, wx)
    withdrawn, withdrawn_openid = _subscriber(client, wx, consents=0)
    wx.fail("cgi-bin/message/subscribe/send", errcode=-1, times=1)  # WeChat busy, once
    first, second = _claim(patient, activity_id), _claim(withdrawn, activity_id)
    with run_worker():
        wait_for(_becomes(first["id"], "sent"), what="the reminder after a busy answer")
        wait_for(_becomes(second["id"], "refused"), what="43101 to be final")
        time.sleep(1.5)  # longer than a back-off: a wrong retry would show now
    (received,) = wx.messages(patient_openid)
    assert received["page"] == f"pages/activity/index?id={activity_id}"
    assert "清凉" in received["data"]["thing1"]["value"]
    assert wx.messages(withdrawn_openid) == []


def test_a_job_worker_killed_during_the_send_never_sends_twice(scene, run_worker, wx):
    _, client, staff_api, station = scene
    activity_id = _activity(staff_api, station)
    person, openid = _subscriber(client, wx, consents=2)  # WeChat would allow a second: only our rule stops it
    wx.fail("cgi-bin/message/subscribe/send", delay=4, times=1)  # answers late, then delivers
    claimed = _claim(person, activity_id)
    with run_worker("first") as first:
        wait_for(_becomes(claimed["id"], "sending"), what="the send to start")
        wait_for(lambda: wx.stats()["calls"].get("cgi-bin/message/subscribe/send"), what="the call to reach WeChat")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    wait_for(lambda: wx.messages(openid), what="the fake to deliver the interrupted send")
    with run_worker("second"):
        wait_for(_becomes(claimed["id"], "uncertain"), what="the interrupted send to be settled")
        time.sleep(1.5)
    assert len(wx.messages(openid)) == 1


def test_a_cancelled_claim_or_activity_sends_no_reminder(scene, run_worker, wx):
    _, client, staff_api, station = scene
    activity_id = _activity(staff_api, station)
    person, openid = _subscriber(client, wx)
    claimed = _claim(person, activity_id)
    assert person.post(f"{MP}/me/claims/{claimed['id']}/cancel").status_code == 200
    other = _activity(staff_api, station)
    other_person, other_openid = _subscriber(client, wx)
    other_claim = _claim(other_person, other)
    assert staff_api.post(f"{STAFF}/activities/{other}/cancel", json={"reason": "天气原因"}).status_code == 200
    with run_worker():
        time.sleep(3.5)
    assert (_state(claimed["id"]), _state(other_claim["id"])) == ("cancelled", "cancelled")
    assert wx.messages(openid) == [] and wx.messages(other_openid) == []


def test_a_claim_after_the_reminder_time_schedules_none(scene):
    _, client, staff_api, station = scene
    activity_id = _activity(staff_api, station, starts_in=timedelta(minutes=LEAD - 5))
    person = Api(client, issue_token(WorkerFactory()).token)
    answer = person.post(f"{MP}/activities/{activity_id}/claims", json={"remind": True})
    assert answer.status_code == 201 and answer.get_json()["reminder"] is False
