"""The station registry: the rules for creating, changing, inspecting, plaquing and retiring
stations, each change audited. Every lookup is scoped to what the actor may see."""

from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from app.accounts import audit
from app.accounts.actor import Actor
from app.core import clock, error_codes
from app.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.core.geo import in_bounds, to_gcj02
from app.core.pagination import Page, paginate
from app.extensions import db, geo_index
from app.reference import data as ref
from app.registry.models import STATUS_BUILT, STATUS_PLANNED, STATUS_PLAQUED, STATUS_RETIRED, Inspection, Station

SIX_HAS_NAMES = ref.names(ref.SIX_HAS_ITEMS)
_CODE_NUMBER = re.compile(r"^[A-Z]+(\d+)$")
AUDITED_FIELDS = (
    "code", "name", "district_code", "address", "lat", "lng", "host_unit", "host_type_code",
    "build_mode", "partner_programme", "amenities", "amenities_other", "opening_hours",
    "worker_groups", "keeper_name", "keeper_phone", "status", "demonstration",
    "demonstration_year", "provincial_best", "built_date", "plaqued_date", "retired_reason",
)  # fmt: skip
# Request field -> model attribute, where they differ.
FIELD_TO_ATTRIBUTE = {"district": "district_code", "host_type": "host_type_code"}


def snapshot(station: Station) -> dict:
    """The station as the audit log keeps it: plain JSON values."""
    out = {}
    for name in AUDITED_FIELDS:
        value = getattr(station, name)
        out[name] = value.isoformat() if isinstance(value, date) else value
    return out


def station_not_found() -> NotFound:
    return NotFound("未找到该站点", code=error_codes.STATION_NOT_FOUND)


def scoped_query(actor: Actor) -> sa.Select:
    query = sa.select(Station)
    if not actor.is_city:
        query = query.where(Station.district_code == actor.district_code)
    return query


def get_station(actor: Actor, code: str) -> Station:
    """The station with this code, if the actor may see it. Another district's station is
    reported exactly like a missing one, so codes cannot be probed."""
    station = db.session.scalar(scoped_query(actor).where(Station.code == code.upper()))
    if station is None:
        raise station_not_found()
    return station


def seen_keeper_contacts(actor: Actor, stations: list[Station]) -> None:
    """Staff were shown these stations' keepers' names and phone numbers (README "Privacy"):
    each such view is in the audit log, in the station's district (so its staff can see who
    looked). Scoping already keeps another district's stations — and so their keepers — away."""
    shown = [s for s in stations if s.keeper_phone or s.keeper_name]
    for station in shown:
        audit.record(actor, "station.keeper_contact.view", "station", station.code, district_code=station.district_code)
    if shown:
        db.session.commit()


def view_station(actor: Actor, code: str) -> Station:
    """The station's whole record for staff, its keeper's contact included: the view is audited."""
    station = get_station(actor, code)
    seen_keeper_contacts(actor, [station])
    return station


def view_stations(actor: Actor, **query) -> Page:
    """A page of stations for staff, keepers' contacts included: the view is audited."""
    page = list_stations(actor, **query)
    seen_keeper_contacts(actor, page.items)
    return page


def list_stations(
    actor: Actor,
    *,
    district: str | None = None,
    status: str | None = None,
    host_type: str | None = None,
    q: str | None = None,
    page: int = 1,
    per_page: int = 20,
) -> Page:
    query = scoped_query(actor).order_by(Station.code)
    if district:
        query = query.where(Station.district_code == district)
    if status:
        query = query.where(Station.status == status)
    if host_type:
        query = query.where(Station.host_type_code == host_type)
    if q:
        # Searched text is matched literally: % and _ typed by staff are not wildcards.
        columns = (Station.code, Station.name, Station.address, Station.host_unit)
        query = query.where(sa.or_(*(column.icontains(q.strip(), autoescape=True) for column in columns)))
    return paginate(query, page, min(per_page, current_app.config["STATION_PAGE_SIZE_MAX"]))


