"""WeChat's authorisation pushes (docs/wechat.md; app/core/wechat_events.py). The push endpoint has
checked the signature, the timestamp and that the push is new: a forged or replayed one never gets
here. Each handler runs in the push's transaction, so its change commits with the push's record.

- `user_authorization_cancellation`: the person closed their WeChat account — their account here
  is closed as if they had asked (app/privacy/erasure.py).
- `user_authorization_revoke`: they withdrew one grant; `RevokeInfo` names it. Location (13, and
  18 a chosen location): the location consent is withdrawn (located check-ins are refused until
  given again) and the distances derived from their locations are deleted. Camera (7) and chosen
  images or videos (14): the photos consent is withdrawn and every personal-data holder deletes
  what depends on it (`personal_data.revoke_all`: the worker's problem-report photos)."""

from __future__ import annotations

import logging

import sqlalchemy as sa

from app.accounts.worker_models import Worker
from app.core import personal_data, wechat_events
from app.extensions import db
from app.privacy import consents, erasure
from app.visits.models import CheckIn

log = logging.getLogger(__name__)

REVOKED_FEATURE = {"13": "location", "18": "location", "7": "photos", "14": "photos"}


@wechat_events.on(wechat_events.AUTHORIZATION_CANCELLATION)
def account_cancelled(event: wechat_events.PushEvent) -> None:
    if event.openid:
        erasure.close_account_of_openid(event.openid)


@wechat_events.on(wechat_events.AUTHORIZATION_REVOKE)
def grant_revoked(event: wechat_events.PushEvent) -> None:
    feature = REVOKED_FEATURE.get(str(event.data.get("RevokeInfo") or ""))
    worker_id = event.openid and db.session.scalar(sa.select(Worker.id).where(Worker.openid == event.openid))
    if feature is None or not worker_id:
        log.info("privacy: a revocation push names no grant we use, or no worker of ours")
        return
    consents.withdraw(worker_id, feature, consents.BY_WECHAT)
    personal_data.revoke_all(worker_id, feature)
    if feature == "location":
        forget = sa.update(CheckIn).where(CheckIn.worker_id == worker_id, CheckIn.distance_m.is_not(None)).values(distance_m=None)
        db.session.execute(forget.execution_options(synchronize_session=False))
