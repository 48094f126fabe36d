"""The signature on a station's sign: proof that a scan came from the printed sign of a real
station, and of its current print.

One token serves both QR kinds: the URL `{PUBLIC_BASE_URL}/s/{code}?k={version}.{mac}` and the
mini-program code's scene `{code}.{version}.{mac}` (≤ 32 characters, WeChat's limit). The mac is
a truncated HMAC-SHA256 over the code and the sign version; re-issuing bumps the version."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

import sqlalchemy as sa
from flask import current_app

from app.errors import Gone, NotFound
from app.extensions import db
from app.models import Station

MAC_BYTES = 9  # 72 bits, 12 base64url characters; guessing is also rate-limited at check-in
_REF = re.compile(r"^(?P<code>[A-Z]{2}\d{4,6})\.(?P<version>\d{1,6})\.(?P<mac>[A-Za-z0-9_-]{12})$")
_TOKEN = re.compile(r"^(?P<version>\d{1,6})\.(?P<mac>[A-Za-z0-9_-]{12})$")


class InvalidScan(NotFound):
    code = "scan_invalid"
    message = "无法识别该二维码，请扫描站点现场张贴的标牌"


class SignOutdated(Gone):
    code = "sign_outdated"
    message = "该标牌已更换，请扫描站点现场张贴的新标牌"


class StationClosed(Gone):
    code = "station_closed"
    message = "该站点已撤销，暂停服务"


@dataclass(frozen=True)
class SignRef:
    code: str
    version: int
    mac: str


def _secret() -> bytes:
    return (current_app.config.get("SIGN_SECRET") or current_app.config["SECRET_KEY"]).encode()


def mac_for(code: str, version: int) -> str:
    digest = hmac.new(_secret(), f"yizhan.sign:{code}:{version}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:MAC_BYTES]).decode()


def token_for(station: Station) -> str:
    return f"{station.sign_version}.{mac_for(station.code, station.sign_version)}"


def url_for_sign(station: Station) -> str:
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/s/{station.code}?k={token_for(station)}"


def scene_for(station: Station) -> str:
    return f"{station.code}.{token_for(station)}"


def parse_scan(text: str) -> SignRef:
    """A scanned URL (as is, or URL-encoded once as the mini-program's `q`), a scene, or a
    code with its token, to its parts. Anything else is an invalid scan."""
    text = (text or "").strip()
    if "%2F" in text.upper() or "%3F" in text.upper():
        text = unquote(text)
    match = _REF.match(text)
    if match:
        return SignRef(match["code"], int(match["version"]), match["mac"])
    parts = urlsplit(text)
    path = parts.path.rstrip("/").split("/")
    if len(path) >= 2 and path[-2] == "s":
        token = parse_qs(parts.query).get("k", [""])[0]
        return parse_token(path[-1], token)
    raise InvalidScan()


def parse_token(code: str, token: str) -> SignRef:
    match = _TOKEN.match(token or "")
    if not match:
        raise InvalidScan()
    return SignRef(code.upper(), int(match["version"]), match["mac"])


def resolve(ref: SignRef) -> Station:
    """The station a genuine scan of its current sign names. A forged or altered scan, or one of
    another station's token, is invalid; a genuine scan of an earlier print is outdated."""
    return verify(ref, db.session.scalar(sa.select(Station).where(Station.code == ref.code)))


def verify(ref: SignRef, station: Station | None) -> Station:
    """`resolve` for a caller that has already looked the station up by `ref.code` (the check-in
    reads it together with its live status, in one query)."""
    if station is None or ref.version > station.sign_version:
        raise InvalidScan()
    check_signature(ref)
    if ref.version != station.sign_version:
        raise SignOutdated()
    if station.is_retired:
        raise StationClosed()
    return station


def check_signature(ref: SignRef) -> None:
    """A forged or altered scan, or another station's token, is invalid: the mac is over the code
    and the version, so this needs no database (the check-in reads the station afterwards)."""
    if not hmac.compare_digest(ref.mac, mac_for(ref.code, ref.version)):
        raise InvalidScan()


def resolve_scan(text: str) -> Station:
    return resolve(parse_scan(text))
