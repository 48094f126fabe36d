"""Station signs, end to end: the signed URL, re-issue, the print PDF and PNG read back with a
real QR decoder, district batches, and the page a non-WeChat scan opens."""

from __future__ import annotations

import io
from urllib.parse import quote

import pytest
from pypdf import PdfReader

from app.services import sign_tokens
from tests import sign_checks
from tests.factories import StationFactory
from tests.services import NO_DATABASE

STATIONS = "/api/staff/v1/stations"
RED, GOLD = (0.0, 1.0, 1.0, 0.1), (0.0, 0.1, 1.0, 0.0)


def sign_of(api, code: str) -> dict:
    r = api.get(f"{STATIONS}/{code}/sign")
    assert r.status_code == 200, r.get_json()
    return r.get_json()


# --- the signed URL ------------------------------------------------------------------------------


def test_sign_url_carries_code_version_and_signature(fc_api, app_ctx, app):
    code = StationFactory().code
    sign = sign_of(fc_api, code)
    assert sign["url"].startswith(f"{app.config['PUBLIC_BASE_URL']}/s/{code}?k=1.")
    assert sign["sign_version"] == 1
    assert len(sign["scene"]) <= 32
    assert sign_tokens.resolve_scan(sign["url"]).code == code
    assert sign_tokens.resolve_scan(sign["scene"]).code == code
    assert sign_tokens.resolve_scan(quote(sign["url"], safe="")).code == code  # the mini-program's q


def _altered(token: str) -> str:
    last = token[-1]
    return token[:-1] + ("A" if last != "A" else "B")


@pytest.mark.parametrize(
    "scan",
    [
        lambda s, other: s["url"].replace("?k=1.", "?k=1." + "x")[: len(s["url"])],  # a changed character
        lambda s, other: _altered(s["url"]),
        lambda s, other: s["url"].replace(s["code"], "FC0999"),  # a made-up code
        lambda s, other: s["url"].replace(s["url"].split("k=")[1], other["url"].split("k=")[1]),  # another's token
        lambda s, other: s["url"].split("?")[0],  # no token
        lambda s, other: f"{s['code']}.1.{'A' * 12}",
        lambda s, other: "not a scan",
        lambda s, other: "",
    ],
    ids=["changed-char", "changed-last-char", "made-up-code", "other-station-token", "no-token", "forged-scene", "garbage", "empty"],
)
def test_forged_and_altered_scans_are_refused(fc_api, app_ctx, scan):
    s = sign_of(fc_api, StationFactory().code)
    other = sign_of(fc_api, StationFactory().code)
    with pytest.raises(sign_tokens.InvalidScan):
        sign_tokens.resolve_scan(scan(s, other))


def test_token_depends_on_the_sign_secret(app, fc_api, app_ctx, monkeypatch):
    code = StationFactory().code
    url = sign_of(fc_api, code)["url"]
    monkeypatch.setitem(app.config, "SIGN_SECRET", "another-sign-secret-of-some-length-xx")
    with pytest.raises(sign_tokens.InvalidScan):
        sign_tokens.resolve_scan(url)


def test_reissue_voids_the_old_print(fc_api, city_api, app_ctx, client):
    code = StationFactory().code
    old = sign_of(fc_api, code)
    r = fc_api.post(f"{STATIONS}/{code}/sign/reissue")
    assert r.status_code == 200
    new = r.get_json()
    assert new["sign_version"] == 2 and new["url"] != old["url"]
    with pytest.raises(sign_tokens.SignOutdated) as refused:
        sign_tokens.resolve_scan(old["url"])
    assert "新标牌" in refused.value.message
    assert sign_tokens.resolve_scan(new["url"]).code == code
    entries = city_api.get("/api/staff/v1/audit-log", query_string={"action": "station.sign.reissue"}).get_json()["items"]
    assert entries[0]["actor"] == "fc.staff"
    assert (entries[0]["before"], entries[0]["after"]) == ({"sign_version": 1}, {"sign_version": 2})


def test_retired_station_scan_is_gone_and_its_sign_not_printed(fc_api, app_ctx):
    code = StationFactory().code
    url = sign_of(fc_api, code)["url"]
    fc_api.post(f"{STATIONS}/{code}/retire", json={"reason": "拆除"})
    with pytest.raises(sign_tokens.StationClosed):
        sign_tokens.resolve_scan(url)
    assert fc_api.get(f"{STATIONS}/{code}/sign.pdf").status_code == 409
    assert fc_api.post(f"{STATIONS}/{code}/sign/reissue").status_code == 409


# --- the print PDF and the PNG preview ----------------------------------------------------------------


@pytest.fixture
def printed(fc_api, app_ctx):
    code = StationFactory(name="临园路环卫工人爱心驿站").code
    r = fc_api.get(f"{STATIONS}/{code}/sign.pdf")
    assert r.status_code == 200
    assert r.mimetype == "application/pdf"
    return code, r.data, sign_of(fc_api, code)["url"]


