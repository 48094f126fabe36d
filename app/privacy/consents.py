"""The privacy notice (用户隐私保护指引) and the consents given under it.

A feature that needs consent (FEATURES: location, photos) is used only while the worker holds a
live grant of it under the *latest* notice: a new version asks again, a withdrawal (by the worker
or by WeChat's revocation push) stops it until given again. The check-in function checks the
location grant itself, in its one round trip (migrations/versions/h19a00000001_privacy.py); every
other feature calls `require_consent` (the photo upload of problem reports, say)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from app.core import clock, error_codes
from app.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.extensions import db
from app.privacy.models import FEATURES, Consent, Notice

FEATURE_NAMES = {"location": "位置", "photos": "照片"}
BY_WORKER = "worker"
BY_WECHAT = "wechat"


def latest_notice() -> Notice:
    notice = db.session.scalar(sa.select(Notice).order_by(Notice.version.desc()).limit(1))
    if notice is None:  # the migration publishes version 1: only a broken database has none
        raise NotFound("暂无隐私保护指引", code=error_codes.NOT_FOUND)
    return notice


def publish_notice(title: str, sections: list[dict]) -> Notice:
    """A new version: every worker is asked again before a feature is used."""
    version = (db.session.scalar(sa.select(sa.func.max(Notice.version))) or 0) + 1
    notice = Notice(version=version, title=title, sections=sections, published_at=clock.now())
    db.session.add(notice)
    db.session.commit()
    return notice


def _live(worker_id: int):
    return sa.select(Consent).where(Consent.worker_id == worker_id, Consent.withdrawn_at.is_(None))


@dataclass(frozen=True)
class ConsentState:
    notice_version: int  # the latest notice's
    answered: bool  # whether the worker answered that version (granting some features, or none)
    granted: dict[str, datetime | None]  # feature → when granted under it (None: not granted)

    @property
    def needs_consent(self) -> bool:
        return not self.answered


def state(worker_id: int) -> ConsentState:
    latest = latest_notice().version
    rows = db.session.scalars(sa.select(Consent).where(Consent.worker_id == worker_id, Consent.notice_version == latest)).all()
    granted = {f: next((c.given_at for c in rows if c.feature == f and c.withdrawn_at is None), None) for f in FEATURES}
    return ConsentState(latest, bool(rows), granted)


def give(worker_id: int, version: int, features: list[str]) -> ConsentState:
    """The worker's answer to the notice they read: these features granted, the others not."""
    latest = latest_notice().version
    if version != latest:
        raise Conflict(
            "隐私保护指引已更新，请阅读最新版本后再同意", code=error_codes.PRIVACY_NOTICE_OUTDATED, details={"notice_version": latest}
        )
    unknown = sorted(set(features) - set(FEATURES))
    if unknown:
        raise InvalidInput(
            "未知的授权项", code=error_codes.PRIVACY_FEATURE_UNKNOWN, details={"features": [f"未知的授权项：{'、'.join(unknown)}"]}
        )
    now = clock.now()
    this_version = db.session.scalars(sa.select(Consent).where(Consent.worker_id == worker_id, Consent.notice_version == latest)).all()
    held = {c.feature for c in this_version if c.withdrawn_at is None}
    answered = {c.feature for c in this_version}
    for consent in db.session.scalars(_live(worker_id)).all():
        if consent.notice_version != latest or consent.feature not in features:
            consent.withdrawn_at, consent.withdrawn_by = now, BY_WORKER
    for feature in FEATURES:
        if feature in features and feature not in held:
            db.session.add(Consent(worker_id=worker_id, notice_version=latest, feature=feature, given_at=now))
        elif feature not in features and feature not in answered:
            # A refusal is an answer too: kept (withdrawn at once) so the notice is not asked again.
            db.session.add(Consent(worker_id=worker_id, notice_version=latest, feature=feature, given_at=now,
                                   withdrawn_at=now, withdrawn_by=BY_WORKER))  # fmt: skip
    db.session.commit()
    return state(worker_id)


def withdraw(worker_id: int, feature: str, by: str) -> int:
    """Withdraw the worker's live grant of a feature (in the caller's transaction): how many."""
    rows = db.session.scalars(_live(worker_id).where(Consent.feature == feature)).all()
    for consent in rows:
        consent.withdrawn_at, consent.withdrawn_by = clock.now(), by
    return len(rows)


def require_consent(worker_id: int, feature: str) -> None:
    """Refuse (403 privacy_consent_required) a use of `feature` without a live grant under the
    latest notice. The photo upload (issue 18) and any later feature call this first."""
    if feature not in FEATURES:
        raise ValueError(f"unknown privacy feature {feature!r}")
    latest = sa.select(sa.func.max(Notice.version)).scalar_subquery()
    held = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Consent)
        .where(Consent.worker_id == worker_id, Consent.feature == feature, Consent.withdrawn_at.is_(None), Consent.notice_version == latest)
    )
    if not held:
        raise Forbidden(
            f"使用{FEATURE_NAMES[feature]}前，请先阅读并同意《用户隐私保护指引》",
            code=error_codes.PRIVACY_CONSENT_REQUIRED,
            details={"feature": feature},
        )
