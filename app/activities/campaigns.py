"""主题关爱服务月: a district's themed care month — dates, theme, target groups — that
activities belong to; at most one per district and year (a unique constraint), within that year.
Its summary: activities (by kind), people reached, gifts handed out and left, money by source."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.accounts import audit
from app.accounts.actor import Actor
from app.activities import figures
from app.activities.models import STATUS_ACTIVE, Activity, Campaign
from app.activities.scope import district_for, district_to_write, get_campaign, scoped
from app.core import error_codes
from app.core.errors import Conflict, InvalidInput
from app.extensions import db

FIELDS = ("theme", "starts_on", "ends_on", "worker_groups")


def _snapshot(campaign: Campaign) -> dict:
    return {
        "theme": campaign.theme,
        "starts_on": campaign.starts_on.isoformat(),
        "ends_on": campaign.ends_on.isoformat(),
        "year": campaign.year,
    }


def _check_dates(campaign: Campaign) -> None:
    if campaign.starts_on > campaign.ends_on or campaign.starts_on.year != campaign.ends_on.year:
        message = "结束不能早于开始，且须在同一年内"
        raise InvalidInput(message, code=error_codes.CAMPAIGN_DATES_INVALID, details={"ends_on": [message]})
    campaign.year = campaign.starts_on.year


def _save(actor: Actor, campaign: Campaign, action: str, before: dict | None = None) -> Campaign:
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict("本区县该年度已有主题关爱服务月", code=error_codes.CAMPAIGN_EXISTS) from None
    audit.record(
        actor, action, "activity_campaign", str(campaign.id), district_code=campaign.district_code, before=before, after=_snapshot(campaign)
    )
    db.session.commit()
    return campaign


def create_campaign(actor: Actor, data: dict) -> Campaign:
    campaign = Campaign(district_code=district_to_write(actor, data.get("district")), created_by=actor.staff.id if actor.staff else None)
    for name in FIELDS:
        setattr(campaign, name, data.get(name))
    campaign.worker_groups = campaign.worker_groups or []
    _check_dates(campaign)
    db.session.add(campaign)
    return _save(actor, campaign, "activity_campaign.create")


def update_campaign(actor: Actor, campaign_id: int, changes: dict) -> Campaign:
    campaign = get_campaign(actor, campaign_id)
    before = _snapshot(campaign)
    for name in FIELDS:
        if name in changes:
            setattr(campaign, name, changes[name] if name != "worker_groups" else changes[name] or [])
    try:
        _check_dates(campaign)
    except InvalidInput:
        db.session.rollback()  # nothing half-changed is left to be flushed by a later query
        raise
    return _save(actor, campaign, "activity_campaign.update", before)


def list_campaigns(actor: Actor, *, district: str | None = None, year: int | None = None) -> list[Campaign]:
    query = scoped(actor, Campaign)
    code = district_for(actor, district)
    if code:
        query = query.where(Campaign.district_code == code)
    if year is not None:
        query = query.where(Campaign.year == year)
    return list(db.session.scalars(query.order_by(Campaign.year.desc(), Campaign.district_code)))


@dataclass
class CampaignSummary:
    campaign: Campaign
    totals: figures.Totals
    by_kind: dict[str, int] = field(default_factory=dict)


def summary(actor: Actor, campaign_id: int) -> CampaignSummary:
    """Cancelled activities are left out: they reached nobody and spent nothing."""
    campaign = get_campaign(actor, campaign_id)
    activities = list(db.session.scalars(sa.select(Activity).where(Activity.campaign_id == campaign.id, Activity.status == STATUS_ACTIVE)))
    per_activity = figures.for_activities(activities)
    totals = figures.Totals()
    by_kind: dict[str, int] = {}
    for activity in activities:
        totals.add(activity, per_activity[activity.id])
        by_kind[activity.kind] = by_kind.get(activity.kind, 0) + 1
    return CampaignSummary(campaign, totals, dict(sorted(by_kind.items())))
