"""Fuzzing the contract: schemathesis generates requests from /api/openapi.json for every
operation, sent as each role (city staff, district staff, a station's keeper, a plain worker,
no one), on PostgreSQL and Redis. For every request:

- no 5xx;
- the status code is one the operation documents, and the body matches its documented schema
  (and content type);
- an error's `code` is one the operation lists in `x-error-codes`, at that status (where it
  lists them: app/api/error_docs.py), so a client can give every code its own message;
- nothing outside the role's reach changed: another district's stations and everything hanging
  off them, other stations than the keeper's own, other workers and other staff accounts
  (`foreign_rows`, compared before and after each request).

The world (`World`) is small and real: stations in two districts with keepers, binding codes,
visits, ratings, walk-ins and investments, whose codes and ids are mixed into the generated path
parameters, so the requests reach past "not found" into the services. Bounded and
deterministic: a fixed number of examples per operation and role (`FUZZ_EXAMPLES`, fewer where
the role is refused at the door), derandomized, no shrinking; each test runs in the rolled-back
transaction of tests/conftest.py."""

from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
import schemathesis
import sqlalchemy as sa
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from PIL import Image
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app import create_app
from app.accounts import staff as staff_service
from app.accounts import workers as worker_service
from app.accounts.worker_models import Worker
from app.core import clock, files
from app.extensions import db
from app.keepers.models import KeeperCode, StationKeeper
from app.problems.models import ProblemPhoto, ProblemReport, ProblemTicket
from app.ratings.models import Rating
from app.reference import data as ref
from app.registry.models import Inspection, Station
from app.reports.models import Investment
from app.signs import tokens as sign_tokens
from app.supplies.models import Supply
from app.visits import walkins
from tests.activities import world as activity_world
from tests.factories import CheckInFactory, StaffFactory, StationFactory, WorkerFactory
from tests.services import NO_DATABASE

# The contract is fuzzed on production's parts only: PostgreSQL and Redis (tests/conftest.py).

SPEC = "/api/openapi.json"
# Examples per operation, shared by the roles it admits (so 10 each for two roles); raise it for a
# deeper run: YIZHAN_FUZZ_EXAMPLES=200.
FUZZ_EXAMPLES = int(os.environ.get("YIZHAN_FUZZ_EXAMPLES", "20"))
REFUSED_EXAMPLES = 3  # per role the operation refuses at the door (a wrong kind of token, or none)
# Rendering a 300 dpi sign or a whole district's PDF takes a good part of a second: fewer of those.
SLOW = {"/api/staff/v1/stations/{code}/sign.png", "/api/staff/v1/stations/{code}/sign.pdf", "/api/staff/v1/signs.pdf"}
SLOW_EXAMPLES = 4


@schemathesis.check
def error_code_documented(ctx, response, case) -> None:
    """An error answer's code is one the operation states it may return, with its status."""
    listed = case.operation.definition.raw.get("x-error-codes")
    if listed is None or response.status_code < 400:
        return None
    code = response.json()["error"]["code"]
    assert {"status": response.status_code, "code": code} in listed, (
        f"{case.operation.label} answered {response.status_code} {code}, not in its x-error-codes"
    )
    return None


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance, error_code_documented]

ROLES = ["city", "district", "keeper", "worker", "anonymous"]
STAFF_ROLES = ("city", "district")
WORKER_ROLES = ("keeper", "worker")


def _operations() -> list[tuple[str, str, tuple[str, ...]]]:
    """(METHOD, path, roles it admits) of every documented operation, read from a throwaway app
    at collection: an operation without `security` admits everyone."""
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": NO_DATABASE})
    spec = app.test_client().get(SPEC).get_json()
    operations = []
    for path, ops in spec["paths"].items():
        for method, operation in ops.items():
            schemes = {name for requirement in operation.get("security", []) for name in requirement}
            if not schemes:
                admitted = tuple(ROLES)
            elif schemes == {"BearerAuth"}:
                admitted = STAFF_ROLES
            elif schemes == {"WorkerAuth"}:
                admitted = WORKER_ROLES
            elif schemes == {"WeChatSignature"}:
                admitted = ()  # WeChat's own server (the message push), by its signature: none of ours
            else:
                raise AssertionError(f"{method} {path}: unknown security {schemes}")
            operations.append((method.upper(), path, admitted))
    return operations


OPERATIONS = _operations()
ADMITTED = [(method, path, role) for method, path, roles in OPERATIONS for role in roles]
REFUSING = [(method, path, tuple(r for r in ROLES if r not in roles)) for method, path, roles in OPERATIONS if len(roles) < len(ROLES)]


