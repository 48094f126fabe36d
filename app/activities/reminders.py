"""The claim's reminder: a one-time subscribe message (template "activity_reminder") sent
ACTIVITY_REMINDER_MINUTES before the activity starts, scheduled in the claim's transaction and
delivered at most once by the job worker (app/accounts/subscribe_messages: busy is retried,
43101 is final, an unknown outcome is `uncertain` and never repeated). A claim cancelled — or an
activity cancelled — before it is sent cancels it."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app

from app.accounts import subscribe_messages
from app.activities.models import Activity, GiftClaim
from app.core import clock

TEMPLATE = "activity_reminder"
PAGE = "pages/activity/index?id={activity_id}"


def _when(activity: Activity):
    return activity.starts_at - timedelta(minutes=current_app.config["ACTIVITY_REMINDER_MINUTES"])


def schedule(claim: GiftClaim, activity: Activity) -> None:
    """In the caller's transaction. A claim made after the reminder's time gets none: the
    activity is about to start or under way, and the worker is looking at it."""
    send_at = _when(activity)
    if send_at <= clock.now():
        return
    start = clock.china_time(activity.starts_at)
    # Semantic names of the template's fields (SUBSCRIBE_TEMPLATES); the module cuts each to
    # WeChat's length for its keyword.
    data = {
        "title": activity.title,
        "starts_at": f"{start:%Y-%m-%d %H:%M}",
        "place": "全区县各站点" if activity.whole_district else "、".join(s.name for s in activity.stations),
        "note": f"凭券领取{activity.gift_name}" if activity.gift_name else "欢迎参加",
    }
    page = PAGE.format(activity_id=activity.id)
    message = subscribe_messages.schedule(claim.worker_id, TEMPLATE, data, send_at=send_at, page=page)
    claim.reminder_id = message.id


def cancel(claim: GiftClaim) -> None:
    """Before it is sent, the reminder goes; after, there is nothing to take back."""
    if claim.reminder_id is None:
        return
    subscribe_messages.cancel(claim.reminder_id)
