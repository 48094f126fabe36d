"""The reporters' personal data in a ticket: withdrawing the photos grant in WeChat (the revoke
push, signed and encrypted by the fake WeChat server) deletes the worker's problem photos — rows
and files — while the ticket still counts; staff opening a ticket (API or console) is audited."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.accounts.audit_models import AuditEntry
from app.core import files
from app.core.files import FileNotFound
from app.extensions import db
from app.problems.models import ProblemPhoto, ProblemTicket
from tests.assertions import assert_error
from tests.console_helpers import console_as
from tests.problems.helpers import MP, STAFF, make_people, pushes_to, upload

VIEWED = "problem_ticket.reporters.view"


@pytest.fixture
def people(client, wx, app_ctx):
    return make_people(client, wx)


def a_ticket(people) -> int:
    r = people.reporter.post(f"{MP}/stations/{people.station.code}/problems", json={"kind": "locked", "text": "门锁着"})
    assert r.status_code == 201, r.get_json()
    return r.get_json()["id"]


def test_revoking_photos_in_wechat_deletes_the_workers_problem_photos(app, fake_wechat, people):
    tid = a_ticket(people)
    with pushes_to(app, fake_wechat) as fake:
        assert upload(people.reporter, tid).status_code == 201
        (key,) = db.session.scalars(sa.select(ProblemPhoto.file_key)).all()
        assert files.store().get(key)
        assert fake.push_event("user_authorization_revoke", people.openids[0], 14)["answer"] == "success"
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProblemPhoto)) == 0
    with pytest.raises(FileNotFound):
        files.store().get(key)
    assert db.session.get(ProblemTicket, tid) is not None  # the ticket still counts
    assert people.reporter.get(f"{MP}/tickets/{tid}").status_code == 200
    assert_error(upload(people.reporter, tid), 403, "privacy_consent_required")


def viewings(tid: int) -> list[tuple[str, str | None]]:
    query = sa.select(AuditEntry.action, AuditEntry.district_code).where(AuditEntry.entity_id == str(tid), AuditEntry.action == VIEWED)
    return db.session.execute(query).tuples().all()


def test_staff_opening_a_ticket_over_the_api_is_audited(people):
    tid = a_ticket(people)
    assert people.fc.get(f"{STAFF}/tickets/{tid}").status_code == 200
    assert viewings(tid) == [(VIEWED, "FC")]
    assert people.yx.get(f"{STAFF}/tickets/{tid}").status_code == 404  # another district's: nothing shown, nothing logged
    assert viewings(tid) == [(VIEWED, "FC")]


def test_staff_opening_a_ticket_in_the_console_is_audited(app, people, fc_staff):
    tid = a_ticket(people)
    assert console_as(app, fc_staff).get(f"/console/tickets/{tid}").status_code == 200
    assert viewings(tid) == [(VIEWED, "FC")]