# --- the world ---------------------------------------------------------------------------------

ALL_PASSED = [{"item": item, "passed": True, "note": None} for item in ref.codes(ref.SIX_HAS_ITEMS)]


@dataclass
class World:
    """Stations A and B (涪城区) and C (游仙区), each with a keeper, a binding code, a visit with a
    rating, a walk-in and an investment; the acting people and their tokens."""

    codes: dict[str, str]
    tokens: dict[str, str | None]
    actors: dict[str, tuple[int | None, int | None]]  # role -> (staff id, worker id)
    ids: dict[str, list] = field(default_factory=dict)  # path parameter -> real values
    scans: list[str] = field(default_factory=list)


def _station(code: str, district: str, **extra) -> Station:
    coords = {"FC": (31.4567, 104.7462), "YX": (31.4765, 104.779)}[district]
    values = {"lat": coords[0], "lng": coords[1], "address": f"绵阳市{code}", "opening_hours": {"always_open": True}}
    return StationFactory(code=code, district_code=district, **{**values, **extra})


def _furnish(station: Station, keeper_worker, visitor) -> dict:
    """A keeper, an unused binding code, a 六有 inspection, a rated visit and a walk-in."""
    binding = StationKeeper(station_id=station.id, worker_id=keeper_worker.id)
    code = KeeperCode(code_hash=f"fuzz-{station.code}", station_id=station.id, expires_at=clock.now() + timedelta(hours=24))
    db.session.add_all([binding, code])
    db.session.add(Inspection(station=station, inspector_name="测试", inspected_on=clock.today(), results=ALL_PASSED))
    db.session.commit()
    visit = CheckInFactory(station=station, worker=visitor)
    rating = Rating(
        checkin_id=visit.id, station_id=station.id, worker_id=visitor.id, score=4,
        comment="水很干净", comment_status="published", moderation_label=100,
    )  # fmt: skip
    db.session.add(rating)
    db.session.add(Investment(station_id=station.id, district_code=station.district_code, year=2025, quarter=2))
    db.session.commit()
    entry = walkins.record_walk_in(binding, date=clock.today(), count=3).entry
    ids = {"keeper_id": binding.id, "code_id": code.id, "checkin_id": visit.id, "rating_id": rating.id, "entry_id": entry.id}
    return ids | _problems(station, visitor)


def _problems(station: Station, reporter) -> dict:
    """A ticket the reporter opened, with a photo WeChat passed, a supply and a spot check."""
    now = clock.now()
    ticket = ProblemTicket(
        station_id=station.id, district_code=station.district_code, kind="locked", opened_at=now,
        due_at=now + timedelta(hours=24), deadline_at=now + timedelta(hours=24),
    )  # fmt: skip
    db.session.add(ticket)
    db.session.flush()
    report = ProblemReport(ticket_id=ticket.id, worker_id=reporter.id, opened=True, text="门锁着", text_status="passed")
    db.session.add(report)
    db.session.flush()
    image = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(image, format="JPEG")
    stored = files.save_upload(image.getvalue(), kind="photo", prefix="problems")
    photo = ProblemPhoto(
        report_id=report.id, file_key=stored.key, content_type=stored.content_type, size=stored.size, check_status="passed"
    )
    supply = Supply(station_id=station.id, name="急救包", expires_on=clock.today() + timedelta(days=3))
    db.session.add_all([photo, supply])
    db.session.commit()
    return {"ticket_id": ticket.id, "photo_id": photo.id, "supply_id": supply.id}


def join_ticket(ticket_id: int, *workers) -> None:
    """The keeper and the plain worker also reported A's ticket (so it is theirs to follow)."""
    db.session.add_all([ProblemReport(ticket_id=ticket_id, worker_id=w.id) for w in workers])
    db.session.commit()


@pytest.fixture
def world(app_ctx) -> World:
    return make_world()


