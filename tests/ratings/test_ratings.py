"""满意度 over HTTP: a worker rates their own visit once, within the window; a comment goes
through the fake WeChat's content check (a real process) and reaches other people only once it
is clean; staff of the station's district review what the check held back.

Every refused request answers with the one error shape and changes nothing: `unchanged` compares
every rating row (and the audit log) before and after."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.core import clock
from app.extensions import db
from app.ratings import service as rating_service
from app.ratings.models import Rating
from app.reference import data as ref
from app.visits.models import CheckIn
from tests.assertions import assert_error
from tests.conftest import sign_in_through_wechat, signed_in, worker_signed_in
from tests.factories import CheckInFactory, StaffFactory, StationFactory, WorkerFactory

MP = "/api/mp/v1"
STAFF = "/api/staff/v1"
AUDIT = f"{STAFF}/audit-log"
CJK = re.compile(r"[\u4e00-\u9fff]")
CHECK = "wxa/msg_sec_check"
CLEAN = "水很干净，师傅很热情"


def rating_url(checkin_id: int) -> str:
    return f"{MP}/checkins/{checkin_id}/rating"


def rows() -> list[tuple]:
    db.session.expire_all()
    ratings = db.session.scalars(sa.select(Rating).order_by(Rating.id))
    return [
        (r.id, r.checkin_id, r.score, r.tags, r.comment, r.comment_status, r.moderation_label, r.reviewed_by, r.reviewed_at)
        for r in ratings
    ]


def audit_total(city_api) -> int:
    return city_api.get(AUDIT, query_string={"entity_type": "rating"}).get_json()["total"]


@pytest.fixture
def unchanged(app_ctx):
    """Call before a refused request; call the result after: nothing was written."""
    before = rows()
    return lambda: rows() == before


def check_calls(wx) -> int:
    return wx.stats()["calls"].get(CHECK, 0)


# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture
def visit(station, worker):
    return CheckInFactory(station=station, worker=worker, checked_in_at=clock.now() - timedelta(hours=1))


@pytest.fixture
def rater(client, wx, worker):
    return sign_in_through_wechat(client, wx, worker)


def rate(api, visit, **body):
    return api.post(rating_url(visit.id), json={"score": 5, **body})


def rated(api, visit, **body) -> dict:
    r = rate(api, visit, **body)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def add_rating(station, score: int, created_at: datetime | None = None, **values) -> Rating:
    """A rating written directly, for the staff side and the summary."""
    visit = CheckInFactory(station=station, worker=WorkerFactory(), checked_in_at=created_at or clock.now())
    rating = Rating(checkin_id=visit.id, station_id=station.id, worker_id=visit.worker_id, score=score, **values)
    if created_at:
        rating.created_at = created_at
    db.session.add(rating)
    db.session.commit()
    return rating


# --- rating a visit ----------------------------------------------------------------------------


def test_a_score_alone_is_stored_without_asking_wechat(rater, visit, wx):
    body = rated(rater, visit, score=4)
    assert body["score"] == 4
    assert body["checkin_id"] == visit.id
    assert body["station"] == {"code": "FC0101", "name": "临园路环卫驿站"}
    assert (body["tags"], body["tag_names"]) == ([], [])
    assert (body["comment"], body["comment_status"], body["comment_notice"]) == (None, "none", None)
    assert check_calls(wx) == 0


@pytest.mark.parametrize("comment", ["", "   ", "\n\t", None])
def test_a_blank_comment_is_no_comment(rater, visit, wx, comment):
    body = rated(rater, visit, comment=comment)
    assert (body["comment"], body["comment_status"]) == (None, "none")
    assert check_calls(wx) == 0


def test_tags_come_back_with_their_names_and_count_once(rater, visit):
    body = rated(rater, visit, tags=["clean", "needs_repair", "clean"])
    assert body["tags"] == ["clean", "needs_repair"]
    assert body["tag_names"] == ["干净整洁", "设施待维修"]


def test_a_clean_comment_is_published(rater, visit, wx, worker):
    body = rated(rater, visit, score=5, comment=f"  {CLEAN}  ")
    assert body["comment"] == CLEAN
    assert body["comment_status"] == "published"
    assert body["comment_notice"] == "留言已公开显示"
    assert check_calls(wx) >= 1  # more when the access token had to be fetched again
    rating = db.session.get(Rating, body["id"])
    assert (rating.moderation_label, rating.worker_id) == (100, worker.id)
    assert [r.id for r in rating_service.published_comments(visit.station_id)] == [body["id"]]


def test_a_comment_wechat_wants_reviewed_is_kept_but_not_shown(rater, visit, wx, fc_api):
    wx.set_verdict("投诉", "review", label=20001)
    body = rated(rater, visit, score=2, comment="想投诉一下开门时间")
    assert body["comment_status"] == "review"
    assert body["comment"] == "想投诉一下开门时间"  # its author sees it
    assert "人工审核" in body["comment_notice"]
    assert db.session.get(Rating, body["id"]).moderation_label == 20001
    assert rating_service.published_comments(visit.station_id) == []
    listed = fc_api.get(f"{STAFF}/stations/FC0101/ratings").get_json()["items"]
    assert [(r["id"], r["comment_status"], r["comment_checked"]) for r in listed] == [(body["id"], "review", True)]


def test_a_risky_comment_is_refused_and_nothing_is_kept(rater, visit, wx, unchanged):
    wx.set_verdict("脏话", "risky")
    r = rate(rater, visit, score=1, comment="这里全是脏话", tags=["dirty"])
    error = assert_error(r, 422, "comment_rejected")
    assert "comment" in error["details"]
    assert unchanged()
    assert_error(rater.get(rating_url(visit.id)), 404, "rating_not_found")
    # The worker may say it again in other words.
    body = rated(rater, visit, score=1, comment="卫生有待改进", tags=["dirty"])
    assert body["comment_status"] == "published"


WECHAT_FAILURES = {
    "HTTP 500": {"path": CHECK, "status": 500},
    "busy": {"path": CHECK, "errcode": -1},
    "quota spent": {"path": CHECK, "errcode": 45009},
    "connection dropped": {"path": CHECK, "drop": True},
    "token refused": {"path": "cgi-bin/token", "errcode": 40164},
}


@pytest.mark.parametrize("fault", WECHAT_FAILURES.values(), ids=WECHAT_FAILURES.keys())
def test_when_wechat_cannot_check_the_comment_is_held_for_review(rater, visit, wx, fault):
    wx.end_tokens()  # "token refused" only bites when the token must be fetched again
    wx.fail(**fault)
    body = rated(rater, visit, score=3, comment=CLEAN)
    assert (body["comment"], body["comment_status"]) == (CLEAN, "review")
    assert "暂时不可用" in body["comment_notice"]
    assert db.session.get(Rating, body["id"]).moderation_label is None
    assert rating_service.published_comments(visit.station_id) == []


def test_a_worker_wechat_does_not_know_is_held_for_review(worker_api, visit, wx):
    # Signed in without WeChat having seen them: the fake answers 43104.
    body = rated(worker_api, visit, comment=CLEAN)
    assert body["comment_status"] == "review"
    assert check_calls(wx) >= 1


def test_a_worker_wechat_has_not_seen_lately_is_held_for_review(rater, visit, wx):
    wx.advance_clock(3 * 3600)  # 61010: not active in the last 2 hours
    assert rated(rater, visit, comment=CLEAN)["comment_status"] == "review"


def test_a_comment_of_200_characters_is_taken(rater, visit):
    assert len(rated(rater, visit, comment="好" * 200)["comment"]) == 200


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"score": 0},
        {"score": 6},
        {"score": -1},
        {"score": 4.5},
        {"score": "五"},
        {"score": True},
        {"score": None},
        {"score": 5, "tags": ["spotless"]},
        {"score": 5, "tags": "clean"},
        {"score": 5, "tags": None},
        {"score": 5, "comment": "好" * 201},
        {"score": 5, "comment": 42},
        {"score": 5, "station": "FC0101"},
    ],
    ids=str,
)
def test_bad_input_is_refused_and_changes_nothing(rater, visit, wx, unchanged, body):
    r = rater.post(rating_url(visit.id), json=body)
    assert_error(r, 422, "validation_error")
    assert unchanged()
    assert check_calls(wx) == 0


def test_only_your_own_visit(client, visit, wx, unchanged):
    other = sign_in_through_wechat(client, wx, WorkerFactory())
    theirs = rate(other, visit, comment=CLEAN)
    missing = other.post(rating_url(visit.id + 1000), json={"score": 5, "comment": CLEAN})
    assert_error(theirs, 404, "checkin_not_found")
    assert theirs.get_json() == missing.get_json()  # someone else's visit is not there at all
    assert_error(other.get(rating_url(visit.id)), 404, "checkin_not_found")
    assert unchanged()
    assert check_calls(wx) == 0


@pytest.mark.parametrize("checkin_id", [2**31, 2**63, 10**30])
def test_ids_beyond_any_row_are_missing(rater, unchanged, checkin_id):
    assert_error(rater.post(rating_url(checkin_id), json={"score": 5}), 404, "checkin_not_found")
    assert_error(rater.get(rating_url(checkin_id)), 404, "checkin_not_found")
    assert unchanged()


def test_a_walk_in_cannot_be_rated(rater, station, unchanged):
    walk_in = CheckIn(station=station, worker=None, source="manual", services=["water"], checked_in_at=clock.now())
    db.session.add(walk_in)
    db.session.commit()
    assert_error(rate(rater, walk_in), 404, "checkin_not_found")
    assert unchanged()


def test_a_visit_is_rated_once(rater, visit, wx):
    first = rated(rater, visit, score=5, comment=CLEAN)
    keep, asked = rows(), check_calls(wx)
    assert_error(rate(rater, visit, score=1, comment="改主意了"), 409, "already_rated")
    assert rows() == keep
    assert rater.get(rating_url(visit.id)).get_json()["score"] == first["score"]
    assert check_calls(wx) == asked  # the second was refused before WeChat was asked


def test_a_rating_sent_twice_at_once_is_stored_once(rater, visit, monkeypatch):
    rated(rater, visit, score=5)
    keep = rows()
    # The second request passed the look-up before the first was written: the database decides.
    monkeypatch.setattr(rating_service, "_rating_of", lambda checkin_id: None)
    assert_error(rate(rater, visit, score=1), 409, "already_rated")
    assert rows() == keep


def test_rating_is_open_for_the_window_after_the_visit(rater, station, worker):
    visit = CheckInFactory(station=station, worker=worker, checked_in_at=clock.now() - timedelta(hours=23, minutes=59))
    assert rate(rater, visit).status_code == 201


def test_rating_closes_after_the_window(rater, station, worker, unchanged):
    visit = CheckInFactory(station=station, worker=worker, checked_in_at=clock.now() - timedelta(hours=24, seconds=1))
    error = assert_error(rate(rater, visit, comment=CLEAN), 410, "rating_window_closed")
    assert "24" in error["message"]
    assert unchanged()


def test_the_window_is_configured(app, rater, station, worker, monkeypatch, unchanged):
    monkeypatch.setitem(app.config, "RATING_WINDOW_HOURS", 1)
    visit = CheckInFactory(station=station, worker=worker, checked_in_at=clock.now() - timedelta(minutes=61))
    assert_error(rate(rater, visit), 410, "rating_window_closed")
    assert unchanged()


def test_already_rated_is_said_before_the_window_closed(rater, visit, monkeypatch, app):
    rated(rater, visit)
    monkeypatch.setitem(app.config, "RATING_WINDOW_HOURS", 0)
    assert_error(rate(rater, visit), 409, "already_rated")


def test_signing_in_is_required(anon_api, visit, unchanged):
    assert_error(rate(anon_api, visit), 401, "unauthorized")
    assert_error(anon_api.get(rating_url(visit.id)), 401, "unauthorized")
    assert unchanged()


# --- rate limit --------------------------------------------------------------------------------


def test_too_many_ratings_from_one_worker_are_refused(app, rater, station, worker, monkeypatch, unchanged, client):
    monkeypatch.setitem(app.config, "RATING_LIMIT_PER_WORKER", "2 per minute")
    visits = [CheckInFactory(station=station, worker=worker, checked_in_at=clock.now()) for _ in range(2)]
    # Every attempt counts, refused ones too: probing costs as much as rating.
    assert_error(rater.post(rating_url(10**9), json={"score": 5}), 404, "checkin_not_found")
    assert rate(rater, visits[0]).status_code == 201
    keep = rows()
    r = rate(rater, visits[1])
    assert_error(r, 429, "rate_limited")
    assert int(r.headers["Retry-After"]) > 0
    assert rows() == keep
    # The limit is the worker's own: another worker rates as usual.
    other = WorkerFactory()
    their_visit = CheckInFactory(station=station, worker=other, checked_in_at=clock.now())
    assert rate(worker_signed_in(client, other), their_visit).status_code == 201
    # Reading one's rating is not limited.
    assert rater.get(rating_url(visits[0].id)).status_code == 200


# --- reading one's own rating ------------------------------------------------------------------


def test_a_worker_reads_their_own_rating_with_its_comment(rater, visit, wx):
    wx.set_verdict("投诉", "review")
    created = rated(rater, visit, score=2, tags=["crowded"], comment="想投诉排队太久")
    r = rater.get(rating_url(visit.id))
    assert r.status_code == 200
    assert r.get_json() == created
    assert r.get_json()["comment"] == "想投诉排队太久"


def test_an_unrated_visit_has_no_rating(rater, visit):
    assert_error(rater.get(rating_url(visit.id)), 404, "rating_not_found")


def test_rating_tags_for_the_mini_program_and_staff(client, city_api):
    tags = client.get(f"{MP}/rating-tags").get_json()
    assert tags == [{"code": c, "name": n} for c, n in ref.RATING_TAGS]
    assert {"code": "clean", "name": "干净整洁"} in tags
    reference = city_api.get(f"{STAFF}/reference").get_json()
    assert reference["rating_tags"] == tags
    assert [s["code"] for s in reference["rating_comment_statuses"]] == ["none", "published", "review", "hidden"]


# --- staff: listing ----------------------------------------------------------------------------


def test_staff_list_a_stations_ratings_newest_first_with_every_comment(fc_api, station):
    old = add_rating(station, 5, clock.now() - timedelta(hours=3), comment="很好", comment_status="published", moderation_label=100)
    held = add_rating(station, 2, clock.now() - timedelta(hours=2), comment="待查", comment_status="review")
    plain = add_rating(station, 4, clock.now() - timedelta(hours=1), tags=["water_ok"])
    add_rating(StationFactory(), 1)  # another station's
    body = fc_api.get(f"{STAFF}/stations/FC0101/ratings").get_json()
    assert body["total"] == 3
    assert [r["id"] for r in body["items"]] == [plain.id, held.id, old.id]
    by_id = {r["id"]: r for r in body["items"]}
    assert by_id[held.id]["comment"] == "待查"
    assert (by_id[held.id]["comment_status_name"], by_id[held.id]["comment_checked"]) == ("待审核", False)
    assert (by_id[old.id]["comment_checked"], by_id[old.id]["moderation_label"]) == (True, 100)
    assert (by_id[plain.id]["comment_checked"], by_id[plain.id]["tag_names"]) == (None, ["饮水充足"])
    assert by_id[plain.id]["station_code"] == "FC0101"
    assert "worker_id" not in by_id[plain.id] and "openid" not in str(body)


def test_staff_filter_by_comment_status_and_page(fc_api, station):
    for _ in range(3):
        add_rating(station, 3, comment="待查", comment_status="review")
    add_rating(station, 5)
    review = fc_api.get(f"{STAFF}/stations/FC0101/ratings", query_string={"comment_status": "review", "per_page": 2}).get_json()
    assert (review["total"], review["pages"], len(review["items"])) == (3, 2, 2)
    assert {r["comment_status"] for r in review["items"]} == {"review"}
    r = fc_api.get(f"{STAFF}/stations/FC0101/ratings", query_string={"comment_status": "deleted"})
    assert "comment_status" in assert_error(r, 422, "validation_error")["details"]


def test_another_districts_station_ratings_are_not_found(yx_api, station):
    add_rating(station, 5, comment="很好", comment_status="published")
    assert_error(yx_api.get(f"{STAFF}/stations/FC0101/ratings"), 404, "station_not_found")
    assert_error(yx_api.get(f"{STAFF}/stations/FC0101/ratings/summary"), 404, "station_not_found")


# --- staff: review -----------------------------------------------------------------------------


def review(api, rating_id: int, action: str):
    return api.post(f"{STAFF}/ratings/{rating_id}/{action}")


def test_approving_publishes_a_held_comment_and_is_audited(fc_api, fc_staff, city_api, rater, visit, wx):
    wx.fail(CHECK, status=500)
    rating_id = rated(rater, visit, comment=CLEAN)["id"]
    asked_at = clock.now()
    r = review(fc_api, rating_id, "approve")
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert (body["comment_status"], body["reviewed_by"]) == ("published", fc_staff.id)
    assert asked_at <= datetime.fromisoformat(body["reviewed_at"]) <= clock.now()
    mine = rater.get(rating_url(visit.id)).get_json()
    assert (mine["comment_status"], mine["comment_notice"]) == ("published", "留言已公开显示")
    assert [c.id for c in rating_service.published_comments(visit.station_id)] == [rating_id]
    [entry] = fc_api.get(AUDIT, query_string={"entity_type": "rating"}).get_json()["items"]
    assert (entry["action"], entry["entity_id"], entry["actor"], entry["district_code"]) == (
        "rating.comment.approve", str(rating_id), "fc.staff", "FC",
    )  # fmt: skip
    assert entry["before"] == {"station": "FC0101", "comment_status": "review", "reviewed_by": None, "reviewed_at": None}
    assert entry["after"]["comment_status"] == "published"
    assert entry["after"]["reviewed_by"] == fc_staff.id and entry["after"]["reviewed_at"]


def test_hiding_keeps_the_comment_from_everyone_but_its_author(fc_api, rater, visit):
    rating_id = rated(rater, visit, score=4, comment=CLEAN)["id"]
    body = review(fc_api, rating_id, "hide").get_json()
    assert body["comment_status"] == "hidden"
    mine = rater.get(rating_url(visit.id)).get_json()
    assert (mine["comment"], mine["comment_status"]) == (CLEAN, "hidden")
    assert "仅你自己可见" in mine["comment_notice"]
    assert rating_service.published_comments(visit.station_id) == []
    assert rating_service.summarise(visit.station_id).count == 1  # the score still counts


@pytest.mark.parametrize(
    ("status", "action", "after"),
    [("review", "approve", "published"), ("hidden", "approve", "published"), ("published", "hide", "hidden"), ("review", "hide", "hidden")],
)
def test_allowed_transitions(fc_api, station, status, action, after):
    rating = add_rating(station, 3, comment="留言", comment_status=status)
    r = review(fc_api, rating.id, action)
    assert (r.status_code, r.get_json()["comment_status"]) == (200, after)


@pytest.mark.parametrize(
    ("status", "action"),
    [("published", "approve"), ("none", "approve"), ("hidden", "hide"), ("none", "hide")],
)
def test_refused_transitions_change_nothing(fc_api, city_api, station, unchanged, status, action):
    comment = None if status == "none" else "留言"
    rating = add_rating(station, 3, comment=comment, comment_status=status)
    keep, audited = rows(), audit_total(city_api)
    error = assert_error(review(fc_api, rating.id, action), 409, "comment_status_conflict")
    assert error["details"] == {"comment_status": status}
    assert (rows(), audit_total(city_api)) == (keep, audited)


@pytest.mark.parametrize("action", ["approve", "hide"])
def test_another_districts_rating_is_not_found(yx_api, city_api, station, action):
    rating = add_rating(station, 3, comment="待查", comment_status="review")
    keep, audited = rows(), audit_total(city_api)
    other = review(yx_api, rating.id, action)
    missing = review(yx_api, rating.id + 1000, action)
    assert_error(other, 404, "rating_not_found")
    assert other.get_json() == missing.get_json()
    assert (rows(), audit_total(city_api)) == (keep, audited)


@pytest.mark.parametrize("action", ["approve", "hide"])
def test_city_staff_and_the_stations_district_review(client, city_api, station, action):
    for api in (city_api, signed_in(client, StaffFactory(role="district", district_code="FC"))):
        rating = add_rating(station, 3, comment="待查", comment_status="review")
        assert review(api, rating.id, action).status_code == 200


@pytest.mark.parametrize("rating_id", [2**31, 2**63, 10**30])
def test_rating_ids_beyond_any_row_are_missing(city_api, rating_id):
    assert_error(review(city_api, rating_id, "approve"), 404, "rating_not_found")


@pytest.mark.parametrize("action", ["approve", "hide"])
def test_review_needs_staff(anon_api, worker_api, station, action, unchanged):
    rating = add_rating(station, 3, comment="待查", comment_status="review")
    keep = rows()
    assert_error(review(anon_api, rating.id, action), 401, "unauthorized")
    assert_error(review(worker_api, rating.id, action), 401, "unauthorized")  # a worker's token is not a staff token
    assert rows() == keep


# --- summary -----------------------------------------------------------------------------------


def test_summary_counts_every_score_at_the_station(app_ctx, station):
    for score in (5, 4, 4, 1):
        add_rating(station, score)
    add_rating(station, 2, comment="隐藏的留言", comment_status="hidden")
    add_rating(StationFactory(), 5)
    summary = rating_service.summarise(station.id)
    assert (summary.count, summary.average) == (5, 3.2)
    assert summary.distribution == {1: 1, 2: 1, 3: 0, 4: 2, 5: 1}


def test_summary_of_nothing(app_ctx, station):
    summary = rating_service.summarise(station.id)
    assert (summary.count, summary.average, summary.distribution) == (0, None, {1: 0, 2: 0, 3: 0, 4: 0, 5: 0})


def test_summary_over_a_period_is_half_open(app_ctx, station):
    start, end = datetime(2024, 5, 1, tzinfo=UTC), datetime(2024, 5, 8, tzinfo=UTC)
    add_rating(station, 1, start - timedelta(seconds=1))
    add_rating(station, 5, start)
    add_rating(station, 4, end - timedelta(seconds=1))
    add_rating(station, 1, end)
    summary = rating_service.summarise(station.id, start, end)
    assert (summary.count, summary.average) == (2, 4.5)
    assert rating_service.summarise(station.id, since=end).count == 1
    assert rating_service.summarise(station.id, until=start).count == 1


def test_summary_endpoint_counts_local_days(fc_api, station):
    add_rating(station, 5, datetime(2024, 5, 1, 16, 30, tzinfo=UTC))  # 2024-05-02 00:30 in Mianyang
    add_rating(station, 3, datetime(2024, 5, 1, 15, 30, tzinfo=UTC))  # 2024-05-01 23:30 in Mianyang
    url = f"{STAFF}/stations/FC0101/ratings/summary"
    day = fc_api.get(url, query_string={"since": "2024-05-02", "until": "2024-05-02"}).get_json()
    assert day == {
        "station_code": "FC0101",
        "since": "2024-05-02",
        "until": "2024-05-02",
        "count": 1,
        "average": 5.0,
        "distribution": {"1": 0, "2": 0, "3": 0, "4": 0, "5": 1},
    }
    everything = fc_api.get(url).get_json()
    assert (everything["count"], everything["average"], everything["since"]) == (2, 4.0, None)
    r = fc_api.get(url, query_string={"since": "2024-05-03", "until": "2024-05-02"})
    assert "until" in assert_error(r, 422, "validation_error")["details"]


# --- the whole loop ----------------------------------------------------------------------------


def test_rate_review_and_publish(rater, visit, wx, fc_api, yx_api, city_api):
    """A worker's comment WeChat wants reviewed: hidden from all but its author and the district's
    staff until approved; 游仙区 staff neither see it nor approve it."""
    wx.set_verdict("工作人员", "review")
    rating_id = rated(rater, visit, score=4, tags=["warm"], comment="工作人员很耐心")["id"]
    assert rating_service.published_comments(visit.station_id) == []
    assert_error(yx_api.get(f"{STAFF}/stations/FC0101/ratings"), 404, "station_not_found")
    assert_error(review(yx_api, rating_id, "approve"), 404, "rating_not_found")
    pending = fc_api.get(f"{STAFF}/stations/FC0101/ratings", query_string={"comment_status": "review"}).get_json()
    assert [r["id"] for r in pending["items"]] == [rating_id]
    assert review(fc_api, rating_id, "approve").status_code == 200
    assert [c.comment for c in rating_service.published_comments(visit.station_id)] == ["工作人员很耐心"]
    assert rater.get(rating_url(visit.id)).get_json()["comment_status"] == "published"
    assert audit_total(city_api) == 1
    summary = fc_api.get(f"{STAFF}/stations/FC0101/ratings/summary", query_string={"since": clock.today().isoformat()}).get_json()
    assert (summary["count"], summary["average"]) == (1, 4.0)
