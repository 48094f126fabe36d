"""Reading signs back as a person's phone would: rasterise the PDF and decode the QR."""

from __future__ import annotations

import io

import pypdfium2
import zxingcpp
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import ContentStream

MM_PER_POINT = 25.4 / 72


def rasterise(pdf: bytes, page: int = 0, dpi: int = 100) -> Image.Image:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return document[page].render(scale=dpi / 72).to_pil()
    finally:
        document.close()


def decode(image: Image.Image) -> list:
    return zxingcpp.read_barcodes(image)


def qr_width_mm(result, dpi: int) -> float:
    """Width of the QR's modules (finder corner to corner), in millimetres."""
    p = result.position
    return (p.top_right.x - p.top_left.x) / dpi * 25.4


def page_size_mm(pdf: bytes, page: int = 0) -> tuple[float, float]:
    box = PdfReader(io.BytesIO(pdf)).pages[page].mediabox
    return round(float(box.width) * MM_PER_POINT, 2), round(float(box.height) * MM_PER_POINT, 2)


def cmyk_fills(pdf: bytes, page: int = 0) -> set[tuple[float, ...]]:
    """Every CMYK fill colour (the `k` operator) the page's content sets, Form XObjects included."""
    reader = PdfReader(io.BytesIO(pdf))
    pdf_page = reader.pages[page]
    streams = [pdf_page.get_contents()]
    xobjects = pdf_page["/Resources"].get("/XObject", {})
    streams += [xobjects[name].get_object() for name in xobjects]
    colours = set()
    for stream in streams:
        content = ContentStream(stream, reader) if not isinstance(stream, ContentStream) else stream
        for operands, operator in content.operations:
            if operator == b"k":
                colours.add(tuple(round(float(v), 4) for v in operands))
    return colours


def image_xobjects(pdf: bytes, page: int = 0) -> int:
    xobjects = PdfReader(io.BytesIO(pdf)).pages[page]["/Resources"].get("/XObject", {})
    return sum(1 for name in xobjects if xobjects[name].get_object().get("/Subtype") == "/Image")


def embedded_fonts(pdf: bytes, page: int = 0) -> list[str]:
    fonts = PdfReader(io.BytesIO(pdf)).pages[page]["/Resources"]["/Font"]
    out = []
    for name in fonts:
        font = fonts[name].get_object()
        descendants = font.get("/DescendantFonts")
        descriptor = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
        if descriptor and any(k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")):
            out.append(str(font["/BaseFont"]))
    return out


def text_of(pdf: bytes, page: int = 0) -> str:
    return PdfReader(io.BytesIO(pdf)).pages[page].extract_text().replace("\n", "").replace(" ", "")


def png_of(content: bytes) -> Image.Image:
    return Image.open(io.BytesIO(content))