def make_world() -> World:
    a = _station("FC0001", "FC")
    b = _station("FC0002", "FC")
    c = _station("YX0001", "YX")
    keeper, plain, other_keeper, third_keeper, visitor = (WorkerFactory() for _ in range(5))
    own = _furnish(a, keeper, visitor)
    ids = [own, _furnish(b, other_keeper, visitor), _furnish(c, third_keeper, visitor)]
    join_ticket(own["ticket_id"], keeper, plain)
    # The keeper's and the plain worker's own visits at A, rated (so GET …/rating finds one).
    mine = [CheckInFactory(station=a, worker=worker, dedupe_bucket=10_000 + worker.id) for worker in (keeper, plain)]
    db.session.add_all([Rating(checkin_id=v.id, station_id=a.id, worker_id=v.worker_id, score=5) for v in mine])
    db.session.commit()
    mine = [visit.id for visit in mine]
    city = StaffFactory(role="city", district_code=None, username="fuzz.city")
    fc = StaffFactory(role="district", district_code="FC", username="fuzz.fc")
    StaffFactory(role="district", district_code="YX", username="fuzz.yx")
    tokens = {
        "city": staff_service.issue_token(city).token,
        "district": staff_service.issue_token(fc).token,
        "keeper": worker_service.issue_token(keeper).token,
        "worker": worker_service.issue_token(plain).token,
        "anonymous": None,
    }
    actors = {
        "city": (city.id, None),
        "district": (fc.id, None),
        "keeper": (None, keeper.id),
        "worker": (None, plain.id),
        "anonymous": (None, None),
    }
    values = {name: [i[name] for i in ids] for name in own}
    values["checkin_id"] += mine
    values |= activity_world.furnish([a, b, c], plain.id, keeper.id, visitor.id)
    values["code"] = ["FC0001", "FC0002", "YX0001", "fc0001"]
    values["year"] = [2025, clock.today().year]
    values["quarter"] = [1, 2, 4]
    scans = [sign_tokens.url_for_sign(a), sign_tokens.scene_for(a)]
    return World({"A": "FC0001", "B": "FC0002", "C": "YX0001"}, tokens, actors, values, scans)


# --- what a role must not change ---------------------------------------------------------------


def _foreign_stations(role: str, world: World):
    """The stations the role may not change (as a select of their ids)."""
    stations = Station.__table__
    if role == "city":
        return None
    if role == "district":
        return sa.select(stations.c.id).where(stations.c.district_code != "FC")
    if role in WORKER_ROLES:  # the keeper keeps A; a worker checks in at A only (the scans we hand it)
        return sa.select(stations.c.id).where(stations.c.code != world.codes["A"])
    return sa.select(stations.c.id)


def _tickets_at(stations):
    return sa.select(ProblemTicket.id).where(ProblemTicket.station_id.in_(stations))


# The rows hanging off a ticket, by the tickets they belong to.
TICKET_PARTS = {
    "problem_reports": lambda c, tickets: c.ticket_id.in_(tickets),
    "ticket_steps": lambda c, tickets: c.ticket_id.in_(tickets),
    "problem_photos": lambda c, tickets: c.report_id.in_(sa.select(ProblemReport.id).where(ProblemReport.ticket_id.in_(tickets))),
}


def _foreign_conditions(name: str, c, role: str, world: World) -> list | None:
    """Which rows of table `name` (columns `c`) the role has no business changing; None: none
    of them; []: all of them (the reference data, which no request changes)."""
    staff_id, worker_id = world.actors[role]
    stations = _foreign_stations(role, world)
    if name == "stations":
        conditions = None if stations is None else [c.id.in_(stations)]
    elif "station_id" in c:
        conditions = None if stations is None else [c.station_id.in_(stations)]
    elif name in TICKET_PARTS:  # a ticket's reports, steps and photos belong to its station
        conditions = None if stations is None else [TICKET_PARTS[name](c, _tickets_at(stations))]
    elif name == "staff_accounts":
        conditions = [c.id != (staff_id or 0)]
    elif name == "workers":
        # A worker who closes their account leaves an anonymous stand-in behind (app/privacy): theirs.
        conditions = [c.id != (worker_id or 0)] + ([c.anonymised_at.is_(None)] if worker_id else [])
    elif "district_code" in c:
        # District staff: every other district's rows. Others: city staff reach every district,
        # and a worker's visit at A moves the city's and 涪城区's rollups, rightly.
        conditions = {"district": [c.district_code != "FC"], "anonymous": []}.get(role)
    else:
        conditions = []
    if conditions is not None and worker_id and "worker_id" in c:
        conditions.append(c.worker_id != worker_id)  # the worker's own visits and ratings are theirs
        conditions.append(c.worker_id.not_in(_stand_ins()))  # and so are they once the account is closed
    if conditions is not None and worker_id and name == "problem_tickets":
        # A worker may report a problem at any station: the tickets their own reports opened are theirs.
        opened = sa.select(ProblemReport.ticket_id).where(ProblemReport.worker_id == worker_id, ProblemReport.opened)
        conditions.append(c.id.not_in(opened))
    return conditions


