"""The demo data set `make run` loads: a few dozen stations over the 13 districts, one staff
account per role, and 90 days of their life (app/demo/activity.py). Deterministic,
idempotent, and refused outside development."""

from __future__ import annotations

import random
from datetime import date, timedelta

import sqlalchemy as sa

from app.accounts import staff as staff_service
from app.accounts.actor import CLI_ACTOR
from app.accounts.staff_models import StaffAccount
from app.core.errors import Conflict
from app.demo import activity as demo_activity
from app.demo import care_activities as demo_care_activities
from app.extensions import db
from app.reference import data as ref
from app.reference.models import District
from app.registry import stations as station_service
from app.registry.models import Station

DEMO_ACCOUNTS = (
    # username, password, role, district, display name
    ("city.demo", "Yizhan-city-2026", "city", None, "市总工会保障部（演示）"),
    ("fc.demo", "Yizhan-fc-2026", "district", "FC", "涪城区总工会（演示）"),
    ("yx.demo", "Yizhan-yx-2026", "district", "YX", "游仙区总工会（演示）"),
)
STATIONS_PER_DISTRICT = 3
_PLACES = (
    ("环卫工人驿站", "sanitation_depot", "环卫所", ["sanitation", "city_management"]),
    ("邮政劳动者驿站", "logistics_outlet", "中国邮政营业所", ["courier", "food_delivery"]),
    ("爱心便民服务点", "telecom_hall", "中国移动营业厅", ["courier", "food_delivery", "taxi_driver"]),
    ("金融网点服务站", "financial_branch", "农商银行支行", ["courier", "traffic_police", "traffic_warden"]),
    ("加油站爱心驿站", "petrol_station", "中石油加油站", ["taxi_driver", "courier", "municipal"]),
    ("职工服务中心站点", "union_facility", None, ["sanitation", "municipal", "traffic_warden"]),
)
_OFFICE_HOURS = {"always_open": False, "weekly": [{"weekday": d, "open": "08:30", "close": "18:00"} for d in range(1, 8)]}


def _station_data(district: ref.DistrictRow, place: int, index: int, rnd: random.Random) -> dict:
    label, host_type, host, groups = _PLACES[place % len(_PLACES)]
    lat = district.centre[0] + rnd.uniform(-0.02, 0.02)
    lng = district.centre[1] + rnd.uniform(-0.02, 0.02)
    co_built = host is not None
    partner = {"邮政劳动者驿站": "china_post", "爱心便民服务点": "china_mobile"}.get(label)
    return {
        "name": f"{district.name}{label}{index + 1}号",
        "district": district.code,
        "address": f"绵阳市{district.name}{rnd.choice(['人民', '临园', '剑南', '长虹', '富乐', '花园'])}路{rnd.randint(1, 300)}号",
        "lat": round(lat, 6),
        "lng": round(lng, 6),
        "host_unit": f"{district.name}{host}" if co_built else None,
        "host_type": host_type,
        "build_mode": "co_built" if co_built else "self_built",
        "partner_programme": partner,
        "amenities": rnd.sample([c for c, _ in ref.AMENITIES], k=rnd.randint(3, 7)),
        "opening_hours": {"always_open": True, "weekly": []} if index == 0 else _OFFICE_HOURS,
        "worker_groups": groups,
        "keeper_name": rnd.choice(["张", "王", "李", "刘", "陈"]) + rnd.choice(["敏", "军", "芳", "强", "丽"]),
        "keeper_phone": f"138{rnd.randint(10000000, 99999999)}",
        "status": "built" if index < 2 else "planned",
        "built_date": date(2022, 1, 1) + timedelta(days=rnd.randint(0, 900)) if index < 2 else None,
    }


def load_demo_data(*, activity: bool = True) -> dict:
    """Accounts and stations; then, unless `activity` is False, the 90 days of visits, ratings,
    walk-ins, status posts and investments (each part done once)."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(District)) != len(ref.DISTRICTS):
        raise Conflict("请先加载基础数据：flask seed reference", code="reference_missing")
    created_accounts = 0
    for username, password, role, district, display_name in DEMO_ACCOUNTS:
        if db.session.scalar(sa.select(StaffAccount.id).where(StaffAccount.username == username)) is None:
            staff_service.create_staff(
                CLI_ACTOR, username=username, password=password, role=role, district=district, display_name=display_name
            )
            created_accounts += 1
    created_stations = 0
    rnd = random.Random(2022)  # the same demo on every machine
    for number, district in enumerate(ref.DISTRICTS):
        district_row = db.session.get(District, district.code)
        if district_row.union_phone is None:
            district_row.union_phone = f"0816-{rnd.randint(2000000, 2999999)}"
        if db.session.scalar(sa.select(Station.id).where(Station.district_code == district.code).limit(1)):
            continue  # the district has stations already: leave it as it is
        for index in range(STATIONS_PER_DISTRICT):
            data = _station_data(district, number * STATIONS_PER_DISTRICT + index, index, rnd)
            station_service.create_station(CLI_ACTOR, data)
            created_stations += 1
    db.session.commit()
    demo_activity.demo_people()  # whom a developer signs in as from WeChat DevTools (README)
    result = {"accounts": created_accounts, "stations": created_stations}
    if activity:
        result.update(demo_activity.load_demo_activity())
        result.update(demo_care_activities.load_demo_care_activities())
    return result
