"""Changing many rows without holding locks for long (retention, app/core/personal_data.py).

`in_batches(select_ids, change)` takes up to PRIVACY_RETENTION_BATCH ids at a time from
`select_ids` (a SELECT of one id column), locking them FOR UPDATE SKIP LOCKED — a row another
transaction holds (a check-in, a worker's edit) is left for the next run rather than waited for —
runs `change(ids)` (an UPDATE or DELETE of those ids) and commits; until a batch finds none."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask import current_app

from app.extensions import db


def in_batches(select_ids: sa.Select, change: Callable[[list[int]], sa.Executable]) -> int:
    size = current_app.config["PRIVACY_RETENTION_BATCH"]
    done, after = 0, None
    column = select_ids.selected_columns[0]
    while True:
        query = select_ids if after is None else select_ids.where(column > after)
        ids = list(db.session.scalars(query.order_by(column).limit(size).with_for_update(skip_locked=True)))
        if not ids:
            return done
        db.session.execute(change(ids).execution_options(synchronize_session=False))
        db.session.commit()
        done += len(ids)
        after = ids[-1]  # key ranges: a skipped (locked) row is not asked for again in this run
