"""A worker's rights over their data, as the mini-program exercises them: see and take
everything held about them (every area's holder, app/core/personal_data.py), and close the
account (app/privacy/erasure.py)."""

from __future__ import annotations

from app.core import clock, personal_data
from app.privacy import erasure


def export(worker_id: int) -> dict:
    """Everything the product stores about the worker, by holder, as JSON."""
    return {"exported_at": clock.now(), "data": personal_data.export_all(worker_id)}


def close_account(worker_id: int) -> dict[str, int]:
    """The worker's own request: their identity goes, their records are anonymised."""
    return erasure.close_account(worker_id) or {}
