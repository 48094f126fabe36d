"""Who may see and change which activities: district staff their own district's, city staff
any. Another district's activity is answered exactly as a missing one, so ids cannot be probed."""

from __future__ import annotations

import sqlalchemy as sa

from app.accounts.actor import Actor
from app.activities.models import Activity, Campaign
from app.core import error_codes
from app.core.errors import Forbidden, InvalidInput, NotFound
from app.extensions import db
from app.reference.models import District

ID_MAX = 2**31 - 1


def activity_not_found() -> NotFound:
    return NotFound("未找到该活动", code=error_codes.ACTIVITY_NOT_FOUND)


def campaign_not_found() -> NotFound:
    return NotFound("未找到该关爱服务月", code=error_codes.CAMPAIGN_NOT_FOUND)


def scoped(actor: Actor, model) -> sa.Select:
    query = sa.select(model)
    if not actor.is_city:
        query = query.where(model.district_code == actor.district_code)
    return query


def get_activity(actor: Actor, activity_id: int, *, lock: bool = False) -> Activity:
    if not 0 < activity_id <= ID_MAX:
        raise activity_not_found()
    query = scoped(actor, Activity).where(Activity.id == activity_id)
    activity = db.session.scalar(query.with_for_update() if lock else query)
    if activity is None:
        raise activity_not_found()
    return activity


def get_campaign(actor: Actor, campaign_id: int) -> Campaign:
    if not 0 < campaign_id <= ID_MAX:
        raise campaign_not_found()
    campaign = db.session.scalar(scoped(actor, Campaign).where(Campaign.id == campaign_id))
    if campaign is None:
        raise campaign_not_found()
    return campaign


def district_for(actor: Actor, code: str | None) -> str | None:
    """The district an actor asks about (None: all the actor may see — the city, or their own)."""
    if not code:
        return None if actor.is_city else actor.district_code
    code = code.strip().upper()
    if db.session.get(District, code) is None:
        raise InvalidInput("没有这个区县", code=error_codes.DISTRICT_UNKNOWN, details={"district": ["没有这个区县"]})
    if not actor.can_see_district(code):
        raise Forbidden("只能查看本区县的活动", code=error_codes.DISTRICT_OUT_OF_SCOPE)
    return code


def district_to_write(actor: Actor, code: str | None) -> str:
    """The district a new row goes to: district staff their own; city staff must name one."""
    if actor.is_city:
        if not code:
            raise InvalidInput("请选择区县", code=error_codes.DISTRICT_UNKNOWN, details={"district": ["请选择区县"]})
        return district_for(actor, code)
    if code and code.strip().upper() != actor.district_code:
        raise Forbidden("只能登记本区县的活动", code=error_codes.DISTRICT_OUT_OF_SCOPE)
    return actor.district_code
