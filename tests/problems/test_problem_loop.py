"""The whole loop over HTTP on PostgreSQL and Redis: a worker reports a locked station with a
photo; WeChat's media check (the fake server, pushing its verdict signed and encrypted to the
app) passes it, or hides a risky one; a second worker's report of the same problem joins the
ticket; the keeper answers and marks it fixed; district staff reopen it; the deadline passes and
it is overdue; staff record the call-back and confirm; the reporter sees every step."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine
from PIL import Image

from app.accounts.audit_models import AuditEntry
from app.accounts.staff_models import StaffAccount
from app.core import clock, files
from app.extensions import db
from app.privacy.models import Consent
from app.problems.models import ProblemPhoto
from tests.assertions import assert_error
from tests.conftest import signed_in
from tests.problems.helpers import MP, STAFF, make_people, photo_bytes, pushes_to, upload

VIEWED = "problem_ticket.reporters.view"


@pytest.fixture
def people(client, wx, app_ctx):
    return make_people(client, wx)


def fc_staff_of(people) -> StaffAccount:
    return db.session.scalar(sa.select(StaffAccount).where(StaffAccount.username == "fc.problems"))


def report(api, code, kind="locked", text=None):
    return api.post(f"{MP}/stations/{code}/problems", json={"kind": kind, **({"text": text} if text else {})})


def test_the_whole_loop(app, client, fake_wechat, people, wx):
    code = people.station.code
    # 1. A worker reports the door locked during opening hours, with a photo.
    r = report(people.reporter, code, text="开放时间门锁着")
    assert r.status_code == 201, r.get_json()
    ticket = r.get_json()
    tid = ticket["id"]
    assert (ticket["status"], ticket["kind"], ticket["reporters"], ticket["overdue"]) == ("open", "locked", 1, False)
    hours = app.config["PROBLEM_DEADLINE_HOURS"]["locked"]
    with pushes_to(app, fake_wechat) as fake:
        good = upload(people.reporter, tid)
        assert good.status_code == 201, good.get_json()
        risky = upload(people.reporter, tid, photo_bytes("PNG"))
        assert risky.status_code == 201, risky.get_json()
        photos = risky.get_json()["reports"][0]["photos"]
        assert [p["check_status"] for p in photos] == ["pending", "pending"]
        # The keeper sees no photo while WeChat has not passed it.
        kept = people.keeper.get(f"{MP}/keeper/tickets").get_json()
        assert [t["id"] for t in kept] == [tid] and kept[0]["reports"][0]["photos"] == []
        checks = {c["trace_id"]: c for c in fake.media_checks()}
        assert len(checks) == 2 and all(c["openid"] == people.openids[0] for c in checks.values())
        traces = dict(db.session.execute(sa.select(ProblemPhoto.id, ProblemPhoto.trace_id).order_by(ProblemPhoto.id)).all())
        first, second = traces.values()
        assert fake.push_media_verdict(first, "pass", 100)["answer"] == "success"
        assert fake.push_media_verdict(second, "risky", 20002)["answer"] == "success"
    db.session.expire_all()
    mine = people.reporter.get(f"{MP}/tickets/{tid}").get_json()
    assert [p["check_status"] for p in mine["reports"][0]["photos"]] == ["passed", "hidden"]
    # Staff and the keeper see the passed photo only; the reporter sees both.
    staff = people.fc.get(f"{STAFF}/tickets/{tid}").get_json()
    (shown,) = staff["reports"][0]["photos"]
    image = people.fc.get(shown["url"])
    assert image.status_code == 200 and image.mimetype == "image/jpeg"
    assert not Image.open(io.BytesIO(image.data)).getexif()  # no EXIF, no GPS: stripped on save
    hidden_id = mine["reports"][0]["photos"][1]["id"]
    assert_error(people.fc.get(f"{STAFF}/tickets/{tid}/photos/{hidden_id}"), 404, "file_not_found")
    assert people.reporter.get(f"{MP}/tickets/{tid}/photos/{hidden_id}").status_code == 200

    # 2. A second worker reports the same problem: it joins the open ticket.
    joined = report(people.second, code)
    assert joined.status_code == 201 and joined.get_json()["id"] == tid and joined.get_json()["reporters"] == 2
    # Another kind opens another ticket.
    water = report(people.second, code, kind="no_water").get_json()
    assert water["id"] != tid

    # 3. The keeper answers and marks it fixed.
    base = f"{MP}/keeper/stations/{code}/tickets/{tid}"
    assert people.keeper.post(f"{base}/answer", json={"note": "已联系物业开门"}).status_code == 200
    fixed = people.keeper.post(f"{base}/fixed", json={"note": "门已打开"})
    assert fixed.status_code == 200 and fixed.get_json()["status"] == "fixed"
    assert_error(people.keeper.post(f"{base}/fixed", json={}), 409, "ticket_status_conflict")

    # 4. Staff of another district cannot see it; the district's staff reopen it.
    assert_error(people.yx.post(f"{STAFF}/tickets/{tid}/reopen", json={"note": "x"}), 404, "ticket_not_found")
    reopened = people.fc.post(f"{STAFF}/tickets/{tid}/reopen", json={"note": "暗访时仍锁门"})
    assert reopened.status_code == 200 and reopened.get_json()["status"] == "open"
    assert reopened.get_json()["reopen_count"] == 1

    # 5. The deadline passes: the ticket is overdue, in the queue and the reporter's view.
    with time_machine.travel(clock.now() + timedelta(hours=hours + 1), tick=False):
        people.fc = signed_in(client, fc_staff_of(people))  # a staff token lasts a working day
        assert people.reporter.get(f"{MP}/tickets/{tid}").get_json()["overdue"] is True
        queue = people.fc.get(f"{STAFF}/tickets", query_string={"overdue": "true"}).get_json()
        assert {t["id"] for t in queue["items"]} == {tid, water["id"]}  # no_water's 24 h are up too
        assert all(t["overdue"] for t in queue["items"])
        # 6. Fixed at last; the call-back recorded; confirmed.
        assert people.keeper.post(f"{base}/fixed", json={}).status_code == 200
        called = people.fc.post(f"{STAFF}/tickets/{tid}/call-back", json={"note": "已电话告知反映人"})
        assert called.status_code == 200 and called.get_json()["called_back_at"]
        assert people.fc.post(f"{STAFF}/tickets/{tid}/confirm", json={}).get_json()["status"] == "confirmed"

        # 7. The reporter sees every step, and may say it is still not fixed.
        mine = people.reporter.get(f"{MP}/tickets/{tid}").get_json()
        steps = [s["kind"] for s in mine["steps"]]
        assert steps == ["reported", "joined", "answered", "fixed", "reopened", "fixed", "called_back", "confirmed"]
        assert mine["steps"][2]["note"] == "已联系物业开门" and all(s["by"] in ("worker", "keeper", "staff") for s in mine["steps"])
        again = people.reporter.post(f"{MP}/tickets/{tid}/not-fixed", json={"note": "今天又锁门了"})
        assert again.status_code == 200 and again.get_json()["status"] == "open"
        assert_error(people.reporter.post(f"{MP}/tickets/{tid}/not-fixed", json={}), 409, "ticket_status_conflict")

    # Every step is audited (staff's viewings apart: tests/problems/test_reporters_privacy.py).
    steps_only = sa.and_(AuditEntry.entity_id == str(tid), AuditEntry.action != VIEWED)
    actions = db.session.scalars(sa.select(AuditEntry.action).where(steps_only).order_by(AuditEntry.id)).all()
    assert actions == [
        "problem.reported", "problem.photo", "problem.photo", "problem.joined", "problem.answer", "problem.fix",
        "problem.reopen", "problem.fix", "problem.call_back", "problem.confirm", "problem.not_fixed",
    ]  # fmt: skip


def test_workers_see_only_their_own_reports(people):
    tid = report(people.reporter, people.station.code).get_json()["id"]
    assert_error(people.second.get(f"{MP}/tickets/{tid}"), 404, "ticket_not_found")
    assert people.second.get(f"{MP}/tickets").get_json() == []
    assert_error(people.second.post(f"{MP}/tickets/{tid}/not-fixed", json={}), 404, "ticket_not_found")
    assert_error(upload(people.second, tid), 404, "ticket_not_found")
    # A plain worker is no keeper; a keeper of this station cannot reach another's tickets.
    assert_error(people.second.get(f"{MP}/keeper/tickets"), 403, "not_a_keeper")
    other = f"{MP}/keeper/stations/{people.other_station.code}/tickets/{tid}/fixed"
    assert_error(people.keeper.post(other, json={}), 404, "station_not_found")


def test_photos_are_limited_and_checked(app, people, wx):
    tid = report(people.reporter, people.station.code).get_json()["id"]
    assert_error(upload(people.reporter, tid, b"GIF89a not really"), 422, "unsupported_file_type")
    for _ in range(app.config["PROBLEM_PHOTOS_MAX"]):
        assert upload(people.reporter, tid).status_code == 201
    assert_error(upload(people.reporter, tid), 409, "problem_photos_full")
    # Stored without metadata.
    key = db.session.scalars(sa.select(ProblemPhoto.file_key)).first()
    assert not Image.open(io.BytesIO(files.store().get(key))).getexif()


def test_a_photo_needs_the_workers_consent_to_photos(people):
    """Withdrawn (or never given) consent to photos: the upload is refused and nothing is kept."""
    tid = report(people.reporter, people.station.code).get_json()["id"]
    db.session.execute(
        sa.update(Consent).where(Consent.worker_id == people.reporter_id, Consent.feature == "photos").values(withdrawn_at=clock.now())
    )
    assert_error(upload(people.reporter, tid), 403, "privacy_consent_required")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProblemPhoto)) == 0


def test_a_risky_text_is_refused_and_nothing_is_written(people, wx):
    wx.set_verdict("打倒一切", "risky", 20001)
    r = report(people.reporter, people.station.code, text="打倒一切")
    assert_error(r, 422, "problem_text_rejected")
    assert people.reporter.get(f"{MP}/tickets").get_json() == []


def test_reports_are_limited_per_worker(app, people):
    app.config["PROBLEM_LIMIT_PER_WORKER"] = "2 per hour"
    try:
        for kind in ("dirty", "no_seats"):
            assert report(people.reporter, people.station.code, kind=kind).status_code == 201
        assert_error(report(people.reporter, people.station.code, kind="other"), 429, "rate_limited")
    finally:
        app.config["PROBLEM_LIMIT_PER_WORKER"] = "5 per hour;20 per day"


def test_a_retired_or_unknown_station_cannot_be_reported(people):
    assert_error(report(people.reporter, "ZZ0000"), 404, "station_not_found")


def test_personal_data_export_erase_and_expiry(app, people):
    from app.core import personal_data

    tid = report(people.reporter, people.station.code, text="门锁着").get_json()["id"]
    assert upload(people.reporter, tid).status_code == 201
    holder = next(h for h in personal_data.holders() if h.name == "problem_reports")
    (exported,) = holder.export(people.reporter_id)
    assert (exported["ticket_id"], exported["text"], exported["photos"]) == (tid, "门锁着", 1)
    key = db.session.scalar(sa.select(ProblemPhoto.file_key))
    assert holder.erase(people.reporter_id) > 0
    db.session.commit()
    assert holder.export(people.reporter_id) == [] and not files.store().exists(key)
    # The ticket still counts for staff, with no text and no photo.
    staff = people.fc.get(f"{STAFF}/tickets/{tid}").get_json()
    assert staff["reporters"] == 1 and staff["reports"][0]["text"] is None
    # Expiry: another worker's text past the retention period goes.
    report(people.second, people.station.code, kind="dirty", text="很脏")
    later = clock.now() + timedelta(days=app.config["PROBLEM_RETENTION_DAYS"] + 1)
    assert holder.expire(later) == 1


def test_a_reporter_who_subscribed_is_told_once_when_it_is_fixed(people):
    from app.accounts.subscribe_message_models import SubscribeMessage

    tid = people.reporter.post(f"{MP}/stations/{people.station.code}/problems", json={"kind": "toilet", "notify": True}).get_json()["id"]
    base = f"{MP}/keeper/stations/{people.station.code}/tickets/{tid}"
    people.keeper.post(f"{base}/fixed", json={})
    people.fc.post(f"{STAFF}/tickets/{tid}/confirm", json={})
    (message,) = db.session.scalars(sa.select(SubscribeMessage)).all()  # one consent, one message
    assert (message.template, message.data["status"], message.worker_id) == ("ticket_update", "已整改", people.reporter_id)


def test_wechat_fetches_a_pending_photo_by_its_signed_url_only(app, client, people):
    from app.problems import photos

    tid = report(people.reporter, people.station.code).get_json()["id"]
    assert upload(people.reporter, tid).status_code == 201
    photo = db.session.scalar(sa.select(ProblemPhoto))
    path = photos.media_url(photo).removeprefix(app.config["PUBLIC_BASE_URL"].rstrip("/"))
    fetched = client.get(path)
    assert fetched.status_code == 200 and fetched.mimetype == "image/jpeg" and fetched.headers["Cache-Control"] == "no-store"
    assert client.get(path[:-3] + "xyz").status_code == 404  # a forged token
    photo.check_status = "passed"
    db.session.commit()
    assert client.get(path).status_code == 404  # judged: WeChat has no more use for it