def _stand_ins():
    workers = Worker.__table__
    return sa.select(workers.c.id).where(workers.c.anonymised_at.is_not(None))


def foreign_rows_query(role: str, world: World) -> sa.CompoundSelect:
    """A digest of every row the role has no business changing, per table: one round trip."""
    parts = []
    for table in db.metadata.sorted_tables:
        alias = table.alias(f"f_{table.name}")
        conditions = _foreign_conditions(table.name, alias.c, role, world)
        if conditions is None:
            continue
        digest = sa.literal_column(f"md5(coalesce(string_agg(f_{table.name}::text, '|' ORDER BY f_{table.name}::text), ''))")
        parts.append(sa.select(sa.literal(table.name).label("name"), digest.label("digest")).select_from(alias).where(*conditions))
    return sa.union_all(*parts)


def digests(query: sa.CompoundSelect) -> dict[str, str]:
    return dict(db.session.execute(query).all())


# --- the fuzzing -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def schema(app):
    return schemathesis.openapi.from_wsgi(SPEC, app)


def _budget(path: str, admitted: int) -> int:
    return SLOW_EXAMPLES if path in SLOW else max(4, FUZZ_EXAMPLES // admitted)


def _param_names(path: str) -> list[str]:
    return re.findall(r"{([^{}]+)}", path)


def fuzz(schema, world: World, role: str, method: str, path: str, examples: int) -> None:
    """Send `examples` generated requests to the operation as the role; check each answer and
    that nothing outside the role's reach changed."""
    operation = schema[path][method]
    headers = {"Authorization": f"Bearer {world.tokens[role]}"} if world.tokens[role] else {}
    names = _param_names(path)
    foreign = foreign_rows_query(role, world)

    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: the failure shows its curl
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    @given(case=operation.as_strategy(), data=st.data())
    def run(case, data):
        for name in names:  # a real code or id most of the time, else what was generated
            if world.ids.get(name):
                case.path_parameters[name] = data.draw(st.sampled_from([*world.ids[name], case.path_parameters[name]]), label=name)
        if isinstance(case.body, dict) and "scan" in case.body and data.draw(st.booleans(), label="real scan"):
            case.body["scan"] = data.draw(st.sampled_from(world.scans), label="scan")
        case.headers = {**(case.headers or {}), **headers}
        before = digests(foreign)
        response = case.call()
        case.validate_response(response, checks=CHECKS)
        after = digests(foreign)
        changed = sorted(name for name in before if after[name] != before[name])
        assert not changed, f"as {role}, changed {changed}: {case.as_curl_command()} -> {response.status_code}"

    run()


@pytest.mark.parametrize(("method", "path", "role"), ADMITTED, ids=[f"{m} {p} as {r}" for m, p, r in ADMITTED])
def test_operation_as_a_role_it_admits(schema, world, wx, method, path, role):
    admitted = next(len(roles) for m, p, roles in OPERATIONS if (m, p) == (method, path))
    fuzz(schema, world, role, method, path, _budget(path, admitted))


@pytest.mark.parametrize(("method", "path", "roles"), REFUSING, ids=[f"{m} {p}" for m, p, _ in REFUSING])
def test_operation_as_the_roles_it_refuses(schema, world, wx, method, path, roles):
    for role in roles:
        fuzz(schema, world, role, method, path, REFUSED_EXAMPLES)


def test_every_route_is_fuzzed(app):
    """A new endpoint under /api/ (or /healthz) is in the document, and so in the runs above."""
    documented = {(method, path) for method, path, _ in OPERATIONS}
    routed = {
        (method, re.sub(r"<(?:[^<>:]+:)?([^<>]+)>", r"{\1}", rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(("/api/", "/healthz")) and rule.rule not in ("/api/openapi.json", "/api/docs")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routed - documented == set()
    assert len(ADMITTED) + sum(len(roles) for _, _, roles in REFUSING) == len(OPERATIONS) * len(ROLES)


def test_the_document_is_well_formed(client):
    """No property lists a type twice (apispec adds "null" to a field that allows None, so a
    field that also says so gets ["string", "null", "null"], which validators reject)."""
    spec = client.get(SPEC).get_json()
    bad = []

    def walk(node, where):
        if isinstance(node, dict):
            kind = node.get("type")
            if isinstance(kind, list) and len(kind) != len(set(kind)):
                bad.append(where)
            for key in ("minimum", "maximum"):
                if key in node and not isinstance(node[key], int | float):
                    bad.append(f"{where}/{key}")
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}/{i}")

    walk(spec, "")
    assert bad == []
