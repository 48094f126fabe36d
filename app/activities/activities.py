"""Activities: district staff (city staff for any district) create, edit, cancel and list them.

An activity is at some stations of its district, or at every station of it (`whole_district`).
Its budget is by source, in 万元 — the quarterly form's sources; see README ("Care activities:
money") for why it is never added to the form's 投入资金. A gift's stock may change, never below
what has been given away already (claims not cancelled and recorded counts)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa

from app.accounts import audit
from app.accounts.actor import Actor
from app.activities import reminders
from app.activities.models import STATUS_ACTIVE, STATUS_CANCELLED, Activity, Campaign, GiftClaim
from app.activities.scope import district_for, district_to_write, get_activity, get_campaign, scoped
from app.core import clock, error_codes, files
from app.core.errors import Conflict, DomainError, InvalidInput
from app.core.pagination import Page, paginate
from app.extensions import db
from app.registry.models import STATUS_BUILT, STATUS_PLAQUED, Station

SOURCES = ("union", "government", "other")
IN_SERVICE = (STATUS_BUILT, STATUS_PLAQUED)
PLAIN_FIELDS = ("kind", "title", "description", "worker_groups", "host_unit")


def snapshot(activity: Activity) -> dict:
    return {
        "kind": activity.kind,
        "title": activity.title,
        "district": activity.district_code,
        "stations": "*" if activity.whole_district else [s.code for s in activity.stations],
        "starts_at": activity.starts_at.isoformat(),
        "ends_at": activity.ends_at.isoformat(),
        "budget": {source: str(getattr(activity, f"{source}_amount")) for source in SOURCES},
        "gift": {"name": activity.gift_name, "stock": activity.gift_stock} if activity.gift_name else None,
        "campaign_id": activity.campaign_id,
        "status": activity.status,
    }


def _audit(actor: Actor, action: str, activity: Activity, before: dict | None = None) -> None:
    audit.record(actor, action, "activity", str(activity.id), district_code=activity.district_code, before=before, after=snapshot(activity))


def _stations(district_code: str, codes: list[str]) -> list[Station]:
    wanted = sorted({c.strip().upper() for c in codes})
    found = list(
        db.session.scalars(
            sa.select(Station).where(Station.code.in_(wanted), Station.district_code == district_code, Station.status.in_(IN_SERVICE))
        )
    )
    if not wanted or len(found) != len(wanted):
        missing = sorted(set(wanted) - {s.code for s in found})
        message = "请至少选择一个站点，或选择全区县" if not wanted else f"以下站点不属于本区县或未投入使用：{'、'.join(missing)}"
        raise InvalidInput(message, code=error_codes.ACTIVITY_STATIONS_INVALID, details={"stations": [message]})
    return found


def _check_times(starts_at: datetime, ends_at: datetime) -> None:
    if not starts_at < ends_at:
        message = "结束时间须晚于开始时间"
        raise InvalidInput(message, code=error_codes.ACTIVITY_TIMES_INVALID, details={"ends_at": [message]})


def _check_campaign(actor: Actor, activity: Activity) -> None:
    if activity.campaign_id is None:
        return
    campaign: Campaign = get_campaign(actor, activity.campaign_id)
    first, last = clock.china_date(activity.starts_at), clock.china_date(activity.ends_at)
    if campaign.district_code != activity.district_code or not (campaign.starts_on <= first and last <= campaign.ends_on):
        message = f"活动须在本区县的关爱服务月（{campaign.starts_on} 至 {campaign.ends_on}）之内"
        raise InvalidInput(message, code=error_codes.ACTIVITY_OUTSIDE_CAMPAIGN, details={"campaign_id": [message]})


def _place(activity: Activity, stations: list[str] | None, whole_district: bool | None) -> None:
    if whole_district:
        activity.whole_district = True
        activity.stations = []
    elif stations is not None or whole_district is False:
        activity.whole_district = False
        activity.stations = _stations(activity.district_code, stations or [])


def _budget(activity: Activity, budget: dict | None) -> None:
    for source in SOURCES:
        if budget is not None and source in budget:
            setattr(activity, f"{source}_amount", Decimal(budget[source] or 0).quantize(Decimal("0.01")))
        elif getattr(activity, f"{source}_amount") is None:
            setattr(activity, f"{source}_amount", Decimal("0.00"))


def create_activity(actor: Actor, data: dict) -> Activity:
    activity = Activity(
        district_code=district_to_write(actor, data.get("district")),
        status=STATUS_ACTIVE,
        starts_at=data["starts_at"],
        ends_at=data["ends_at"],
        campaign_id=data.get("campaign_id"),
        created_by=actor.staff.id if actor.staff else None,
        **{name: data.get(name) for name in PLAIN_FIELDS},
    )
    activity.worker_groups = activity.worker_groups or []
    _check_times(activity.starts_at, activity.ends_at)
    _place(activity, data.get("stations"), data.get("whole_district", False))
    _budget(activity, data.get("budget"))
    gift = data.get("gift")
    if gift:
        activity.gift_name, activity.gift_stock, activity.gift_remaining = gift["name"], gift["stock"], gift["stock"]
    _check_campaign(actor, activity)
    db.session.add(activity)
    db.session.flush()
    _audit(actor, "activity.create", activity)
    db.session.commit()
    return activity


def update_activity(actor: Actor, activity_id: int, changes: dict) -> Activity:
    try:
        return _update(actor, activity_id, changes)
    except DomainError:
        db.session.rollback()  # nothing half-changed is left to be flushed by a later query
        raise


def _update(actor: Actor, activity_id: int, changes: dict) -> Activity:
    activity = get_activity(actor, activity_id, lock=True)
    if activity.is_cancelled:
        raise Conflict("该活动已取消，不能再修改", code=error_codes.ACTIVITY_CANCELLED)
    before = snapshot(activity)
    for name in PLAIN_FIELDS:
        if name in changes:
            setattr(activity, name, changes[name] if name != "worker_groups" else changes[name] or [])
    for name in ("starts_at", "ends_at", "campaign_id"):
        if name in changes:
            setattr(activity, name, changes[name])
    _check_times(activity.starts_at, activity.ends_at)
    _place(activity, changes.get("stations"), changes.get("whole_district"))
    _budget(activity, changes.get("budget"))
    if "gift" in changes:
        _change_gift(activity, changes["gift"])
    _check_campaign(actor, activity)
    _audit(actor, "activity.update", activity, before)
    db.session.commit()
    return activity


def _change_gift(activity: Activity, gift: dict | None) -> None:
    """A new stock keeps what was given away: remaining = new stock − given (never below 0)."""
    given = (activity.gift_stock or 0) - (activity.gift_remaining or 0)
    if gift is None:
        if given:
            raise Conflict("已有人领取，礼品不能取消", code=error_codes.ACTIVITY_HAS_CLAIMS)
        activity.gift_name = activity.gift_stock = activity.gift_remaining = None
        return
    if gift["stock"] < given:
        raise Conflict(f"礼品数量不能少于已领取的 {given} 份", code=error_codes.ACTIVITY_STOCK_BELOW_HANDED)
    activity.gift_name, activity.gift_stock, activity.gift_remaining = gift["name"], gift["stock"], gift["stock"] - given


def cancel_activity(actor: Actor, activity_id: int, reason: str) -> Activity:
    """Cancelled, never deleted: its claims can no longer be handed out and their reminders go."""
    activity = get_activity(actor, activity_id, lock=True)
    if activity.is_cancelled:
        raise Conflict("该活动已取消", code=error_codes.ACTIVITY_CANCELLED)
    before = snapshot(activity)
    activity.status, activity.cancelled_reason = STATUS_CANCELLED, reason
    for claim in db.session.scalars(sa.select(GiftClaim).where(GiftClaim.activity_id == activity.id)):
        reminders.cancel(claim)
    _audit(actor, "activity.cancel", activity, before)
    db.session.commit()
    return activity


def list_activities(
    actor: Actor,
    *,
    district: str | None = None,
    kind: str | None = None,
    campaign_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    include_cancelled: bool = True,
    page: int = 1,
    per_page: int = 20,
) -> Page:
    """Newest start first. since/until: activities overlapping [since, until)."""
    query = scoped(actor, Activity)
    code = district_for(actor, district)
    if code:
        query = query.where(Activity.district_code == code)
    if kind:
        query = query.where(Activity.kind == kind)
    if campaign_id is not None:
        query = query.where(Activity.campaign_id == campaign_id)
    if since is not None:
        query = query.where(Activity.ends_at > since)
    if until is not None:
        query = query.where(Activity.starts_at < until)
    if not include_cancelled:
        query = query.where(Activity.status == STATUS_ACTIVE)
    return paginate(query.order_by(Activity.starts_at.desc(), Activity.id.desc()), page, per_page)


def attach_plan(actor: Actor, activity_id: int, data: bytes | None) -> Activity:
    """专项活动方案: a PDF or Word file (type from its bytes, size from FILES_MAX_BYTES)."""
    activity = get_activity(actor, activity_id, lock=True)
    if data is None:
        raise InvalidInput("请选择要上传的方案文件", details={"file": ["请选择要上传的方案文件"]})
    stored = files.save_upload(data, kind="plan", prefix="activity-plans")
    old = activity.plan_file_key
    activity.plan_file_key, activity.plan_file_type, activity.plan_file_size = stored.key, stored.content_type, stored.size
    audit.record(
        actor,
        "activity.plan",
        "activity",
        str(activity.id),
        district_code=activity.district_code,
        after={"plan": stored.key, "size": stored.size},
    )
    db.session.commit()
    if old:
        files.store().delete(old)  # after the commit: a failed commit keeps the old file
    return activity


def plan_file(actor: Actor, activity_id: int) -> tuple[bytes, str, str]:
    activity = get_activity(actor, activity_id)
    if not activity.plan_file_key:
        raise files.FileNotFound("该活动没有上传专项活动方案")
    extension = activity.plan_file_key.rsplit(".", 1)[-1]
    return files.store().get(activity.plan_file_key), activity.plan_file_type, f"activity-{activity.id}-plan.{extension}"
