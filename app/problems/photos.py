"""Photos on a report: up to PROBLEM_PHOTOS_MAX per report, stored behind the file store with
their metadata stripped (app/core/files.py), and shown to nobody but their reporter until
WeChat's asynchronous media check passes them. WeChat downloads the photo from a signed,
short-lived URL and pushes its verdict later (`wxa_media_check`, matched on the trace id); a
photo it does not pass stays hidden."""

from __future__ import annotations

import logging
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from app.accounts import audit
from app.accounts.worker_models import Worker
from app.adapters.wechat import WeChatError
from app.core import clock, error_codes, files, jobs, wechat_events
from app.core.errors import Conflict
from app.extensions import db, wechat
from app.privacy import consents
from app.problems import tickets
from app.problems.models import PHOTO_HIDDEN, PHOTO_PASSED, PHOTO_PENDING, ProblemPhoto, ProblemTicket

log = logging.getLogger(__name__)

MEDIA_URL_MAX_AGE = 2 * 24 * 3600  # seconds: WeChat fetches within about 30 minutes; retries take longer
SALT = "problem-photo"
RETRY_AFTER = timedelta(minutes=5)


def accept_photo(worker: Worker, data: bytes) -> files.StoredFile:
    """The one place a worker's photo is taken in: only with their consent to photos under the
    latest privacy notice (403 privacy_consent_required), checked, stripped of metadata, stored."""
    consents.require_consent(worker.id, "photos")
    return files.save_upload(data, kind="photo", prefix="problems")


def add_photo(worker: Worker, ticket_id: int, data: bytes) -> ProblemTicket:
    ticket = tickets.reporters_ticket(worker.id, ticket_id)
    report = max((r for r in ticket.reports if r.worker_id == worker.id), key=lambda r: r.id)
    if len(report.photos) >= current_app.config["PROBLEM_PHOTOS_MAX"]:
        limit = current_app.config["PROBLEM_PHOTOS_MAX"]
        raise Conflict(f"每条反映最多上传 {limit} 张照片", code=error_codes.PROBLEM_PHOTOS_FULL)
    stored = accept_photo(worker, data)
    photo = ProblemPhoto(report_id=report.id, file_key=stored.key, content_type=stored.content_type, size=stored.size)
    db.session.add(photo)
    db.session.flush()
    audit.record_by_worker(
        worker.id, "worker", "problem.photo", "problem_ticket", str(ticket.id),
        district_code=ticket.district_code, after={"photo_id": photo.id},
    )  # fmt: skip
    # Asked at once below; should WeChat be unreachable now, this job (committed with the
    # photo) asks again later, and finds nothing to do when the first ask worked.
    jobs.enqueue("problems.media_check", {"photo_id": photo.id}, run_at=clock.now() + RETRY_AFTER)
    db.session.commit()
    request_check(photo.id, worker.openid)
    return tickets.reporters_ticket(worker.id, ticket_id)


def media_url(photo: ProblemPhoto) -> str:
    token = _serializer().dumps(photo.id)
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/media/problem-photos/{token}"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def request_check(photo_id: int, openid: str) -> bool:
    """Ask WeChat to check the photo; True once it has a trace id."""
    photo = db.session.get(ProblemPhoto, photo_id)
    if photo is None or photo.trace_id or photo.check_status != PHOTO_PENDING:
        return photo is not None
    url = media_url(photo)
    db.session.rollback()  # no transaction held open while WeChat answers
    try:
        trace_id = wechat.media_check_async(url, openid)
    except WeChatError as exc:
        log.warning("problem photo %s: media check not requested (%s), the job retries", photo_id, exc.code)
        return False
    db.session.execute(sa.update(ProblemPhoto).where(ProblemPhoto.id == photo_id).values(trace_id=trace_id))
    db.session.commit()
    return True


@jobs.task("problems.media_check", max_attempts=10)
def media_check_job(payload: dict) -> None:
    photo = db.session.get(ProblemPhoto, payload["photo_id"])
    if photo is None or photo.trace_id or photo.check_status != PHOTO_PENDING:
        return
    worker = db.session.get(Worker, photo.report.worker_id) if photo.report.worker_id else None
    if worker is None:
        return
    if not request_check(photo.id, worker.openid):
        raise jobs.NotDone("WeChat media check unavailable")


@wechat_events.on(wechat_events.MEDIA_CHECK)
def media_checked(event: wechat_events.PushEvent) -> None:
    """WeChat's verdict: pass shows the photo; review or risky keeps it hidden. Idempotent
    (WeChat repeats pushes), and a trace id that is not ours is ignored."""
    trace_id = event.data.get("trace_id")
    result = event.data.get("result") or {}
    if not isinstance(trace_id, str) or not isinstance(result, dict):
        return
    photo = db.session.scalar(sa.select(ProblemPhoto).where(ProblemPhoto.trace_id == trace_id).with_for_update())
    if photo is None or photo.check_status != PHOTO_PENDING:
        return
    photo.check_status = PHOTO_PASSED if result.get("suggest") == "pass" else PHOTO_HIDDEN
    label = result.get("label")
    photo.label = label if isinstance(label, int) else None
    photo.checked_at = clock.now()


def photo_for_wechat(token: str) -> ProblemPhoto | None:
    """The photo a signed media URL names (WeChat downloading it to check); None if the token
    is bad, old, or the photo already judged."""
    try:
        photo_id = _serializer().loads(token, max_age=MEDIA_URL_MAX_AGE)
    except BadSignature:
        return None
    photo = db.session.get(ProblemPhoto, photo_id) if isinstance(photo_id, int) else None
    return photo if photo is not None and photo.check_status == PHOTO_PENDING else None


def visible_to(photo: ProblemPhoto, worker_id: int | None) -> bool:
    """Its reporter sees it always; anyone else once WeChat passed it."""
    return photo.check_status == PHOTO_PASSED or (worker_id is not None and photo.report.worker_id == worker_id)


def photo_bytes(photo: ProblemPhoto) -> tuple[bytes, str]:
    return files.store().get(photo.file_key), photo.content_type


def photo_in(ticket: ProblemTicket, photo_id: int, worker_id: int | None = None) -> ProblemPhoto:
    for report in ticket.reports:
        for photo in report.photos:
            if photo.id == photo_id and visible_to(photo, worker_id):
                return photo
    raise files.FileNotFound()
