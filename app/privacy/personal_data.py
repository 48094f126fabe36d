"""What the privacy area holds about a worker (app/core/personal_data.py): their consents."""

from __future__ import annotations

import sqlalchemy as sa

from app.core import personal_data
from app.extensions import db
from app.privacy.models import Consent


def export_consents(worker_id: int) -> list[dict]:
    consents = db.session.scalars(sa.select(Consent).where(Consent.worker_id == worker_id).order_by(Consent.id))
    return [
        {
            "notice_version": c.notice_version,
            "feature": c.feature,
            "given_at": c.given_at.isoformat(),
            "withdrawn_at": c.withdrawn_at.isoformat() if c.withdrawn_at else None,
            "withdrawn_by": c.withdrawn_by,
        }
        for c in consents
    ]


def erase_consents(worker_id: int) -> int:
    return db.session.execute(sa.delete(Consent).where(Consent.worker_id == worker_id)).rowcount


personal_data.register(personal_data.Holder(name="consents", export=export_consents, erase=erase_consents))
