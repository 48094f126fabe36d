"""The check-in's hot path (app/visits/checkins.py, yizhan_check_in): one statement on the
database, the answer written without the schema, the three rate limits in one storage call, the
opening hours read the same in SQL as in Python, and a dead pooled connection retried once."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
import redis
import sqlalchemy as sa

from app.adapters.plain_db import PlainDatabase
from app.adapters.rate_limits import CombinedLimits, limits_of
from app.core import clock
from app.core.opening_hours import is_open_at
from app.extensions import db, limiter
from app.signs import tokens as sign_tokens
from app.visits.checkin_schemas import CheckInResultOut
from app.visits.checkins import CheckInAnswer
from tests.factories import StationFactory

CHECKINS = "/api/mp/v1/checkins"
ALWAYS = {"always_open": True, "weekly": []}


def scan_of(station) -> str:
    return sign_tokens.url_for_sign(station)


# --- the answer, written by hand ------------------------------------------------------------------


@pytest.mark.parametrize("distance", [None, 0.0, 123.456789])
@pytest.mark.parametrize("created", [True, False])
def test_the_hand_written_answer_equals_the_schemas_dump(distance, created):
    answer = CheckInAnswer(
        id=42,
        station_code="FC0001",
        station_name="涪城区 驿站",
        checked_in_at=datetime(2026, 12, 3, 18, 4, 9, 123456, tzinfo=UTC),
        services=["toilet", "water"],
        located=distance is not None,
        distance_m=distance,
        created=created,
    )
    schema_view = {
        "id": answer.id,
        "station": {"code": answer.station_code, "name": answer.station_name},
        "source": "scan",
        "checked_in_at": answer.checked_in_at,
        "services": answer.services,
        "located": answer.located,
        "distance_m": answer.distance_m,
        "deduplicated": not created,
    }
    assert answer.as_json() == CheckInResultOut().dump(schema_view)


def test_a_check_in_answers_what_the_schema_would(worker_api, app_ctx):
    station = StationFactory(opening_hours=ALWAYS)
    r = worker_api.post(
        CHECKINS, json={"scan": scan_of(station), "services": ["water"], "location": {"lat": station.lat, "lng": station.lng}}
    )
    assert r.status_code == 201
    body = r.get_json()
    dumped = CheckInResultOut().dump({**body, "checked_in_at": datetime.fromisoformat(body["checked_in_at"])})
    assert body == dumped


# --- one round trip ---------------------------------------------------------------------------------


def test_a_check_in_is_one_statement(worker_api, app_ctx):
    station = StationFactory(opening_hours=ALWAYS)
    statements = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
            statements.append(statement)

    engine = db.engines[None]  # the test's connection (tests/conftest.py): every statement passes it
    sa.event.listen(engine, "before_cursor_execute", seen)
    try:
        first = worker_api.post(CHECKINS, json={"scan": scan_of(station), "services": []}, headers={"Idempotency-Key": "k-1"})
        again = worker_api.post(CHECKINS, json={"scan": scan_of(station), "services": []}, headers={"Idempotency-Key": "k-1"})
    finally:
        sa.event.remove(engine, "before_cursor_execute", seen)
    assert (first.status_code, again.status_code) == (201, 201)
    assert len(statements) == 2 and all("yizhan_check_in" in s for s in statements), statements


def test_a_sign_reissued_a_moment_ago_is_refused_at_once(fc_api, worker_api, app_ctx):
    station = StationFactory(opening_hours=ALWAYS, district_code="FC")
    old = scan_of(station)
    assert worker_api.post(CHECKINS, json={"scan": old, "services": []}).status_code == 201
    assert fc_api.post(f"/api/staff/v1/stations/{station.code}/sign/reissue").status_code == 200
    r = worker_api.post(CHECKINS, json={"scan": old, "services": []})
    assert (r.status_code, r.get_json()["error"]["code"]) == (410, "sign_outdated")


# --- opening hours: the SQL and the Python read them alike --------------------------------------------


def _random_hours(rng: random.Random) -> dict:
    if rng.random() < 0.1:
        return {"always_open": True, "weekly": []}
    weekly = []
    for _ in range(rng.randint(0, 6)):
        start = rng.randint(0, 22 * 60)
        end = rng.randint(start + 1, 24 * 60 - 1)
        weekly.append(
            {"weekday": rng.randint(1, 7), "open": f"{start // 60:02d}:{start % 60:02d}", "close": f"{end // 60:02d}:{end % 60:02d}"}
        )
    return {"always_open": False, "weekly": weekly}


def test_sql_opening_hours_agree_with_python(app_ctx):
    rng = random.Random(20)
    base = datetime(2026, 1, 1, tzinfo=UTC)
    cases = []
    for _ in range(400):
        hours = _random_hours(rng)
        # Instants on the minute, and near the edges of the ranges, China time.
        moment = base + timedelta(minutes=rng.randint(0, 60 * 24 * 14), seconds=rng.choice([0, 0, 30, 59]))
        cases.append((hours, moment))
    query = sa.text("SELECT yizhan_open_at(CAST(:hours AS jsonb), :at)")
    for hours, moment in cases:
        in_sql = db.session.scalar(query, {"hours": json.dumps(hours), "at": moment})
        assert in_sql == is_open_at(hours, moment), (hours, clock.china_time(moment))


# --- the three limits in one call ---------------------------------------------------------------------


def test_the_three_limits_are_one_redis_call(app, worker_api, app_ctx, monkeypatch):
    station = StationFactory(opening_hours=ALWAYS)
    client = limiter.storage.get_connection()
    calls = []
    original = client.execute_command

    def counted(*args, **kwargs):
        calls.append(args[0])
        return original(*args, **kwargs)

    monkeypatch.setattr(client, "execute_command", counted)
    assert worker_api.post(CHECKINS, json={"scan": scan_of(station), "services": []}).status_code == 201
    limit_calls = [c for c in calls if c in ("EVALSHA", "EVAL", "SCRIPT LOAD")]
    assert limit_calls and limit_calls[-1] == "EVALSHA" and calls.count("EVALSHA") == 1, calls


def test_the_per_address_limit_counts_every_worker(app, client, app_ctx, monkeypatch):
    from tests.conftest import worker_signed_in
    from tests.factories import WorkerFactory

    monkeypatch.setitem(app.config, "CHECKIN_LIMIT_PER_IP", "2 per minute")
    station = StationFactory(opening_hours=ALWAYS)
    answers = [worker_signed_in(client, WorkerFactory()).post(CHECKINS, json={"scan": scan_of(station), "services": []}) for _ in range(3)]
    assert [r.status_code for r in answers] == [201, 201, 429]
    assert 1 <= int(answers[-1].headers["Retry-After"]) <= 60


def test_limits_count_in_memory_without_redis():
    from limits.storage import MemoryStorage

    class FakeLimiter:
        enabled = True
        _key_prefix = "t"
        storage = MemoryStorage()

    limits = CombinedLimits(FakeLimiter())
    per_ip, per_worker = limits_of("3 per minute"), limits_of("2 per minute;10 per day")
    checks = [*((i, "1.2.3.4") for i in per_ip), *((i, "w1") for i in per_worker)]
    assert [limits.hit(checks) for _ in range(2)] == [None, None]
    exceeded = limits.hit(checks)
    assert exceeded is not None and exceeded.limit.amount == 2 and 1 <= exceeded.retry_after <= 60
    other = [*((i, "1.2.3.4") for i in per_ip), *((i, "w2") for i in per_worker)]
    assert limits.hit(other) is not None  # the address's 3 per minute is used up (stopped at w1's)


def test_limits_fall_back_to_memory_when_redis_fails(app_ctx, monkeypatch):
    limits = CombinedLimits(limiter)

    def broken(*args, **kwargs):
        raise redis.ConnectionError("down")

    monkeypatch.setattr(limiter.storage.get_connection(), "evalsha", broken)
    monkeypatch.setattr(limiter.storage.get_connection(), "execute_command", broken)
    checks = [(limits_of("1 per minute")[0], "fallback-test")]
    assert limits.hit(checks) is None
    assert limits.hit(checks) is not None  # counted in memory meanwhile


# --- a dead pooled connection ---------------------------------------------------------------------------


def test_a_dead_pooled_connection_is_retried_once(app):
    class Bound:
        engines = {None: None}

    plain = PlainDatabase()  # not init_app: the session's app keeps its own
    plain._db = Bound
    plain._engine = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"], isolation_level="AUTOCOMMIT")
    Bound.engines[None] = plain._engine
    first = plain.one("SELECT pg_backend_pid()", {})[0]
    with psycopg.connect(app.config["SQLALCHEMY_DATABASE_URI"].replace("+psycopg", ""), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (first,))
    second = plain.one("SELECT pg_backend_pid()", {})[0]
    assert second != first
    plain._engine.dispose()


# --- rollup rows in shards --------------------------------------------------------------------------


def test_a_days_visits_spread_over_shards_and_sum_right(client, app_ctx):
    from app.visits import rollups
    from app.visits.rollup_models import SHARDS, VisitDayDistrict
    from tests.conftest import worker_signed_in
    from tests.factories import WorkerFactory

    station = StationFactory(opening_hours=ALWAYS)
    for _ in range(12):
        r = worker_signed_in(client, WorkerFactory()).post(CHECKINS, json={"scan": scan_of(station), "services": []})
        assert r.status_code == 201
    rows = db.session.execute(
        sa.select(VisitDayDistrict.shard, VisitDayDistrict.visits).where(VisitDayDistrict.district_code == station.district_code)
    ).all()
    assert len({shard for shard, _ in rows}) > 1 and all(0 <= shard < SHARDS for shard, _ in rows)
    assert sum(visits for _, visits in rows) == 12
    assert rollups.verify() == []


def test_rate_limit_keys_live_under_the_apps_redis_prefix(app, worker_api, app_ctx):
    """So one app's (or test run's) `limiter.reset()` never clears another's counters."""
    prefix = f"{app.config['REDIS_KEY_PREFIX']}:limits"
    assert limiter.storage.key_prefix == prefix
    station = StationFactory(opening_hours=ALWAYS)
    assert worker_api.post(CHECKINS, json={"scan": scan_of(station), "services": []}).status_code == 201
    assert limiter.storage.get_connection().keys(f"{prefix}:*")