def rule_errors(actor: Actor, fields: dict) -> dict[str, list[str]]:
    """Rules across fields and against configuration, beyond what the schema checks.
    `fields` holds the station's values after the change, keyed by request field name."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if not actor.can_see_district(fields["district"]):
        add("district", "只能在本区县登记站点")
    bounds = current_app.config["GEO_BOUNDS"]
    if not in_bounds(fields["lat"], fields["lng"], bounds):
        add(
            "lat",
            f"坐标不在服务区域内（纬度 {bounds['lat_min']}–{bounds['lat_max']}，"
            f"经度 {bounds['lng_min']}–{bounds['lng_max']}），请检查经纬度是否填反或坐标系是否正确",
        )
    if fields.get("partner_programme") and fields.get("build_mode") != "co_built":
        add("partner_programme", "合作项目站点的建设方式应为“与有关单位共建”")
    if fields.get("build_mode") == "co_built" and not fields.get("host_unit"):
        add("host_unit", "共建站点须填写共建单位")
    code = fields.get("code")
    if code and not code.startswith(fields["district"]):
        add("code", f"站点编码应以区县前缀 {fields['district']} 开头")
    if fields.get("built_date") and fields["built_date"] > clock.today():
        add("built_date", "建成日期不能晚于今天")
    return errors


def values_from_input(data: dict) -> dict:
    """Request fields -> model attributes, with coordinates converted to GCJ-02."""
    values = {FIELD_TO_ATTRIBUTE.get(k, k): v for k, v in data.items() if k != "datum"}
    if "lat" in data and "lng" in data:
        values["lat"], values["lng"] = to_gcj02(data["lat"], data["lng"], data.get("datum", "gcj02"))
    if values.get("status") == STATUS_BUILT and not values.get("built_date"):
        values["built_date"] = clock.today()
    if values.get("status") == STATUS_PLANNED:
        values["built_date"] = None  # a correction back to planned: it was never built
    return values


def _input_view(station: Station) -> dict:
    """The station's current values, keyed by request field name, GCJ-02."""
    view = {name: getattr(station, attr) for name, attr in FIELD_TO_ATTRIBUTE.items()}
    for name in ("code", "lat", "lng", "build_mode", "partner_programme", "host_unit", "built_date"):
        view[name] = getattr(station, name)
    return view


def gcj_fields(data: dict) -> dict:
    fields = dict(data)
    if "lat" in data and "lng" in data:
        fields["lat"], fields["lng"] = to_gcj02(data["lat"], data["lng"], data.get("datum", "gcj02"))
    return fields


def next_codes(district_code: str, count: int) -> list[str]:
    """The next free codes of a district: prefix + 4 digits, after the highest one in use."""
    existing = db.session.scalars(sa.select(Station.code).where(Station.code.like(f"{district_code}%")))
    numbers = [int(m.group(1)) for c in existing if (m := _CODE_NUMBER.match(c))]
    start = max(numbers, default=0) + 1
    return [f"{district_code}{n:04d}" for n in range(start, start + count)]


def build_station(values: dict) -> Station:
    values = dict(values)
    values.setdefault("status", STATUS_PLANNED)
    return Station(**values)


def create_station(actor: Actor, data: dict) -> Station:
    errors = rule_errors(actor, gcj_fields(data))
    if errors:
        if "district" in errors:
            raise Forbidden("只能在本区县登记站点", code=error_codes.DISTRICT_OUT_OF_SCOPE, details=errors)
        raise InvalidInput(details=errors)
    values = values_from_input(data)
    if values.get("code") and db.session.scalar(sa.select(Station.id).where(Station.code == values["code"])):
        raise Conflict(f"站点编码 {values['code']} 已被使用", code=error_codes.CODE_TAKEN)
    station = _insert_with_code(values)
    audit.record(actor, "station.create", "station", station.code, district_code=station.district_code, after=snapshot(station))
    db.session.commit()
    geo_index.stations_changed([station.code])
    return station