def test_pdf_is_one_300_by_500_mm_page(printed):
    _, pdf, _ = printed
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    assert sign_checks.page_size_mm(pdf) == (300.0, 500.0)


def test_pdf_qr_decodes_to_the_signed_url_and_is_big_enough(printed):
    _, pdf, url = printed
    results = sign_checks.decode(sign_checks.rasterise(pdf, dpi=100))
    assert [r.text for r in results] == [url]
    assert results[0].ec_level in ("Q", "H")
    assert sign_checks.qr_width_mm(results[0], dpi=100) >= 120


def test_pdf_uses_the_exact_union_cmyk_colours(printed):
    fills = sign_checks.cmyk_fills(printed[1])
    assert RED in fills and GOLD in fills


def test_pdf_is_vector_with_an_embedded_cjk_font(printed):
    _, pdf, _ = printed
    assert sign_checks.image_xobjects(pdf) == 0  # the QR and the emblem are paths, not bitmaps
    assert any("WenQuanYiZenHei" in f for f in sign_checks.embedded_fonts(pdf))  # a subset, embedded


def test_pdf_carries_the_signs_content(printed):
    code, pdf, _ = printed
    text = sign_checks.text_of(pdf)
    for expected in ("工会户外劳动者服务站点", "临园路环卫工人爱心驿站", "涪城区总工会", code, "微信扫一扫", "服务设施", "开放时间"):
        assert expected in text


def test_a_long_name_is_shrunk_and_wrapped_not_cut(fc_api, app_ctx):
    name = "绵阳市涪城区临园路与剑南路交叉口东北角中国邮政储蓄银行股份有限公司绵阳市分行营业部工会户外劳动者服务站点爱心驿站"
    code = StationFactory(name=name).code
    pdf = fc_api.get(f"{STATIONS}/{code}/sign.pdf").data
    assert name in sign_checks.text_of(pdf)
    results = sign_checks.decode(sign_checks.rasterise(pdf, dpi=100))
    assert len(results) == 1  # nothing drawn over the QR


