"""Station signs: what goes on one, printing it (PDF, PNG preview, district batches) and
re-issuing it (which voids the QR of every earlier print)."""

from __future__ import annotations

import io
from collections.abc import Iterator

import sqlalchemy as sa
from flask import current_app
from PIL import Image

from app.accounts import audit
from app.accounts.actor import Actor
from app.adapters import sign_pdf
from app.adapters.pdf_stream import concatenate
from app.core import error_codes
from app.core.errors import Conflict, Forbidden, NotFound
from app.core.opening_hours import describe
from app.extensions import blob_cache, db, wechat
from app.reference import data as ref
from app.registry.models import STATUS_RETIRED, Station
from app.registry.stations import get_station
from app.signs import tokens as sign_tokens

TITLE = "工会户外劳动者服务站点"
CAPTION = "微信扫一扫 · 签到 · 评价 · 查看实时服务"
AMENITY_NAMES = ref.names(ref.AMENITIES)
CITY_PHONE = f"0816-{ref.CITY_UNION_PHONE}"


def content_for(station: Station) -> sign_pdf.SignContent:
    amenities = [AMENITY_NAMES[a] for a in station.amenities if a in AMENITY_NAMES]
    if station.amenities_other:
        amenities.append(station.amenities_other)
    district = station.district
    if district.union_phone:
        phone_line = f"服务热线 {district.union_phone}（{district.union_name}）"
    else:
        phone_line = f"服务热线 {CITY_PHONE}（{ref.CITY_UNION_DEPARTMENT}）"
    return sign_pdf.SignContent(
        title=TITLE,
        district_union=district.union_name,
        station_name=station.name,
        amenities=" · ".join(amenities) or "休息",
        opening_hours=describe(station.opening_hours),
        url=sign_tokens.url_for_sign(station),
        caption=CAPTION,
        code=station.code,
        phone_line=phone_line,
        issuer=f"{ref.CITY_UNION} 监制",
    )


def _printable(actor: Actor, code: str) -> Station:
    station = get_station(actor, code)
    if station.is_retired:
        raise Conflict("该站点已撤销，不再印制标牌", code=error_codes.STATION_RETIRED)
    return station


def _render(station: Station) -> bytes:
    config = current_app.config
    return sign_pdf.render_pdf(content_for(station), config["SIGN_FONT_PATH"], config["SIGN_FONT_INDEX"])


def sign_pdf_for(actor: Actor, code: str) -> tuple[bytes, str]:
    station = _printable(actor, code)
    return _render(station), f"sign-{station.code}-v{station.sign_version}.pdf"


def sign_png_for(actor: Actor, code: str) -> tuple[bytes, str]:
    station = _printable(actor, code)
    return sign_pdf.render_png(_render(station)), f"sign-{station.code}-v{station.sign_version}.png"


def wxacode_png(actor: Actor, code: str) -> tuple[bytes, str]:
    """The station's mini-program code from WeChat (scene = code + signature), as PNG; cached per
    station and sign version, since WeChat limits how often it may be asked."""
    station = _printable(actor, code)
    key = f"wxacode:{station.code}:{station.sign_version}"
    png = blob_cache.get(key)
    if png is None:
        jpeg = wechat.get_unlimited_code(
            sign_tokens.scene_for(station),
            page=current_app.config["MINIPROGRAM_STATION_PAGE"],
            env_version=current_app.config["MINIPROGRAM_ENV_VERSION"],
            check_path=current_app.config["MINIPROGRAM_ENV_VERSION"] == "release",
        )
        png = _as_png(jpeg)
        blob_cache.set(key, png, current_app.config["WXACODE_CACHE_SECONDS"])
    return png, f"wxacode-{station.code}-v{station.sign_version}.png"


def _as_png(image: bytes) -> bytes:
    out = io.BytesIO()
    Image.open(io.BytesIO(image)).convert("RGB").save(out, format="PNG")
    return out.getvalue()


def sign_info(actor: Actor, code: str) -> dict:
    station = get_station(actor, code)
    return {
        "code": station.code,
        "sign_version": station.sign_version,
        "url": sign_tokens.url_for_sign(station),
        "scene": sign_tokens.scene_for(station),
    }


def reissue(actor: Actor, code: str) -> dict:
    """A new version of the station's sign: scans of every earlier print are refused from now on."""
    station = _printable(actor, code)
    before = {"sign_version": station.sign_version}
    station.sign_version += 1
    audit.record(
        actor, "station.sign.reissue", "station", station.code,
        district_code=station.district_code, before=before, after={"sign_version": station.sign_version},
    )  # fmt: skip
    db.session.commit()
    return sign_info(actor, code)


def batch_stations(actor: Actor, district: str | None) -> list[str]:
    """Codes of the stations to print for a district (or every district the actor may see)."""
    if district and not actor.can_see_district(district):
        raise Forbidden("只能印制本区县的标牌", code=error_codes.DISTRICT_OUT_OF_SCOPE)
    query = sa.select(Station.code).where(Station.status != STATUS_RETIRED).order_by(Station.code)
    if not actor.is_city:
        query = query.where(Station.district_code == actor.district_code)
    if district:
        query = query.where(Station.district_code == district)
    codes = list(db.session.scalars(query))
    if not codes:
        raise NotFound("该范围内没有可印制标牌的站点", code=error_codes.NO_STATIONS)
    return codes


def batch_pdf(actor: Actor, codes: list[str]) -> Iterator[bytes]:
    """One PDF of many signs, streamed: each page is rendered, written out and forgotten."""

    def pages() -> Iterator[bytes]:
        for code in codes:
            station = db.session.scalar(sa.select(Station).where(Station.code == code))
            yield _render(station)
            db.session.expunge(station)

    return concatenate(pages())
