"""The keeper's view over HTTP: visits today and this week (China time, Monday-start) with scans
and walk-ins apart and summed, distinct workers, the ratings lately and ever, the newest comments
that passed review (never who wrote them); and the keeper's reply to a comment, checked by the
fake WeChat like a comment, reviewed by the station's district staff.

The clock is fixed at Wednesday 2026-03-04 10:00 in China for the figures."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.core import clock
from app.extensions import db
from app.ratings.models import Rating
from app.visits.models import CheckIn
from tests.assertions import assert_error
from tests.conftest import sign_in_through_wechat, worker_signed_in
from tests.factories import CheckInFactory, WorkerFactory, make_keeper

MP = "/api/mp/v1"
STAFF = "/api/staff/v1"
AUDIT = f"{STAFF}/audit-log"
CJK = re.compile(r"[\u4e00-\u9fff]")
CHECK = "wxa/msg_sec_check"
NOW = datetime(2026, 3, 4, 2, 0, tzinfo=UTC)  # Wednesday 10:00 in China
TODAY_START = datetime(2026, 3, 3, 16, 0, tzinfo=UTC)  # Wednesday 00:00 in China
MONDAY_START = datetime(2026, 3, 1, 16, 0, tzinfo=UTC)  # Monday 2 March 00:00 in China
LONG_AGO = datetime(2025, 6, 1, tzinfo=UTC)
THANKS = "谢谢您的建议，我们会继续保持"


def summary_url(code: str = "FC0101") -> str:
    return f"{MP}/keeper/stations/{code}/summary"


def reply_url(rating_id: int, code: str = "FC0101") -> str:
    return f"{MP}/keeper/stations/{code}/ratings/{rating_id}/reply"


def add_rating(station, score: int, created_at: datetime = NOW, **values) -> Rating:
    """A rating written directly; its visit is long ago, so it adds nothing to the visit figures."""
    visit = CheckInFactory(station=station, worker=WorkerFactory(), checked_in_at=LONG_AGO)
    rating = Rating(checkin_id=visit.id, station_id=station.id, worker_id=visit.worker_id, score=score, **values)
    rating.created_at = created_at
    db.session.add(rating)
    db.session.commit()
    return rating


def published(station, score: int = 4, comment: str = "水很干净", created_at: datetime = NOW, **values) -> Rating:
    return add_rating(station, score, created_at, comment=comment, comment_status="published", moderation_label=100, **values)


def replies() -> list[tuple]:
    db.session.expire_all()
    ratings = db.session.scalars(sa.select(Rating).order_by(Rating.id))
    return [(r.id, r.reply, r.reply_status, r.reply_label, r.replied_at, r.replied_by, r.comment_status) for r in ratings]


@pytest.fixture
def keeper_api(keeper_binding, client, wx):
    """The keeper signed in through WeChat, which then knows them (the reply's content check)."""
    return sign_in_through_wechat(client, wx, keeper_binding.worker)


def summary(api) -> dict:
    r = api.get(summary_url())
    assert r.status_code == 200, r.get_json()
    return r.get_json()


# --- visits --------------------------------------------------------------------------------------


@pytest.fixture
def fixed_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


def walk_in(api, day: str, count: int, code: str = "FC0101") -> int:
    r = api.post(f"{MP}/keeper/stations/{code}/walk-ins", json={"date": day, "count": count})
    assert r.status_code == 201, r.get_json()
    return r.get_json()["id"]


def correct(api, entry_id: int, count: int) -> None:
    r = api.post(f"{MP}/keeper/stations/FC0101/walk-ins/{entry_id}/corrections", json={"count": count})
    assert r.status_code == 201, r.get_json()


def test_visits_today_and_this_week(fixed_clock, client, station, other_station, keeper_binding, worker):
    keeper = worker_signed_in(client, worker)
    w1, w2, w3, w4 = (WorkerFactory() for _ in range(4))
    scans = [
        (w1, NOW - timedelta(hours=1)),  # today
        (w1, NOW - timedelta(hours=3)),  # today, a second visit of the same worker
        (w2, TODAY_START + timedelta(minutes=30)),  # today 00:30 in China (the 3rd in UTC)
        (w3, TODAY_START - timedelta(minutes=1)),  # yesterday 23:59: this week, not today
        (w1, MONDAY_START + timedelta(minutes=1)),  # Monday 00:01: this week
        (w4, MONDAY_START - timedelta(minutes=1)),  # Sunday 23:59: last week
    ]
    for who, at in scans:
        CheckInFactory(station=station, worker=who, checked_in_at=at)
    CheckInFactory(station=other_station, worker=w4, checked_in_at=NOW - timedelta(hours=1))
    correct(keeper, walk_in(keeper, "2026-03-04", 5), 4)  # today: 4
    walk_in(keeper, "2026-03-02", 10)  # Monday
    correct(keeper, walk_in(keeper, "2026-03-03", 3), 0)  # yesterday, cancelled
    walk_in(keeper, "2026-03-01", 7)  # Sunday: last week
    walk_in(worker_signed_in(client, make_keeper(other_station).worker), "2026-03-04", 20, code="FC0102")

    body = summary(keeper)
    assert body["station"] == {"code": "FC0101", "name": "临园路环卫驿站"}
    assert body["today"] == {"from": "2026-03-04", "to": "2026-03-04", "scan": 3, "manual": 4, "total": 7, "workers": 2}
    assert body["this_week"] == {"from": "2026-03-02", "to": "2026-03-04", "scan": 5, "manual": 14, "total": 19, "workers": 3}


def test_on_a_monday_the_week_is_today(fixed_clock, monkeypatch, keeper_api, station):
    monday_noon = MONDAY_START + timedelta(hours=12)
    monkeypatch.setattr(clock, "now", lambda: monday_noon)
    CheckInFactory(station=station, checked_in_at=monday_noon - timedelta(hours=1))
    CheckInFactory(station=station, checked_in_at=MONDAY_START - timedelta(hours=1))  # Sunday
    body = summary(keeper_api)
    assert body["today"] == body["this_week"] == {
        "from": "2026-03-02", "to": "2026-03-02", "scan": 1, "manual": 0, "total": 1, "workers": 1,
    }  # fmt: skip


def test_a_quiet_station(fixed_clock, keeper_api):
    body = summary(keeper_api)
    assert body["today"] == {"from": "2026-03-04", "to": "2026-03-04", "scan": 0, "manual": 0, "total": 0, "workers": 0}
    assert body["ratings"]["all_time"] == {"count": 0, "average": None, "distribution": {str(s): 0 for s in range(1, 6)}}
    assert body["comments"] == []


# --- ratings and comments ----------------------------------------------------------------------


def test_ratings_lately_and_ever(fixed_clock, keeper_api, station, other_station):
    thirty_days_start = datetime(2026, 2, 2, 16, 0, tzinfo=UTC)  # 2026-02-03 00:00 in China: today and 29 days before
    add_rating(station, 5, NOW - timedelta(days=1))
    add_rating(station, 4, NOW - timedelta(days=2), comment="待审", comment_status="review")
    add_rating(station, 2, NOW - timedelta(days=3), comment="隐藏", comment_status="hidden")
    add_rating(station, 3, NOW - timedelta(days=10))
    add_rating(station, 5, thirty_days_start)
    add_rating(station, 1, thirty_days_start - timedelta(seconds=1))
    add_rating(other_station, 1, NOW)
    ratings = summary(keeper_api)["ratings"]
    assert ratings["last_30_days"] == {"count": 5, "average": 3.8, "distribution": {"1": 0, "2": 1, "3": 1, "4": 1, "5": 2}}
    assert ratings["all_time"] == {"count": 6, "average": 3.33, "distribution": {"1": 1, "2": 1, "3": 1, "4": 1, "5": 2}}


def test_only_published_comments_newest_first_and_never_who_wrote_them(keeper_api, station, other_station):
    old = published(station, 1, "很久以前的留言", NOW - timedelta(days=90), tags=["dirty"])
    new = published(station, 5, "水很干净", NOW - timedelta(days=1), tags=["clean", "warm"])
    add_rating(station, 4, comment="待审核的留言", comment_status="review")
    add_rating(station, 2, comment="被隐藏的留言", comment_status="hidden")
    add_rating(station, 3)  # a score alone
    published(other_station, 5, "别的站点")
    body = summary(keeper_api)
    assert body["comments"] == [
        {
            "rating_id": new.id, "score": 5, "tags": ["clean", "warm"], "tag_names": ["干净整洁", "服务热情"],
            "comment": "水很干净", "created_at": new.created_at.isoformat(), "reply": None, "reply_status": "none",
        },
        {
            "rating_id": old.id, "score": 1, "tags": ["dirty"], "tag_names": ["卫生较差"],
            "comment": "很久以前的留言", "created_at": old.created_at.isoformat(), "reply": None, "reply_status": "none",
        },
    ]  # fmt: skip
    text = str(body["comments"])
    for secret in ("待审核", "被隐藏", "openid", "worker", "checkin"):
        assert secret not in text


def test_the_ten_newest_comments(keeper_api, station):
    ratings = [published(station, 4, f"留言{n}", NOW - timedelta(hours=n)) for n in range(12)]
    assert [c["rating_id"] for c in summary(keeper_api)["comments"]] == [r.id for r in ratings[:10]]


# --- who may -----------------------------------------------------------------------------------


def test_only_the_stations_keepers_see_it(client, anon_api, station, other_station):
    their_keeper, revoked = WorkerFactory(), WorkerFactory()
    make_keeper(other_station, their_keeper)
    make_keeper(station, revoked, revoked_at=NOW)
    assert_error(worker_signed_in(client, their_keeper).get(summary_url()), 404, "station_not_found")
    assert_error(worker_signed_in(client, their_keeper).get(summary_url("FC9999")), 404, "station_not_found")
    assert_error(worker_signed_in(client, WorkerFactory()).get(summary_url()), 403, "not_a_keeper")
    assert_error(worker_signed_in(client, revoked).get(summary_url()), 403, "not_a_keeper")
    assert_error(anon_api.get(summary_url()), 401, "unauthorized")


# --- replies -----------------------------------------------------------------------------------


def test_a_clean_reply_is_published_beside_its_comment(keeper_api, keeper_binding, station, fc_api, wx, client):
    rating = published(station, 5, "水很干净")
    r = keeper_api.post(reply_url(rating.id), json={"text": f"  {THANKS}  "})
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert (body["rating_id"], body["text"], body["reply_status"]) == (rating.id, THANKS, "published")
    assert body["reply_notice"] == "回复已公开显示"
    row = db.session.get(Rating, rating.id)
    assert (row.reply_label, row.replied_by) == (100, keeper_binding.id)
    [comment] = summary(keeper_api)["comments"]
    assert comment["reply"] == {"text": THANKS, "replied_at": body["replied_at"]}
    assert comment["reply_status"] == "published"
    [staff_view] = fc_api.get(f"{STAFF}/stations/FC0101/ratings").get_json()["items"]
    assert (staff_view["reply"], staff_view["reply_status"], staff_view["reply_checked"], staff_view["replied_by"]) == (
        THANKS, "published", True, keeper_binding.id,
    )  # fmt: skip
    # The rater reads it with their own rating.
    rater = worker_signed_in(client, db.session.get(CheckIn, rating.checkin_id).worker)
    assert rater.get(f"{MP}/checkins/{rating.checkin_id}/rating").get_json()["reply"] == comment["reply"]


def test_a_reply_wechat_wants_reviewed_is_held_until_staff_approve(keeper_api, station, wx, fc_api, fc_staff, city_api):
    wx.set_verdict("电话", "review", label=20001)
    rating = published(station)
    body = keeper_api.post(reply_url(rating.id), json={"text": "有事请打电话联系我们"}).get_json()
    assert (body["reply_status"], body["text"]) == ("review", "有事请打电话联系我们")
    assert "人工审核" in body["reply_notice"]
    [comment] = summary(keeper_api)["comments"]
    assert (comment["reply"], comment["reply_status"]) == (None, "review")
    held = fc_api.get(f"{STAFF}/stations/FC0101/ratings", query_string={"reply_status": "review"}).get_json()["items"]
    assert [(r["id"], r["reply"], r["reply_checked"]) for r in held] == [(rating.id, "有事请打电话联系我们", True)]

    r = fc_api.post(f"{STAFF}/ratings/{rating.id}/reply/approve")
    assert (r.status_code, r.get_json()["reply_status"]) == (200, "published")
    assert summary(keeper_api)["comments"][0]["reply"]["text"] == "有事请打电话联系我们"
    [entry] = fc_api.get(AUDIT, query_string={"entity_type": "rating"}).get_json()["items"]
    assert (entry["action"], entry["entity_id"], entry["actor"], entry["district_code"]) == (
        "rating.reply.approve", str(rating.id), "fc.staff", "FC",
    )  # fmt: skip
    assert (entry["before"], entry["after"]) == (
        {"station": "FC0101", "reply_status": "review"}, {"station": "FC0101", "reply_status": "published"},
    )  # fmt: skip

    hidden = fc_api.post(f"{STAFF}/ratings/{rating.id}/reply/hide")
    assert (hidden.status_code, hidden.get_json()["reply_status"]) == (200, "hidden")
    assert summary(keeper_api)["comments"][0]["reply"] is None
    assert_error(fc_api.post(f"{STAFF}/ratings/{rating.id}/reply/hide"), 409, "reply_status_conflict")


def test_a_risky_reply_is_refused_and_nothing_is_stored(keeper_api, station, wx):
    wx.set_verdict("骂人", "risky")
    rating = published(station)
    keep = replies()
    error = assert_error(keeper_api.post(reply_url(rating.id), json={"text": "骂人的话"}), 422, "text_rejected")
    assert "text" in error["details"]
    assert replies() == keep


WECHAT_FAILURES = {
    "HTTP 500": {"path": CHECK, "status": 500},
    "busy": {"path": CHECK, "errcode": -1},
    "connection dropped": {"path": CHECK, "drop": True},
}


@pytest.mark.parametrize("fault", WECHAT_FAILURES.values(), ids=WECHAT_FAILURES.keys())
def test_when_wechat_cannot_check_the_reply_is_held(keeper_api, station, wx, fc_api, fault):
    wx.fail(**fault)
    rating = published(station)
    body = keeper_api.post(reply_url(rating.id), json={"text": THANKS}).get_json()
    assert body["reply_status"] == "review"
    assert "暂时不可用" in body["reply_notice"]
    assert summary(keeper_api)["comments"][0]["reply"] is None
    [staff_view] = fc_api.get(f"{STAFF}/stations/FC0101/ratings").get_json()["items"]
    assert (staff_view["reply_status"], staff_view["reply_checked"]) == ("review", False)


def test_a_keeper_wechat_does_not_know_is_held(client, keeper_binding, worker, station, wx):
    api = worker_signed_in(client, worker)  # signed in without WeChat having seen them: 43104
    rating = published(station)
    assert api.post(reply_url(rating.id), json={"text": THANKS}).get_json()["reply_status"] == "review"


def test_one_reply_per_rating_a_new_one_replaces_it(keeper_api, station, wx, client):
    rating = published(station)
    first = keeper_api.post(reply_url(rating.id), json={"text": THANKS})
    assert first.status_code == 201
    second = keeper_api.post(reply_url(rating.id), json={"text": "已经修好了饮水机"})
    assert (second.status_code, second.get_json()["text"]) == (200, "已经修好了饮水机")
    assert [c["reply"]["text"] for c in summary(keeper_api)["comments"]] == ["已经修好了饮水机"]
    # A colleague at the same station replaces it too; a refused replacement leaves it as it was.
    colleague = make_keeper(station)
    api = sign_in_through_wechat(client, wx, colleague.worker)
    wx.set_verdict("滚", "risky")
    keep = replies()
    assert_error(api.post(reply_url(rating.id), json={"text": "滚"}), 422, "text_rejected")
    assert replies() == keep
    assert api.post(reply_url(rating.id), json={"text": "欢迎再来"}).status_code == 200
    assert db.session.get(Rating, rating.id).replied_by == colleague.id


def test_only_a_published_comment_at_ones_own_station_is_answered(keeper_api, station, other_station):
    theirs = published(other_station)
    held = add_rating(station, 4, comment="待审", comment_status="review")
    hidden = add_rating(station, 2, comment="隐藏", comment_status="hidden")
    score_only = add_rating(station, 5)
    keep = replies()
    missing = keeper_api.post(reply_url(10**9), json={"text": THANKS})
    assert_error(missing, 404, "rating_not_found")
    for rating_id in (theirs.id, held.id, hidden.id, score_only.id, 2**31, 10**30):
        r = keeper_api.post(reply_url(rating_id), json={"text": THANKS})
        assert_error(r, 404, "rating_not_found")
        assert r.get_json() == missing.get_json()
    assert_error(keeper_api.post(reply_url(theirs.id, "FC0102"), json={"text": THANKS}), 404, "station_not_found")
    assert replies() == keep


def test_a_reply_to_a_comment_later_hidden_is_not_shown(keeper_api, station, fc_api, client):
    rating = published(station)
    keeper_api.post(reply_url(rating.id), json={"text": THANKS})
    assert fc_api.post(f"{STAFF}/ratings/{rating.id}/hide").status_code == 200
    assert summary(keeper_api)["comments"] == []
    rater = worker_signed_in(client, db.session.get(CheckIn, rating.checkin_id).worker)
    assert rater.get(f"{MP}/checkins/{rating.checkin_id}/rating").get_json()["reply"] is None


@pytest.mark.parametrize(
    "body", [{}, {"text": ""}, {"text": "   "}, {"text": "好" * 201}, {"text": 42}, {"text": THANKS, "score": 5}], ids=str
)
def test_bad_replies_are_refused(keeper_api, station, wx, body):
    rating = published(station)
    keep = replies()
    assert_error(keeper_api.post(reply_url(rating.id), json=body), 422, "validation_error")
    assert replies() == keep
    assert wx.stats()["calls"].get(CHECK, 0) == 0


def test_a_reply_of_200_characters_is_taken(keeper_api, station):
    rating = published(station)
    assert len(keeper_api.post(reply_url(rating.id), json={"text": "好" * 200}).get_json()["text"]) == 200


def test_only_the_stations_keepers_reply(client, station, other_station):
    rating = published(station)
    their_keeper, revoked = WorkerFactory(), WorkerFactory()
    make_keeper(other_station, their_keeper)
    make_keeper(station, revoked, revoked_at=NOW)
    keep = replies()
    assert_error(worker_signed_in(client, their_keeper).post(reply_url(rating.id), json={"text": THANKS}), 404, "station_not_found")
    assert_error(worker_signed_in(client, WorkerFactory()).post(reply_url(rating.id), json={"text": THANKS}), 403, "not_a_keeper")
    assert_error(worker_signed_in(client, revoked).post(reply_url(rating.id), json={"text": THANKS}), 403, "not_a_keeper")
    assert replies() == keep


def test_too_many_replies_are_refused(app, keeper_api, station, monkeypatch):
    monkeypatch.setitem(app.config, "KEEPER_REPLY_LIMIT_PER_WORKER", "2 per minute")
    rating = published(station)
    for _ in range(2):
        assert keeper_api.post(reply_url(rating.id), json={"text": THANKS}).status_code in (200, 201)
    keep = replies()
    assert_error(keeper_api.post(reply_url(rating.id), json={"text": "再改一次"}), 429, "rate_limited")
    assert replies() == keep


# --- staff review of replies -------------------------------------------------------------------


def audit_total(city_api) -> int:
    return city_api.get(AUDIT, query_string={"entity_type": "rating"}).get_json()["total"]


@pytest.mark.parametrize(("status", "action"), [("none", "approve"), ("none", "hide"), ("published", "approve"), ("hidden", "hide")])
def test_refused_reply_reviews_change_nothing(fc_api, city_api, station, status, action):
    rating = published(station, reply=None if status == "none" else THANKS, reply_status=status)
    keep, audited = replies(), audit_total(city_api)
    error = assert_error(fc_api.post(f"{STAFF}/ratings/{rating.id}/reply/{action}"), 409, "reply_status_conflict")
    assert error["details"] == {"reply_status": status}
    assert (replies(), audit_total(city_api)) == (keep, audited)


@pytest.mark.parametrize("action", ["approve", "hide"])
def test_another_districts_staff_do_not_review_replies(yx_api, city_api, worker_api, station, action):
    rating = published(station, reply=THANKS, reply_status="review")
    keep, audited = replies(), audit_total(city_api)
    assert_error(yx_api.post(f"{STAFF}/ratings/{rating.id}/reply/{action}"), 404, "rating_not_found")
    assert_error(worker_api.post(f"{STAFF}/ratings/{rating.id}/reply/{action}"), 401, "unauthorized")
    assert (replies(), audit_total(city_api)) == (keep, audited)
    assert city_api.post(f"{STAFF}/ratings/{rating.id}/reply/{action}").status_code == 200
