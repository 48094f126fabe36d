"""factory_boy factories for test data, written through the app's own session."""

from __future__ import annotations

from datetime import timedelta

import factory
import sqlalchemy as sa
from factory.alchemy import SQLAlchemyModelFactory
from werkzeug.security import generate_password_hash

from app.accounts.staff_models import StaffAccount
from app.accounts.worker_models import Worker
from app.core import clock
from app.extensions import db
from app.keepers.models import KeeperCode, StationKeeper
from app.privacy.models import FEATURES, Consent, Notice
from app.reference import data as ref
from app.registry.models import Inspection, Station
from app.visits.models import CheckIn

PASSWORD = "correct-horse-battery"
# The station most tests talk about (the `station` fixture) and its neighbour (`other_station`).
STATION = {"code": "FC0101", "name": "临园路环卫驿站"}
OTHER_STATION = {"code": "FC0102", "name": "剑南路驿站"}
# A station of another district (游仙区), for scope (`yx_station`).
YX_STATION = {"code": "YX0001", "district_code": "YX", "address": "绵阳市游仙区", "lat": 31.4765, "lng": 104.779}
# An inspection that passed all six "has" items (六有).
ALL_PASSED = [{"item": item, "passed": True, "note": None} for item in ref.codes(ref.SIX_HAS_ITEMS)]
_PASSWORD_HASH = generate_password_hash(PASSWORD)  # hashed once: scrypt is slow on purpose


class _Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"


class StaffFactory(_Base):
    class Meta:
        model = StaffAccount

    username = factory.Sequence(lambda n: f"staff{n}")
    password_hash = _PASSWORD_HASH
    display_name = factory.LazyAttribute(lambda o: f"{o.username} 测试")
    role = "district"
    district_code = "FC"


OFFICE_HOURS = {"always_open": False, "weekly": [{"weekday": d, "open": "08:00", "close": "18:00"} for d in range(1, 6)]}


class StationFactory(_Base):
    class Meta:
        model = Station

    code = factory.Sequence(lambda n: f"FC{9000 + n:04d}")
    name = factory.Sequence(lambda n: f"测试站点{n}")
    district_code = "FC"
    address = "绵阳市涪城区临园路1号"
    lat = 31.4567
    lng = 104.7462
    host_unit = "涪城区环卫所"
    host_type_code = "sanitation_depot"
    build_mode = "co_built"
    amenities = factory.LazyFunction(lambda: ["drinking_water", "toilet"])
    opening_hours = factory.LazyFunction(lambda: dict(OFFICE_HOURS))
    worker_groups = factory.LazyFunction(lambda: ["sanitation"])
    status = "built"


class WorkerFactory(_Base):
    """A worker who has answered the latest privacy notice granting every feature (README
    "Privacy"); `WorkerFactory(consented=False)` for one who has not answered it yet."""

    class Meta:
        model = Worker

    openid = factory.Sequence(lambda n: f"o-test-{n:06d}")

    @factory.post_generation
    def consented(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            for feature in FEATURES:
                ConsentFactory(worker_id=obj.id, feature=feature)


class ConsentFactory(_Base):
    """A live grant under the latest notice (pass worker_id= and feature=)."""

    class Meta:
        model = Consent

    notice_version = factory.LazyFunction(lambda: db.session.scalar(sa.select(sa.func.max(Notice.version))))


class CheckInFactory(_Base):
    """A scanned visit; pass station= and worker= (or let it make them)."""

    class Meta:
        model = CheckIn

    station = factory.SubFactory(StationFactory)
    worker = factory.SubFactory(WorkerFactory)
    source = "scan"
    services = factory.LazyFunction(lambda: ["water"])
    dedupe_bucket = factory.Sequence(lambda n: n)


class StationKeeperFactory(_Base):
    """A keeper bound to a station (as if they had redeemed a binding code)."""

    class Meta:
        model = StationKeeper

    station = factory.SubFactory(StationFactory)
    worker = factory.SubFactory(WorkerFactory)


def make_keeper(station, worker=None, **values) -> StationKeeper:
    return StationKeeperFactory(station=station, worker=worker or WorkerFactory(), **values)


def ready_station(spec, **overrides) -> str:
    """A station made from `spec.station` (plus overrides), inspected, kept and with a pending
    keeper code as `spec` asks (the scope tables' endpoints and pages); returns its code."""
    station = StationFactory(**{**spec.station, **overrides})
    if spec.inspected:
        db.session.add(Inspection(station=station, inspector_name="测试", inspected_on=clock.today(), results=ALL_PASSED))
    if spec.keeper:
        make_keeper(station)
    if spec.keeper_code:
        expires_at = clock.now() + timedelta(hours=1)
        db.session.add(KeeperCode(code_hash=f"test-{station.code}", station_id=station.id, expires_at=expires_at))
    db.session.commit()
    return station.code
