"""Test fixtures. Every database test runs once, on PostgreSQL with Redis (production's parts,
and the only engine): each run creates its own database and Redis key prefix and drops them; each
test runs in a transaction that is rolled back. A missing PostgreSQL or Redis stops the run at
once with what is missing (tests fail, they never skip)."""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from flask_migrate import upgrade

from app import create_app
from app.accounts import staff as staff_service
from app.extensions import db, limiter
from app.reference.service import load_reference_data
from tests import services

RUN_ID = f"yizhan_test_{os.getpid()}"


def pytest_configure(config):
    # YIZHAN_REQUIRE_SERVICES=1 (CI) and a plain run alike: without the services nothing can run.
    problems = [p for p in (services.postgres_problem(), services.redis_problem()) if p]
    if problems:
        raise pytest.UsageError("a required service is down:\n  " + "\n  ".join(problems))


def pytest_report_header(config):
    return f"yizhan: PostgreSQL {services.PG_ADMIN_URL}, Redis {services.REDIS_TEST_URL} (run id {RUN_ID})"


@pytest.fixture(scope="session")
def app(tmp_path_factory, fake_wechat):
    """A migrated, reference-loaded PostgreSQL database, and an app on it."""
    overrides = {
        "REDIS_KEY_PREFIX": RUN_ID,
        "WECHAT_API_BASE": fake_wechat,
        "SQLALCHEMY_DATABASE_URI": services.create_database(RUN_ID),
        "REDIS_URL": services.REDIS_TEST_URL,
    }
    application = create_app("testing", overrides)
    with application.app_context():
        upgrade()
        load_reference_data()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()
    services.drop_database(RUN_ID)
    services.delete_redis_keys(RUN_ID)


@contextmanager
def extensions_kept():
    """The extensions are module-level objects that init_app rebinds to the newest app: put
    their state back afterwards, or later tests would run on another app's Redis."""
    from app import extensions

    names = ("limiter", "redis_store", "wechat", "blob_cache", "geo_index", "plain_db", "checkin_limits")
    bound = [getattr(extensions, name) for name in names]
    saved = [dict(vars(obj)) for obj in bound]
    try:
        yield
    finally:
        for obj, state in zip(bound, saved, strict=True):
            vars(obj).clear()
            vars(obj).update(state)


def side_app(overrides, env_name="testing"):
    """An app of a test module's own (its own database, say) that leaves the extensions as the
    session's app had them: for apps that serve requests while other tests' apps exist."""
    with extensions_kept():
        return create_app(env_name, overrides)


@contextmanager
def app_on_own_database(db_name: str, overrides: dict, *, reference_data: bool = False):
    """A side app on a fresh, migrated database of its own (job workers and servers in other
    processes must see committed rows, which the session database's rolled-back transaction
    hides); yields (app, database URL) and drops the database afterwards."""
    url = services.create_database(db_name)
    application = side_app({"SQLALCHEMY_DATABASE_URI": url, **overrides})
    with application.app_context():
        upgrade()
        if reference_data:
            load_reference_data()
    try:
        yield application, url
    finally:
        with application.app_context():
            db.session.remove()
            db.engine.dispose()
        services.drop_database(db_name)


@pytest.fixture
def make_app(app):
    """create_app with a test's own settings (a dead Redis, no database, …); the extensions are
    put back for the session's app afterwards (extensions_kept)."""

    def make(overrides, env_name="testing"):
        return create_app(env_name, overrides)

    with extensions_kept():
        yield make


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield app


@pytest.fixture(autouse=True)
def _rolled_back(request):
    """Run each database test inside a transaction that is rolled back afterwards: services
    commit to a savepoint, so nothing a test writes is seen by the next one."""
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        engines = db.engines
        engine = engines[None]
        connection = engine.connect()
        transaction = connection.begin()
        engines[None] = connection
        try:
            yield
        finally:
            db.session.remove()
            transaction.rollback()
            connection.close()
            engines[None] = engine
            limiter.reset()


@pytest.fixture
def client(app):
    return app.test_client()


@dataclass
class Api:
    """The test client, signed in as someone (or no one)."""

    client: object
    token: str | None = None

    def _headers(self, headers):
        out = dict(headers or {})
        if self.token:
            out.setdefault("Authorization", f"Bearer {self.token}")
        return out

    def get(self, url, headers=None, **kw):
        return self.client.get(url, headers=self._headers(headers), **kw)

    def post(self, url, headers=None, **kw):
        return self.client.post(url, headers=self._headers(headers), **kw)

    def put(self, url, headers=None, **kw):
        return self.client.put(url, headers=self._headers(headers), **kw)

    def patch(self, url, headers=None, **kw):
        return self.client.patch(url, headers=self._headers(headers), **kw)

    def delete(self, url, headers=None, **kw):
        return self.client.delete(url, headers=self._headers(headers), **kw)