def _insert_with_code(values: dict, attempts: int = 5) -> Station:
    """Insert the station; a generated code that another request took a moment earlier (the
    unique constraint decides, across processes) is replaced by the next one."""
    for _ in range(attempts):
        code = values.get("code") or next_codes(values["district_code"], 1)[0]
        station = build_station({**values, "code": code})
        try:
            with db.session.begin_nested():
                db.session.add(station)
        except IntegrityError:
            if values.get("code"):
                raise Conflict(f"站点编码 {code} 已被使用", code=error_codes.CODE_TAKEN) from None
            continue
        return station
    raise Conflict("同时登记的站点较多，请稍后重试", code=error_codes.CODE_CONTENTION)


def _require_active(station: Station) -> None:
    if station.is_retired:
        raise Conflict("该站点已撤销，不能再修改", code=error_codes.STATION_RETIRED)


def update_station(actor: Actor, code: str, changes: dict) -> Station:
    station = get_station(actor, code)
    _require_active(station)
    if not changes:
        return station
    if ("lat" in changes) != ("lng" in changes):
        raise InvalidInput(details={"lng" if "lat" in changes else "lat": ["经纬度须同时修改"]})
    if "status" in changes and station.status == STATUS_PLAQUED:
        raise Conflict("已挂牌站点的状态不能改回", code=error_codes.STATUS_LOCKED)
    _check_district_change(actor, station, changes.get("district"))
    merged = {**_input_view(station), **gcj_fields(changes)}
    errors = rule_errors(actor, merged)
    if errors:
        if "district" in errors:
            raise Forbidden("不能把站点移到其他区县", code=error_codes.DISTRICT_OUT_OF_SCOPE, details=errors)
        raise InvalidInput(details=errors)
    before = snapshot(station)
    values = values_from_input(changes)
    if values.get("status") == STATUS_BUILT and station.built_date and "built_date" not in changes:
        values["built_date"] = station.built_date
    for attr, value in values.items():
        setattr(station, attr, value)
    after = snapshot(station)
    if after != before:
        audit.record(actor, "station.update", "station", station.code, district_code=station.district_code, before=before, after=after)
    db.session.commit()
    if "lat" in values or "status" in values:  # moved, built or back to planned: nearby must know
        geo_index.stations_changed([station.code])
    return station


def _check_district_change(actor: Actor, station: Station, district: str | None) -> None:
    if district is None or district == station.district_code:
        return
    if not actor.can_see_district(district):
        raise Forbidden("不能把站点移到其他区县", code=error_codes.DISTRICT_OUT_OF_SCOPE)
    # The code carries the district's prefix and is printed on the sign.
    raise Conflict(
        "站点编码带有区县前缀，不能改到其他区县；请撤销本站点后在新区县重新登记",
        code=error_codes.DISTRICT_CHANGE_NOT_SUPPORTED,
    )


def _change(actor: Actor, station: Station, action: str, **values) -> Station:
    before = snapshot(station)
    for attr, value in values.items():
        setattr(station, attr, value)
    audit.record(actor, action, "station", station.code, district_code=station.district_code, before=before, after=snapshot(station))
    db.session.commit()
    return station


def retire_station(actor: Actor, code: str, reason: str) -> Station:
    station = get_station(actor, code)
    _require_active(station)
    station = _change(actor, station, "station.retire", status=STATUS_RETIRED, retired_at=clock.now(), retired_reason=reason)
    geo_index.stations_changed([station.code])
    return station


def record_inspection(actor: Actor, code: str, *, items: list[dict], inspected_on: date | None = None) -> Inspection:
    station = get_station(actor, code)
    _require_active(station)
    if inspected_on and inspected_on > clock.today():
        raise InvalidInput(details={"inspected_on": ["检查日期不能晚于今天"]})
    order = {c: i for i, c in enumerate(ref.codes(ref.SIX_HAS_ITEMS))}
    results = sorted(
        ({"item": i["item"], "passed": i["passed"], "note": i.get("note")} for i in items),
        key=lambda r: order[r["item"]],
    )
    inspection = Inspection(
        station=station,
        inspector_id=actor.staff.id if actor.staff else None,
        inspector_name=actor.staff.display_name if actor.staff else actor.label,
        inspected_on=inspected_on or clock.today(),
        results=results,
    )
    db.session.add(inspection)
    db.session.flush()
    audit.record(
        actor, "station.inspect", "station", station.code, district_code=station.district_code,
        after={"inspection_id": inspection.id, "inspected_on": inspection.inspected_on.isoformat(), "results": results},
    )  # fmt: skip
    db.session.commit()
    return inspection


