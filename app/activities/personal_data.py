"""What care activities hold about a worker: their gift claims (app/core/personal_data.py).
Export lists them; erase unlinks the worker from each claim — the claim stays, claimed or
collected, so every report and campaign summary stays equal — and withdraws reminders not yet
sent. Claims hold no free text, so nothing expires."""

from __future__ import annotations

import sqlalchemy as sa

from app.activities import reminders
from app.activities.models import GiftClaim
from app.core import personal_data
from app.extensions import db


def export(worker_id: int) -> list[dict]:
    rows = db.session.scalars(sa.select(GiftClaim).where(GiftClaim.worker_id == worker_id).order_by(GiftClaim.id))
    return [
        {
            "activity": row.activity.title,
            "gift": row.activity.gift_name,
            "voucher": row.voucher,
            "status": row.status,
            "claimed_at": row.claimed_at.isoformat(),
            "collected_at": row.collected_at.isoformat() if row.collected_at else None,
        }
        for row in rows
    ]


def erase(worker_id: int) -> int:
    """The caller commits."""
    for row in db.session.scalars(sa.select(GiftClaim).where(GiftClaim.worker_id == worker_id, GiftClaim.reminder_id.is_not(None))):
        reminders.cancel(row)
    result = db.session.execute(sa.update(GiftClaim).where(GiftClaim.worker_id == worker_id).values(worker_id=None))
    return result.rowcount


personal_data.register(personal_data.Holder(name="activity_claims", export=export, erase=erase))