def signed_in(client, staff) -> Api:
    return Api(client, staff_service.issue_token(staff).token)


@pytest.fixture
def city_staff(app_ctx):
    from tests.factories import StaffFactory

    return StaffFactory(role="city", district_code=None, username="city.staff")


@pytest.fixture
def fc_staff(app_ctx):
    from tests.factories import StaffFactory

    return StaffFactory(role="district", district_code="FC", username="fc.staff")


@pytest.fixture
def yx_staff(app_ctx):
    from tests.factories import StaffFactory

    return StaffFactory(role="district", district_code="YX", username="yx.staff")


@pytest.fixture
def city_api(client, city_staff):
    return signed_in(client, city_staff)


@pytest.fixture
def fc_api(client, fc_staff):
    return signed_in(client, fc_staff)


@pytest.fixture
def yx_api(client, yx_staff):
    return signed_in(client, yx_staff)


@pytest.fixture
def anon_api(client):
    return Api(client)


def worker_signed_in(client, worker) -> Api:
    """A worker's client with a token minted in-process (tests of the WeChat login itself go
    through the fake WeChat server instead)."""
    from app.accounts.workers import issue_token

    return Api(client, issue_token(worker).token)


@pytest.fixture
def worker(app_ctx):
    from tests.factories import WorkerFactory

    return WorkerFactory()


@pytest.fixture
def worker_api(client, worker):
    return worker_signed_in(client, worker)


def sign_in_through_wechat(client, wx, worker) -> Api:
    """The worker opens the mini-program: WeChat now knows them (msg_sec_check wants that)."""
    r = client.post("/api/mp/v1/session", json={"code": wx.login_code(worker.openid)})
    assert r.status_code == 200, r.get_json()
    return Api(client, r.get_json()["token"])


# --- stations and their keepers ------------------------------------------------------------------


@pytest.fixture
def make_station(app_ctx):
    """make_station(**attrs): a built 涪城区 station of the factory's, with these attributes."""
    from tests.factories import StationFactory

    return StationFactory


@pytest.fixture
def station_attrs():
    """What `station` is made with beyond tests.factories.STATION: override it in a module, or
    parametrize it (`@pytest.mark.parametrize("station_attrs", [{...}])`), for a variant."""
    return {}


@pytest.fixture
def station(make_station, station_attrs):
    """FC0101 临园路环卫驿站 (tests.factories.STATION), in 涪城区."""
    from tests.factories import STATION

    return make_station(**{**STATION, **station_attrs})


@pytest.fixture
def other_station(make_station):
    """FC0102 剑南路驿站, in the same district as `station`."""
    from tests.factories import OTHER_STATION

    return make_station(**OTHER_STATION)


@pytest.fixture
def yx_station(make_station):
    """YX0001, in 游仙区: another district than `station`'s (tests.factories.YX_STATION)."""
    from tests.factories import YX_STATION

    return make_station(**YX_STATION)


@pytest.fixture
def keeper_worker(worker):
    """The worker who keeps `station`: `worker` itself, unless a module overrides this for a
    keeper apart from the signed-in worker."""
    return worker


@pytest.fixture
def keeper_binding(station, keeper_worker):
    """keeper_worker bound as keeper of `station` (as if they had redeemed a binding code)."""
    from tests.factories import make_keeper

    return make_keeper(station, keeper_worker)


@pytest.fixture
def keeper_api(client, keeper_binding):
    """The keeper's signed-in client."""
    return worker_signed_in(client, keeper_binding.worker)


@pytest.fixture(scope="session")
def fake_wechat():
    """The fake WeChat server, a real process on a free port: its base URL. Drive it with
    `tests.wechat_server.FakeWeChat(fake_wechat)`."""
    from tests.wechat_server import running_fake_wechat

    with running_fake_wechat() as base_url:
        yield base_url


@pytest.fixture
def wx(fake_wechat):
    """Control of the fake WeChat server, reset before and after the test."""
    from tests.wechat_server import FakeWeChat

    control = FakeWeChat(fake_wechat)
    control.reset()
    yield control
    control.reset()


@pytest.fixture(scope="module", params=["redis", "redis-unreachable"])
def live(request, fake_wechat):
    """gunicorn (two workers) on a fresh PostgreSQL database, with Redis up or unreachable;
    for the live modules. See tests/live.py."""
    from bench.server import running_app
    from tests.live import DEAD_REDIS, live_env

    redis_url = services.REDIS_TEST_URL if request.param == "redis" else DEAD_REDIS
    name = f"{RUN_ID}_{request.module.__name__.rsplit('.', 1)[-1]}_{request.param.replace('-', '_')}"
    with running_app(workers=2, env=live_env(fake_wechat, redis_url), name=name[:63]) as server:
        yield server
