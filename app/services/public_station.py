"""What anyone who scans a sign may see of the station: public facts and live status only."""

from __future__ import annotations

from dataclasses import dataclass

from app import reference_data as ref
from app.models.base import utcnow
from app.services import sign_tokens
from app.services.opening_hours import describe, is_open_at

AMENITY_NAMES = ref.names(ref.AMENITIES)


@dataclass(frozen=True)
class PublicStationView:
    code: str
    name: str
    district: str
    address: str
    opening_hours: str
    open_now: bool
    amenities: list[str]
    live_status: str
    scanned_url: str


def view_for_scan(code: str, token: str) -> PublicStationView:
    station = sign_tokens.resolve(sign_tokens.parse_token(code, token))
    amenities = [AMENITY_NAMES[a] for a in station.amenities if a in AMENITY_NAMES]
    if station.amenities_other:
        amenities.append(station.amenities_other)
    return PublicStationView(
        code=station.code,
        name=station.name,
        district=station.district.name,
        address=station.address,
        opening_hours=describe(station.opening_hours),
        open_now=is_open_at(station.opening_hours, utcnow()),
        amenities=amenities,
        # Keepers post live status once the keeper issue lands; until then nobody has.
        live_status="暂无实时状态",
        scanned_url=sign_tokens.url_for_sign(station),
    )
