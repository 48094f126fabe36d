"""`gunicorn bench.naive:app`: the app exactly as wsgi.py makes it, plus a naive check-in as a
reference point for the load runs, served by the same gunicorn in the same run: one Flask-SQLAlchemy
ORM insert with a unique constraint, nothing else (no token, no signature, no rules, no rollups,
no rate limits). Its table lives in its own metadata, outside the app's migrations."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import request
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app import create_app
from app.core import clock
from app.extensions import csrf, db


class NaiveBase(DeclarativeBase):
    pass


class NaiveCheckIn(NaiveBase):
    __tablename__ = "bench_naive_checkins"
    __table_args__ = (sa.UniqueConstraint("worker", "station", "bucket"),)

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    worker: Mapped[int]
    station: Mapped[str] = mapped_column(sa.String(16))
    bucket: Mapped[int] = mapped_column(sa.BigInteger)
    checked_in_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


def naive_checkin():
    body = request.get_json()
    now = clock.now()
    visit = NaiveCheckIn(worker=int(body["worker"]), station=str(body["station"]), bucket=int(now.timestamp() // 3600), checked_in_at=now)
    db.session.add(visit)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return {"deduplicated": True}, 200
    return {"id": visit.id}, 201


def create_table(dsn: str) -> None:
    """Run by the bench before gunicorn serves (not at import: two workers would race)."""
    engine = sa.create_engine(dsn.replace("postgresql://", "postgresql+psycopg://", 1))
    NaiveBase.metadata.create_all(engine)
    engine.dispose()


app = create_app()
app.add_url_rule("/bench/naive-checkins", "bench_naive_checkin", naive_checkin, methods=["POST"])
csrf.exempt(naive_checkin)  # a JSON endpoint, as the API's are