def list_inspections(actor: Actor, code: str) -> list[Inspection]:
    return list(reversed(get_station(actor, code).inspections))


def plaque_station(actor: Actor, code: str, plaqued_date: date | None = None) -> Station:
    """挂牌: only a built station whose latest 六有 inspection passed every item."""
    station = get_station(actor, code)
    _require_active(station)
    if station.status == STATUS_PLAQUED:
        raise Conflict("该站点已挂牌", code=error_codes.ALREADY_PLAQUED)
    if station.status != STATUS_BUILT:
        raise Conflict("站点建成后才能挂牌", code=error_codes.STATION_NOT_BUILT)
    inspection = station.latest_inspection
    if inspection is None:
        raise Conflict(
            "挂牌前须完成“六有”检查",
            code=error_codes.INSPECTION_MISSING,
            details={"failed_items": list(ref.codes(ref.SIX_HAS_ITEMS))},
        )
    if not inspection.passed:
        names = "、".join(SIX_HAS_NAMES[i] for i in inspection.failed_items)
        raise Conflict(
            f"最近一次“六有”检查未通过：{names}",
            code=error_codes.INSPECTION_FAILED,
            details={"failed_items": inspection.failed_items, "inspection_id": inspection.id},
        )
    plaqued_date = plaqued_date or clock.today()
    problem = _plaque_date_problem(plaqued_date, station, inspection)
    if problem:
        raise InvalidInput(details={"plaqued_date": [problem]})
    return _change(actor, station, "station.plaque", status=STATUS_PLAQUED, plaqued_date=plaqued_date)


def _plaque_date_problem(plaqued: date, station: Station, inspection: Inspection) -> str | None:
    if plaqued > clock.today():
        return "挂牌日期不能晚于今天"
    if station.built_date and plaqued < station.built_date:
        return "挂牌日期不能早于建成日期"
    if plaqued < inspection.inspected_on:
        return "挂牌日期不能早于通过“六有”检查的日期"
    return None


def set_demonstration(actor: Actor, code: str, year: int) -> Station:
    station = get_station(actor, code)
    _require_active(station)
    if station.status != STATUS_PLAQUED:
        raise Conflict("只有已挂牌站点才能认定为示范站点", code=error_codes.STATION_NOT_PLAQUED)
    if station.provincial_best:
        # 附件2 注: stations already named 省级最美站点 are outside the demonstration count.
        raise Conflict("已被推树为省级“最美站点”的站点不纳入示范站点打造范围", code=error_codes.ALREADY_PROVINCIAL_BEST)
    if station.demonstration:
        raise Conflict(f"该站点已是 {station.demonstration_year} 年示范站点，不能重复计入", code=error_codes.ALREADY_DEMONSTRATION)
    return _change(actor, station, "station.demonstration.set", demonstration=True, demonstration_year=year)


def clear_demonstration(actor: Actor, code: str) -> Station:
    station = get_station(actor, code)
    _require_active(station)
    if not station.demonstration:
        raise Conflict("该站点不是示范站点", code=error_codes.NOT_DEMONSTRATION)
    return _change(actor, station, "station.demonstration.clear", demonstration=False, demonstration_year=None)


def set_provincial_best(actor: Actor, code: str, value: bool) -> Station:
    """省级最美站点 is named by the province; city staff record it."""
    # Look up first: another district's station must answer 404 like on every per-station
    # endpoint; city_only is only for a station the district staff member can see.
    station = get_station(actor, code)
    if not actor.is_city:
        raise Forbidden("省级“最美站点”由市总工会登记", code=error_codes.CITY_ONLY)
    _require_active(station)
    if value and station.status != STATUS_PLAQUED:
        raise Conflict("只有已挂牌站点才能登记为省级最美站点", code=error_codes.STATION_NOT_PLAQUED)
    if station.provincial_best == value:
        return station
    action = "station.provincial_best.set" if value else "station.provincial_best.clear"
    return _change(actor, station, action, provincial_best=value)
