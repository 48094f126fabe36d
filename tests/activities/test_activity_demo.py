"""The demo data (`make run`) shows care activities: four per demo district, the demo worker's
voucher at the demo station, a plan and a care month; loading again adds nothing."""

from __future__ import annotations

import sqlalchemy as sa

from app.activities.models import Activity, Campaign, GiftClaim, PlanTarget
from app.demo.seed import load_demo_data
from app.extensions import db


def test_demo_care_activities(app_ctx, wx):
    load_demo_data(activity=False)
    from app.demo.care_activities import load_demo_care_activities

    assert load_demo_care_activities() == {"activities": 8}
    assert load_demo_care_activities() == {"activities": 0}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Activity)) == 8
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Campaign)) == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PlanTarget)) == 24
    assert db.session.scalar(sa.select(sa.func.count()).select_from(GiftClaim)) == 1
