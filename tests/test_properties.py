"""Property-based tests (hypothesis) of the three pieces of arithmetic the trust in the product
rests on: the sign token (round trips; any altered character of the code, version or mac is
refused), the WGS-84 ↔ GCJ-02 conversion (round trips inside China, identity outside), and our
bearer tokens (round trips; tampering never yields another payload; expiry; one kind is never
taken for another). Deterministic (derandomized), so CI never flakes on a new example."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.accounts import tokens
from app.core.errors import DomainError
from app.core.geo import distance_m, gcj02_to_wgs84, out_of_china, wgs84_to_gcj02
from app.signs import tokens as sign_tokens

PROPERTY = settings(max_examples=300, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
DB_PROPERTY = settings(PROPERTY, max_examples=120)

B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
codes = st.from_regex(r"\A[A-Z]{2}[0-9]{4,6}\Z")
versions = st.integers(min_value=1, max_value=999_999)


@pytest.fixture(scope="module")
def bare_app():
    """Enough of an app for the pure functions: their keys and the public address."""
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY="property-secret", SIGN_SECRET="property-sign-secret-0123456789abcdef", PUBLIC_BASE_URL="https://yz.example.cn"
    )
    with app.app_context():
        yield app


# --- the sign token, without a database -------------------------------------------------------


@PROPERTY
@given(code=codes, version=versions)
def test_every_form_of_a_sign_parses_back_to_its_parts(bare_app, code, version):
    station = SimpleNamespace(code=code, sign_version=version)
    expected = sign_tokens.SignRef(code, version, sign_tokens.mac_for(code, version))
    url = sign_tokens.url_for_sign(station)
    scene = sign_tokens.scene_for(station)
    assert len(scene) <= 32  # WeChat's limit on a mini-program code's scene
    for text in (url, quote(url, safe=""), f"  {url}\n", scene):
        assert sign_tokens.parse_scan(text) == expected


@PROPERTY
@given(a=st.tuples(codes, versions), b=st.tuples(codes, versions))
def test_distinct_signs_have_distinct_macs(bare_app, a, b):
    if a != b:
        assert sign_tokens.mac_for(*a) != sign_tokens.mac_for(*b)


@PROPERTY
@given(code=codes, version=versions, secret=st.text(min_size=1, max_size=40))
def test_a_mac_made_with_another_secret_never_matches(bare_app, code, version, secret):
    genuine = sign_tokens.mac_for(code, version)
    with Flask(__name__).app_context() as ctx:
        ctx.app.config.update(SECRET_KEY="x", SIGN_SECRET=secret)
        forged = sign_tokens.mac_for(code, version)
    assert forged != genuine or secret == bare_app.config["SIGN_SECRET"]


# --- the sign token, against stations in the database ------------------------------------------


def _tamper(scene: str, position: int, replacement: str) -> str | None:
    """The scene with one character replaced by another of the same class (so the result still
    looks like a sign token); None when the replacement is the same character."""
    original = scene[position]
    if original == ".":
        return None
    if original.isdigit() and scene.index(".") < position < scene.rindex("."):
        alphabet = "0123456789"  # the version
    elif position < scene.index("."):
        alphabet = "0123456789" if original.isdigit() else "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    else:
        alphabet = B64URL
    new = alphabet[ord(replacement) % len(alphabet)]
    return None if new == original else scene[:position] + new + scene[position + 1 :]


@pytest.fixture
def signed_stations(app_ctx):
    """Two stations, one with a re-issued sign (version 3), and their scenes."""
    from tests.factories import StationFactory

    first, second = StationFactory(code="FC0001"), StationFactory(code="FC0002", sign_version=3)
    return {s.code: sign_tokens.scene_for(s) for s in (first, second)}


@DB_PROPERTY
@given(which=st.sampled_from(["FC0001", "FC0002"]), position=st.integers(min_value=0, max_value=31), replacement=st.characters())
def test_any_altered_character_of_a_scan_is_refused(signed_stations, which, position, replacement):
    scene = signed_stations[which]
    assert sign_tokens.resolve_scan(scene).code == which
    tampered = _tamper(scene, position % len(scene), replacement)
    if tampered is None:
        return
    with pytest.raises(DomainError) as refused:
        sign_tokens.resolve_scan(tampered)
    assert refused.value.code == "scan_invalid"
    url = f"https://yz.example.cn/s/{tampered.split('.')[0]}?k={tampered.split('.', 1)[1]}"
    with pytest.raises(DomainError):
        sign_tokens.resolve_scan(url)


@DB_PROPERTY
@given(version=versions, mac=st.text(alphabet=B64URL, min_size=12, max_size=12))
def test_made_up_tokens_are_refused_and_old_prints_are_outdated(signed_stations, version, mac):
    """FC0002 is on its third sign: a genuine token of versions 1 and 2 is outdated, every other
    token (a made-up mac, or a version it never had) is invalid."""
    genuine = sign_tokens.mac_for("FC0002", version)
    expected = "sign_outdated" if version < 3 and mac == genuine else "scan_invalid"
    if version == 3 and mac == genuine:
        return
    with pytest.raises(DomainError) as refused:
        sign_tokens.resolve_scan(f"FC0002.{version}.{mac}")
    assert refused.value.code == expected
    with pytest.raises(DomainError) as refused:
        sign_tokens.resolve_scan(f"FC0002.{version}.{genuine}")
    assert refused.value.code == ("sign_outdated" if version < 3 else "scan_invalid")


# --- coordinates -------------------------------------------------------------------------------

# Well inside the box the transform treats as China: near its edge a converted point may fall
# outside it, where the inverse (rightly) leaves it alone.
inside_china = st.tuples(st.floats(min_value=4.0, max_value=53.4), st.floats(min_value=73.8, max_value=134.9))
outside_china = st.one_of(
    st.tuples(st.floats(min_value=-90, max_value=90), st.floats(min_value=-180, max_value=73.66)),
    st.tuples(st.floats(min_value=-90, max_value=90), st.floats(min_value=135.05, max_value=180)),
    st.tuples(st.floats(min_value=-90, max_value=3.86), st.floats(min_value=-180, max_value=180)),
    st.tuples(st.floats(min_value=53.55, max_value=90), st.floats(min_value=-180, max_value=180)),
)


@PROPERTY
@given(point=inside_china)
def test_wgs84_to_gcj02_and_back_inside_china(point):
    lat, lng = point
    g_lat, g_lng = wgs84_to_gcj02(lat, lng)
    assert 0 < distance_m(lat, lng, g_lat, g_lng) < 1500  # the datum's offset: metres, never kilometres
    back = gcj02_to_wgs84(g_lat, g_lng)
    assert distance_m(lat, lng, *back) < 0.01  # a centimetre


@PROPERTY
@given(point=inside_china)
def test_gcj02_to_wgs84_and_back_inside_china(point):
    w_lat, w_lng = gcj02_to_wgs84(*point)
    assert distance_m(*point, *wgs84_to_gcj02(w_lat, w_lng)) < 0.01


@PROPERTY
@given(point=outside_china)
def test_outside_china_the_datums_coincide(point):
    lat, lng = point
    assert out_of_china(lat, lng)
    assert wgs84_to_gcj02(lat, lng) == (lat, lng)
    assert gcj02_to_wgs84(lat, lng) == (lat, lng)


# --- bearer tokens -----------------------------------------------------------------------------

payloads = st.fixed_dictionaries({"sid": st.integers(min_value=1, max_value=2**31), "v": st.integers(min_value=0, max_value=1000)})
DAY = timedelta(days=1)


@PROPERTY
@given(payload=payloads, kind=st.sampled_from([tokens.STAFF, tokens.WORKER]))
def test_a_token_reads_back_as_issued_and_only_as_its_kind(bare_app, payload, kind):
    issued = tokens.issue(kind, payload, DAY)
    assert tokens.read(kind, issued.token, DAY) == payload
    other = tokens.WORKER if kind == tokens.STAFF else tokens.STAFF
    assert tokens.read(other, issued.token, DAY) is None


@PROPERTY
@given(payload=payloads, position=st.integers(min_value=0), replacement=st.sampled_from(B64URL + "."))
def test_a_tampered_token_never_reads_as_anything_else(bare_app, payload, position, replacement):
    """Changing any character is refused, except where base64 leaves a character's low bits
    unused: then the bytes, and so the payload, are the same. Never another payload."""
    token = tokens.issue(tokens.STAFF, payload, DAY).token
    position %= len(token)
    tampered = token[:position] + replacement + token[position + 1 :]
    if tampered != token:
        assert tokens.read(tokens.STAFF, tampered, DAY) in (None, payload)


@PROPERTY
@given(payload=payloads, forged=payloads)
def test_a_token_with_a_swapped_payload_is_refused(bare_app, payload, forged):
    token = tokens.issue(tokens.STAFF, payload, DAY).token
    other = tokens.issue(tokens.STAFF, forged, DAY).token
    spliced = other.split(".")[0] + "." + ".".join(token.split(".")[1:])
    if forged != payload:
        assert tokens.read(tokens.STAFF, spliced, DAY) is None


@PROPERTY
@given(payload=payloads, kind=st.sampled_from([tokens.STAFF, tokens.WORKER]))
def test_an_expired_token_is_refused(bare_app, payload, kind):
    issued = tokens.issue(kind, payload, DAY)
    assert tokens.read(kind, issued.token, timedelta(seconds=-1)) is None


@PROPERTY
@given(garbage=st.text(max_size=200))
def test_garbage_is_never_a_token(bare_app, garbage):
    assert tokens.read(tokens.STAFF, garbage, DAY) is None
