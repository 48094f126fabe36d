"""Drawing a station's sign (附件4: 300 × 500 mm) as a one-page vector PDF, and its PNG preview
rendered from that same PDF."""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from pathlib import Path

import pypdfium2
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from app.adapters.qr_matrix import dark_runs, qr_matrix
from app.adapters.text_fit import LEADING, fit
from app.core import error_codes
from app.core.errors import Misconfigured
from qr_assets import GREY, INK, PAPER, UNION_GOLD, UNION_RED
from qr_assets.emblem import draw_emblem

PAGE_WIDTH, PAGE_HEIGHT = 300 * mm, 500 * mm
MARGIN = 15 * mm
QR_SIZE = 155 * mm  # with its 4-module quiet zone: the modules alone are always over 120 mm
FONT_NAME = "YizhanSignCJK"
_font_lock = threading.Lock()


@dataclass(frozen=True)
class SignContent:
    title: str
    district_union: str
    station_name: str
    amenities: str
    opening_hours: str
    url: str
    caption: str
    code: str
    phone_line: str
    issuer: str


def register_font(path: str, index: int = 0) -> str:
    """Register the CJK font once per process; a missing font is a clear configuration error."""
    with _font_lock:
        if FONT_NAME in pdfmetrics.getRegisteredFontNames():
            return FONT_NAME
        if not Path(path).is_file():
            raise Misconfigured(
                f"标牌字体文件不存在：{path}（请安装 fonts-wqy-zenhei 或设置 YIZHAN_SIGN_FONT_PATH）", code=error_codes.SIGN_FONT_MISSING
            )
        pdfmetrics.registerFont(TTFont(FONT_NAME, path, subfontIndex=index))
    return FONT_NAME


def _box(c: Canvas, text: str, top: float, height: float, size: float, colour, x: float = MARGIN, width: float | None = None):
    """Centred text fitted into the box whose top edge is `top` mm below the page's top."""
    width = width or PAGE_WIDTH - 2 * MARGIN
    box_top = PAGE_HEIGHT - top * mm
    fitted = fit(text, FONT_NAME, width, height * mm, size)
    c.setFillColor(colour)
    c.setFont(FONT_NAME, fitted.size)
    # Centre the block vertically; baselines sit at 80 % of each line's height.
    y = box_top - (height * mm - fitted.height) / 2 - fitted.size * LEADING * 0.8
    for line in fitted.lines:
        c.drawCentredString(x + width / 2, y, line)
        y -= fitted.size * LEADING


def _labelled(c: Canvas, label: str, text: str, top: float, height: float) -> None:
    c.setFillColor(UNION_RED)
    c.roundRect(MARGIN, PAGE_HEIGHT - (top + 10) * mm, 40 * mm, 10 * mm, 2 * mm, stroke=0, fill=1)
    _box(c, label, top, 10, 20, PAPER, x=MARGIN, width=40 * mm)
    _box(c, text, top + 12, height - 12, 40, INK)


def _qr(c: Canvas, url: str, top: float) -> None:
    """The code as vector paths (one rectangle per run of dark modules), so the print stays exact."""
    matrix = qr_matrix(url, level="Q", border=4)
    module = QR_SIZE / len(matrix)
    left, bottom = (PAGE_WIDTH - QR_SIZE) / 2, PAGE_HEIGHT - top * mm - QR_SIZE
    path = c.beginPath()
    for row, column, length in dark_runs(matrix):
        path.rect(left + column * module, bottom + QR_SIZE - (row + 1) * module, length * module, module)
    c.setFillColor(INK)
    c.drawPath(path, stroke=0, fill=1)


def draw_sign(c: Canvas, sign: SignContent) -> None:
    """One sign on the canvas's current page. Positions are mm from the top edge."""
    c.setFillColor(PAPER)
    c.rect(0, 0, PAGE_WIDTH, PAGE_HEIGHT, stroke=0, fill=1)
    draw_emblem(c, PAGE_WIDTH / 2, PAGE_HEIGHT - 45 * mm, 56 * mm)
    _box(c, sign.title, 78, 24, 64, UNION_RED)
    _box(c, sign.district_union, 103, 13, 30, GREY)
    c.setFillColor(UNION_RED)
    c.rect(0, PAGE_HEIGHT - 152 * mm, PAGE_WIDTH, 35 * mm, stroke=0, fill=1)
    _box(c, sign.station_name, 119, 31, 56, PAPER)
    _qr(c, sign.url, 156)
    _box(c, sign.caption, 312, 12, 34, INK)
    _labelled(c, "服务设施", sign.amenities, 330, 44)
    _labelled(c, "开放时间", sign.opening_hours, 378, 38)
    c.setFillColor(UNION_RED)
    c.rect(0, 0, PAGE_WIDTH, 80 * mm, stroke=0, fill=1)
    c.setFillColor(UNION_GOLD)
    c.rect(0, 80 * mm, PAGE_WIDTH, 2 * mm, stroke=0, fill=1)
    _box(c, f"站点编码 {sign.code}", 424, 20, 52, UNION_GOLD)
    _box(c, sign.phone_line, 446, 16, 34, PAPER)
    _box(c, sign.issuer, 468, 10, 22, PAPER)


def render_pdf(sign: SignContent, font_path: str, font_index: int = 0) -> bytes:
    register_font(font_path, font_index)
    out = io.BytesIO()
    c = Canvas(out, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), pageCompression=1)
    c.setTitle(f"{sign.code} {sign.station_name}")
    c.setAuthor(sign.issuer)
    draw_sign(c, sign)
    c.showPage()
    c.save()
    return out.getvalue()


def render_png(pdf: bytes, dpi: int = 300) -> bytes:
    """The first page of a PDF as a PNG at `dpi`, so the preview is the print, pixel for pixel."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[0].render(scale=dpi / 72).to_pil()
    finally:
        document.close()
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(dpi, dpi), optimize=False, compress_level=6)
    return out.getvalue()
