"""Coordinate conversion between GPS (WGS-84) and WeChat's map datum (GCJ-02)."""

from hypothesis import given
from hypothesis import strategies as st

from app.core.geo import distance_m, gcj02_to_wgs84, in_bounds, out_of_china, wgs84_to_gcj02

china_lat = st.floats(min_value=18.0, max_value=53.0)
china_lng = st.floats(min_value=74.0, max_value=134.0)


def test_known_point_in_mianyang():
    # The offset in Sichuan is a few hundred metres, mostly eastward/northward shift of ~0.002–0.003°.
    lat, lng = wgs84_to_gcj02(31.4567, 104.7462)
    shift = distance_m(31.4567, 104.7462, lat, lng)
    assert 200 < shift < 700
    assert lat != 31.4567 and lng != 104.7462


@given(china_lat, china_lng)
def test_round_trip_is_within_a_millimetre(lat, lng):
    g_lat, g_lng = wgs84_to_gcj02(lat, lng)
    w_lat, w_lng = gcj02_to_wgs84(g_lat, g_lng)
    assert distance_m(lat, lng, w_lat, w_lng) < 0.001


@given(china_lat, china_lng)
def test_offset_is_bounded(lat, lng):
    assert distance_m(lat, lng, *wgs84_to_gcj02(lat, lng)) < 1200


def test_outside_china_is_unchanged():
    assert out_of_china(48.8566, 2.3522)
    assert wgs84_to_gcj02(48.8566, 2.3522) == (48.8566, 2.3522)
    assert gcj02_to_wgs84(48.8566, 2.3522) == (48.8566, 2.3522)


def test_bounds():
    box = {"lat_min": 30.6, "lat_max": 33.2, "lng_min": 103.6, "lng_max": 105.8}
    assert in_bounds(31.45, 104.74, box)
    assert not in_bounds(104.74, 31.45, box)  # latitude and longitude swapped


def test_distance():
    # One degree of latitude is about 111.2 km.
    assert abs(distance_m(31.0, 104.0, 32.0, 104.0) - 111_195) < 50
