"""Stations: the list with filters, the map, the create and edit forms, and the station page."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from marshmallow import ValidationError

from app.console import bp, station_forms
from app.console.common import actor, field_errors, flash_error, visible_districts
from app.core import clock
from app.core.errors import Conflict, DomainError, Forbidden, InvalidInput
from app.core.opening_hours import describe
from app.reference import data as ref
from app.registry import station_map as map_service
from app.registry import stations as station_service
from app.registry.models import STATUS_PLAQUED, STATUS_RETIRED
from app.registry.schemas import StationQuery
from app.spot_checks import service as spot_checks
from app.station_pages import overview as station_overview
from app.supplies import service as supplies

FILTERS = ("district", "status", "host_type", "q")


def _query_args(schema_cls=StationQuery) -> tuple[dict, dict]:
    """The list's filters from the query string (blank ones dropped), and their errors."""
    raw = {k: v for k, v in request.args.items() if k in (*FILTERS, "page", "per_page") and v.strip()}
    try:
        return schema_cls().load(raw), {}
    except ValidationError as exc:
        valid = {k: v for k, v in raw.items() if k not in exc.messages}
        return schema_cls().load(valid), field_errors(exc.messages)


@bp.get("/stations")
def station_list():
    query, errors = _query_args()
    for name, messages in errors.items():
        flash(f"筛选条件“{name}”无效：{'；'.join(messages)}", "warning")
    page = station_service.list_stations(actor(), **query)
    return render_template(
        "console/stations.html",
        page=page,
        query=query,
        args={k: request.args.get(k, "") for k in FILTERS},
        districts=visible_districts(),
        statuses=ref.STATION_STATUSES,
        host_types=ref.HOST_TYPES,
    )


@bp.get("/stations/map")
def station_map():
    query, _errors = _query_args()
    points = map_service.map_points(actor(), district=query.get("district"), status=query.get("status"))
    return render_template(
        "console/map.html",
        points=points,
        args={k: request.args.get(k, "") for k in FILTERS},
        districts=visible_districts(),
        statuses=ref.STATION_STATUSES,
    )


def _render_form(form, station=None, status: int = 200):
    return (
        render_template(
            "console/station_form.html",
            form=form,
            station=station,
            districts=visible_districts(),
            choices=station_forms.CHOICES,
            hours_example=station_forms.OPENING_HOURS_EXAMPLE,
        ),
        status,
    )


def _service_errors(form, error: DomainError) -> None:
    """A refusal from the service, shown next to the fields it names (or on top of the form)."""
    details = error.details if isinstance(error.details, dict) else {}
    named = {k: v for k, v in field_errors(details).items() if k not in ("failed_items",)}
    if error.code == "code_taken":
        named = {"code": [error.message]}
    for name, messages in named.items():
        form.errors.setdefault(name, []).extend(messages)
    if not named or isinstance(error, Conflict):
        flash_error(error)


@bp.get("/stations/new")
def station_new():
    own = None if g.staff.is_city else g.staff.district_code
    return _render_form(station_forms.blank(own))


@bp.post("/stations/new")
def station_create():
    data, form = station_forms.parse(request.form, creating=True)
    if data is None:
        return _render_form(form, status=422)
    try:
        station = station_service.create_station(actor(), data)
    except (InvalidInput, Forbidden, Conflict) as error:
        _service_errors(form, error)
        return _render_form(form, status=422)
    flash(f"已登记站点 {station.code} {station.name}", "success")
    return redirect(url_for("console.station_detail", code=station.code))


@bp.get("/stations/<code>")
def station_detail(code: str):
    view = station_overview.overview(actor(), code)
    station_service.seen_keeper_contacts(actor(), [view.station])  # the page shows the keeper's phone
    return render_template(
        "console/station.html",
        v=view,
        s=view.station,
        opening_hours=describe(view.station.opening_hours),
        six_has=ref.SIX_HAS_ITEMS,
        demonstration_years=ref.DEMONSTRATION_YEARS,
        this_year=clock.today().year,
        STATUS_PLAQUED=STATUS_PLAQUED,
        STATUS_RETIRED=STATUS_RETIRED,
        loop_view={
            "spot_checks": spot_checks.station_checks(actor(), code),
            "supplies": supplies.staff_station_supplies(actor(), code),
        },
    )


@bp.get("/stations/<code>/edit")
def station_edit(code: str):
    station = station_service.view_station(actor(), code)  # the form shows the keeper's phone
    if station.is_retired:
        flash("该站点已撤销，不能再修改", "error")
        return redirect(url_for("console.station_detail", code=station.code))
    return _render_form(station_forms.from_station(station), station)


@bp.post("/stations/<code>/edit")
def station_update(code: str):
    station = station_service.get_station(actor(), code)
    data, form = station_forms.parse(request.form, creating=False, status_editable=station.status != STATUS_PLAQUED)
    if data is None:
        return _render_form(form, station, status=422)
    try:
        station = station_service.update_station(actor(), station.code, data)
    except (InvalidInput, Forbidden, Conflict) as error:
        _service_errors(form, error)
        return _render_form(form, station, status=422)
    flash("已保存修改", "success")
    return redirect(url_for("console.station_detail", code=station.code))