def test_png_preview_is_300_dpi_of_the_same_design(fc_api, printed):
    code, _, url = printed
    r = fc_api.get(f"{STATIONS}/{code}/sign.png")
    assert r.status_code == 200 and r.mimetype == "image/png"
    image = sign_checks.png_of(r.data)
    width, height = image.size
    assert abs(width - 3543) <= 1 and abs(height - 5906) <= 1  # 300 × 500 mm at 300 dpi
    assert round(image.info["dpi"][0]) == 300
    small = image.resize((image.width // 3, image.height // 3))
    assert [res.text for res in sign_checks.decode(small)] == [url]


def test_missing_font_is_a_clear_error(app, fc_api, app_ctx, monkeypatch):
    from reportlab.pdfbase import pdfmetrics

    from app.adapters import sign_pdf

    monkeypatch.setitem(app.config, "SIGN_FONT_PATH", "/nonexistent/font.ttc")
    monkeypatch.setattr(pdfmetrics, "getRegisteredFontNames", lambda: [])
    code = StationFactory().code
    r = fc_api.get(f"{STATIONS}/{code}/sign.pdf")
    assert r.status_code == 503
    assert r.get_json()["error"]["code"] == "sign_font_missing"
    assert "SIGN_FONT_PATH" in r.get_json()["error"]["message"]
    assert sign_pdf.FONT_NAME  # the module stays importable without the font


# --- batches ------------------------------------------------------------------------------------------


def test_district_batch_is_one_pdf_with_a_page_per_station(fc_api, app_ctx):
    codes = [StationFactory(code=f"FC{n:04d}").code for n in (1, 2, 3)]
    StationFactory(code="FC0004", status="retired")
    StationFactory(code="YX0001", district_code="YX")
    r = fc_api.get("/api/staff/v1/signs.pdf", query_string={"district": "涪城区"})
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    pdf = r.data
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 3
    for page, code in enumerate(codes):
        assert sign_checks.page_size_mm(pdf, page) == (300.0, 500.0)
        decoded = sign_checks.decode(sign_checks.rasterise(pdf, page=page, dpi=100))
        assert decoded[0].text == sign_of(fc_api, code)["url"]


def test_batch_is_scoped(fc_api, city_api, app_ctx):
    StationFactory(code="FC0001")
    StationFactory(code="YX0001", district_code="YX")
    assert fc_api.get("/api/staff/v1/signs.pdf", query_string={"district": "YX"}).status_code == 403
    own = fc_api.get("/api/staff/v1/signs.pdf")
    assert len(PdfReader(io.BytesIO(own.data)).pages) == 1
    everything = city_api.get("/api/staff/v1/signs.pdf")
    assert len(PdfReader(io.BytesIO(everything.data)).pages) == 2


def test_batch_with_nothing_to_print(fc_api, app_ctx):
    r = fc_api.get("/api/staff/v1/signs.pdf")
    assert r.status_code == 404
    assert r.get_json()["error"]["code"] == "no_stations"


def test_signs_render_command(app, app_ctx, tmp_path):
    for n in (1, 2):
        StationFactory(code=f"FC{n:04d}")
    out = tmp_path / "signs.pdf"
    result = app.test_cli_runner().invoke(args=["signs", "render", "--district", "涪城区", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert len(PdfReader(str(out)).pages) == 2


# --- the page behind the URL ------------------------------------------------------------------------------


def _path(url: str) -> str:
    return url.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def test_scan_page_shows_the_station(client, fc_api, app_ctx):
    code = StationFactory(name="临园路驿站", address="绵阳市涪城区临园路1号").code
    r = client.get(_path(sign_of(fc_api, code)["url"]))
    assert r.status_code == 200 and r.mimetype == "text/html"
    page = r.get_data(as_text=True)
    for expected in ("临园路驿站", "绵阳市涪城区临园路1号", "开放时间", "饮用水", "微信", code):
        assert expected in page


@pytest.mark.parametrize(
    ("change", "status", "phrase"),
    [("forge", 404, "无法识别"), ("reissue", 410, "新标牌"), ("retire", 410, "已撤销")],
)
def test_scan_page_refusals_are_clear_pages(client, fc_api, app_ctx, change, status, phrase):
    code = StationFactory().code
    url = sign_of(fc_api, code)["url"]
    if change == "forge":
        url = _altered(url)
    elif change == "reissue":
        fc_api.post(f"{STATIONS}/{code}/sign/reissue")
    else:
        fc_api.post(f"{STATIONS}/{code}/retire", json={"reason": "拆除"})
    r = client.get(_path(url))
    assert r.status_code == status
    assert r.mimetype == "text/html"
    assert phrase in r.get_data(as_text=True)
    assert "Traceback" not in r.get_data(as_text=True)


def test_wechat_verification_file_is_served(make_app):
    app = make_app(
        {
            "SQLALCHEMY_DATABASE_URI": NO_DATABASE,  # a static file: no database involved
            "WECHAT_JUMP_VERIFY_FILE": "a1b2c3d4.txt",
            "WECHAT_JUMP_VERIFY_CONTENT": "0123456789abcdef",
        },
    )
    client = app.test_client()
    for path in ("/a1b2c3d4.txt", "/s/a1b2c3d4.txt"):
        r = client.get(path)
        assert (r.status_code, r.get_data(as_text=True)) == (200, "0123456789abcdef")


# --- the mini-program code -------------------------------------------------------------------------------


def test_wxacode_carries_a_verifiable_scene_and_is_cached(fc_api, app_ctx, wx):
    code = StationFactory().code
    r = fc_api.get(f"{STATIONS}/{code}/wxacode.png")
    assert r.status_code == 200 and r.mimetype == "image/png"
    scene = [res.text for res in sign_checks.decode(sign_checks.png_of(r.data))]
    assert scene == [sign_of(fc_api, code)["scene"]]
    assert len(scene[0]) <= 32
    assert sign_tokens.resolve_scan(scene[0]).code == code
    calls = wx.stats()["calls"].get("wxa/getwxacodeunlimit", 0)
    assert fc_api.get(f"{STATIONS}/{code}/wxacode.png").data == r.data
    assert wx.stats()["calls"].get("wxa/getwxacodeunlimit", 0) == calls  # served from the cache


def test_wxacode_follows_a_reissue(fc_api, app_ctx, wx):
    code = StationFactory().code
    first = fc_api.get(f"{STATIONS}/{code}/wxacode.png").data
    fc_api.post(f"{STATIONS}/{code}/sign/reissue")
    second = fc_api.get(f"{STATIONS}/{code}/wxacode.png").data
    decoded = sign_checks.decode(sign_checks.png_of(second))[0].text
    assert first != second and decoded.split(".")[1] == "2"
    with pytest.raises(sign_tokens.SignOutdated):
        sign_tokens.resolve_scan(sign_checks.decode(sign_checks.png_of(first))[0].text)


@pytest.mark.parametrize(
    ("fault", "status", "code"),
    [
        ({"errcode": -1}, 503, "wechat_unavailable"),
        ({"status": 500}, 503, "wechat_unavailable"),
        ({"errcode": 40129}, 502, None),
    ],
)
def test_wxacode_turns_wechat_errors_into_clear_answers(fc_api, app_ctx, wx, fault, status, code):
    station = StationFactory().code
    wx.fail("wxa/getwxacodeunlimit", **fault)
    r = fc_api.get(f"{STATIONS}/{station}/wxacode.png")
    assert r.status_code == status
    error = r.get_json()["error"]
    assert error["message"] and not error["message"].isascii()
    if code:
        assert error["code"] == code
    if status == 503:
        assert r.headers["Retry-After"]
