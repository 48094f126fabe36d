"""What anyone who scans a sign may see of the station: public facts and live status only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.core import clock
from app.core.opening_hours import describe
from app.reference import data as ref
from app.signs import tokens as sign_tokens
from app.station_pages import live_status
from app.station_pages.live_status import LiveStatus, PartStatus
from app.station_pages.station_view import is_open_now

AMENITY_NAMES = ref.names(ref.AMENITIES)
STATE_WORDS = {
    "water": ("饮水", {"available": "充足", "low": "不多", "out": "暂时没有"}),
    "toilet": ("厕所", {"open": "可用", "cleaning": "清洁中", "closed": "暂停使用"}),
}


@dataclass(frozen=True)
class PublicStationView:
    code: str
    name: str
    district: str
    address: str
    opening_hours: str
    open_now: bool
    amenities: list[str]
    live_status: list[str]  # one line per part someone has said something fresh about
    scanned_url: str


def view_for_scan(code: str, token: str) -> PublicStationView:
    station = sign_tokens.resolve(sign_tokens.parse_token(code, token))
    now = clock.now()
    live = live_status.for_stations([station], now)[station.id]
    amenities = [AMENITY_NAMES[a] for a in station.amenities if a in AMENITY_NAMES]
    if station.amenities_other:
        amenities.append(station.amenities_other)
    return PublicStationView(
        code=station.code,
        name=station.name,
        district=station.district.name,
        address=station.address,
        opening_hours=describe(station.opening_hours),
        open_now=is_open_now(station, live, now),
        amenities=amenities,
        live_status=status_lines(live),
        scanned_url=sign_tokens.url_for_sign(station),
    )


def status_lines(live: LiveStatus) -> list[str]:
    """The fresh parts in words, each with its age; stale and unknown parts are left out."""
    lines = []
    if live.closed_temporarily:
        lines.append(f"临时关闭：{live.station.reason}，预计 {_local(live.station.until)} 恢复开放{_age(live.station)}")
    for part, (label, words) in STATE_WORDS.items():
        status = getattr(live, part)
        if status.state in words:
            lines.append(f"{label}：{words[status.state]}{_age(status)}")
    seats = live.rest_seats
    if seats.state == "full":
        lines.append(f"休息座位：已满{_age(seats)}")
    elif seats.state == "available":
        lines.append(f"休息座位：空余 {seats.seats_free} 个{_age(seats)}")
    if live.note.text:
        lines.append(f"站点说明：{live.note.text}{_age(live.note)}")
    return lines


def _local(moment: datetime) -> str:
    local = clock.china_time(moment)
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def _age(status: PartStatus | live_status.NoteStatus) -> str:
    minutes = (status.age_seconds or 0) // 60
    if minutes < 1:
        return "（刚刚更新）"
    if minutes < 60:
        return f"（{minutes} 分钟前更新）"
    return f"（{minutes // 60} 小时前更新）"
