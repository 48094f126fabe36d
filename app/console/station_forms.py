"""Station forms: the HTML form's fields to the staff API's request body, validated by the API's
own schema (StationIn), and a station back to the form's values. Opening hours are typed as in
the import file ('24小时', '周一至周五 08:00-18:00；周六 09:00-12:00'), read by the import's parser."""

from __future__ import annotations

from dataclasses import dataclass, field

from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict

from app.console.common import field_errors
from app.core.opening_hours import describe
from app.reference import data as ref
from app.registry.import_format import CellError, parse_opening_hours
from app.registry.models import Station
from app.registry.schemas import MODE_PAIRS, PARTNER_PAIRS, StationIn

TEXT_FIELDS = (
    "code", "name", "district", "address", "lat", "lng", "datum", "host_unit", "host_type", "build_mode",
    "partner_programme", "amenities_other", "keeper_name", "keeper_phone", "status", "built_date",
)  # fmt: skip
LIST_FIELDS = ("amenities", "worker_groups")
CHOICES = {
    "host_type": list(ref.HOST_TYPES),
    "build_mode": MODE_PAIRS,
    "partner_programme": PARTNER_PAIRS,
    "amenities": list(ref.AMENITIES),
    "worker_groups": list(ref.WORKER_GROUPS),
    "status": [("planned", "规划中"), ("built", "已建成")],
    "datum": [("gcj02", "GCJ-02（微信、高德地图）"), ("wgs84", "WGS-84（GPS 设备，自动转换)")],
}
OPENING_HOURS_EXAMPLE = "24小时；或 周一至周五 08:00-18:00；周六、周日 09:00-12:00,14:00-17:00"


@dataclass
class StationForm:
    """What the form shows: the values as typed (or stored), and the errors by field."""

    values: dict = field(default_factory=dict)
    lists: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)


def parse(form: MultiDict, *, creating: bool, status_editable: bool = True) -> tuple[dict | None, StationForm]:
    """(the API body, or None when the form has errors; the form to show again)."""
    shown = StationForm(
        values={name: form.get(name, "") for name in (*TEXT_FIELDS, "opening_hours")},
        lists={name: form.getlist(name) for name in LIST_FIELDS},
    )
    schema = StationIn()
    data: dict = {}
    for name in TEXT_FIELDS:
        if name == "code" and not creating:
            continue
        if name == "status" and not status_editable:
            continue
        value = form.get(name, "").strip()
        if value:
            data[name] = value
        elif schema.fields[name].allow_none:
            data[name] = None  # cleared on purpose
        # else: left out, so a required field says 此项必填
    for name in LIST_FIELDS:
        data[name] = form.getlist(name)
    hours_text = form.get("opening_hours", "").strip()
    if hours_text:
        try:
            data["opening_hours"] = parse_opening_hours(hours_text)
        except CellError as exc:
            shown.errors["opening_hours"] = [str(exc)]
    try:
        loaded = schema.load(data)
    except ValidationError as exc:
        for name, messages in field_errors(exc.messages).items():
            shown.errors.setdefault(name, []).extend(messages)
        return None, shown
    if shown.errors:
        return None, shown
    return loaded, shown


def from_station(station: Station) -> StationForm:
    values = {
        "name": station.name,
        "district": station.district_code,
        "address": station.address,
        "lat": f"{station.lat:.6f}",
        "lng": f"{station.lng:.6f}",
        "datum": "gcj02",
        "host_unit": station.host_unit or "",
        "host_type": station.host_type_code or "",
        "build_mode": station.build_mode,
        "partner_programme": station.partner_programme or "",
        "amenities_other": station.amenities_other or "",
        "keeper_name": station.keeper_name or "",
        "keeper_phone": station.keeper_phone or "",
        "status": station.status,
        "built_date": station.built_date.isoformat() if station.built_date else "",
        # As people read it, in the form the parser takes back (en dashes as hyphens).
        "opening_hours": describe(station.opening_hours).replace("–", "-").replace("24小时开放", "24小时"),
    }
    return StationForm(values=values, lists={"amenities": list(station.amenities), "worker_groups": list(station.worker_groups)})


def blank(district: str | None) -> StationForm:
    return StationForm(values={"district": district or "", "datum": "gcj02", "status": "planned", "build_mode": "self_built"})


def errors_of(details) -> dict[str, list[str]]:
    return field_errors(details)
