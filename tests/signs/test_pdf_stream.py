"""The streaming PDF concatenator: signs rendered one page at a time by reportlab come out as one
valid multi-page PDF, produced incrementally and in memory that does not grow with the pages.
No database: these tests use no app fixtures."""

from __future__ import annotations

import gc
import itertools
import tracemalloc
from collections.abc import Iterable, Iterator
from io import BytesIO

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from app.adapters.pdf_stream import concatenate

FONT = "WQY"
FONT_PATH = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
SIGN_SIZE = (300 * mm, 500 * mm)
SIGN_POINTS = (300 / 25.4 * 72, 500 / 25.4 * 72)


@pytest.fixture(scope="module", autouse=True)
def _font():
    pdfmetrics.registerFont(TTFont(FONT, FONT_PATH, subfontIndex=0))


def _draw(c: canvas.Canvas, code: str) -> None:
    c.setFillColorCMYK(0.9, 0.2, 0, 0.1)
    c.rect(20 * mm, 300 * mm, 260 * mm, 150 * mm, fill=1, stroke=0)
    c.setFillColorCMYK(0, 0.8, 0.9, 0)
    c.circle(150 * mm, 120 * mm, 40 * mm, fill=1, stroke=0)
    c.setFillColorCMYK(0, 0, 0, 1)
    c.setFont(FONT, 72)
    c.drawString(30 * mm, 250 * mm, "驿站服务点")
    c.drawString(30 * mm, 220 * mm, code)
    c.showPage()


def sign(*codes: str) -> bytes:
    """One sign PDF, with a page per station code (usually one)."""
    out = BytesIO()
    c = canvas.Canvas(out, pagesize=SIGN_SIZE)
    for code in codes:
        _draw(c, code)
    c.save()
    return out.getvalue()


def codes(n: int) -> list[str]:
    return [f"YZ-{i:04d}" for i in range(1, n + 1)]


def join(pages: Iterable[bytes]) -> bytes:
    return b"".join(concatenate(pages))


def assert_pages(pdf: bytes, expected_codes: list[str]) -> None:
    reader = PdfReader(BytesIO(pdf), strict=True)
    for number in range(1, reader.trailer["/Size"]):  # every xref entry parses, strictly
        assert reader.get_object(number) is not None
    page_tree = reader.root_object.raw_get("/Pages")
    assert len(reader.pages) == len(expected_codes)
    for page, code in zip(reader.pages, expected_codes, strict=True):
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(SIGN_POINTS, abs=0.01)
        assert page.raw_get("/Parent").idnum == page_tree.idnum
        text = page.extract_text()
        assert code in text
        assert "驿站服务点" in text


@pytest.fixture(scope="module")
def fifty() -> tuple[list[bytes], bytes]:
    inputs = [sign(code) for code in codes(50)]
    return inputs, join(inputs)


@pytest.mark.parametrize("n", [1, 2])
def test_concatenates_pages_in_order(n):
    assert_pages(join(sign(code) for code in codes(n)), codes(n))


def test_concatenates_fifty_pages(fifty):
    inputs, pdf = fifty
    assert_pages(pdf, codes(50))
    # Streams are copied still compressed, and the inputs' catalogs and info are dropped.
    assert len(pdf) < sum(map(len, inputs))


def test_pdfium_renders_first_and_last_pages(fifty):
    document = pdfium.PdfDocument(fifty[1])
    try:
        assert len(document) == 50
        for index in (0, len(document) - 1):
            page = document[index]
            assert page.get_size() == pytest.approx(SIGN_POINTS, abs=0.01)
            image = page.render(scale=0.1).to_pil().convert("L")
            darkest, _ = image.getextrema()
            assert darkest < 128  # the shapes and text were drawn, not a blank page
            page.close()
    finally:
        document.close()


def test_multi_page_inputs_and_inherited_attributes():
    # Move MediaBox and Resources from the page up to the page tree, where a page inherits them.
    writer = PdfWriter(clone_from=BytesIO(sign("YZ-0004")))
    page, tree = writer.pages[0], writer.root_object["/Pages"]
    for key in ("/MediaBox", "/Resources"):
        tree[NameObject(key)] = page[key]
        del page[key]
    inherited = BytesIO()
    writer.write(inherited)

    pdf = join([sign("YZ-0001", "YZ-0002", "YZ-0003"), inherited.getvalue(), sign("YZ-0005")])
    assert_pages(pdf, codes(5))


def test_yields_before_the_last_input_is_read():
    pulled = 0

    def inputs() -> Iterator[bytes]:
        nonlocal pulled
        for code in codes(5):
            pulled += 1
            yield sign(code)

    chunks = concatenate(inputs())
    first = next(chunks)
    assert first.startswith(b"%PDF-")
    assert b"/Type /Page\n" in first  # the first page's objects, copied
    assert pulled == 1
    rest = b"".join(chunks)
    assert pulled == 5
    assert rest.endswith(b"%%EOF\n")


def _peak_memory(page: bytes, n: int) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        size = 0
        for chunk in concatenate(itertools.repeat(page, n)):
            size += len(chunk)  # count, and drop, the output
        assert size > n * len(page) // 2
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_stays_flat_as_pages_grow():
    page = sign("YZ-0001")
    _peak_memory(page, 2)  # warm up: first-use imports and caches are not per-page memory
    small, large = _peak_memory(page, 20), _peak_memory(page, 200)
    assert large < 2 * small, (small, large)


def test_rejects_no_pages_before_writing_anything():
    output = []
    with pytest.raises(ValueError, match="no pages"):
        output.extend(concatenate([]))
    assert output == []


def test_rejects_encrypted_input():
    writer = PdfWriter(clone_from=BytesIO(sign("YZ-0001")))
    writer.encrypt("secret")
    encrypted = BytesIO()
    writer.write(encrypted)
    with pytest.raises(ValueError, match="encrypted"):
        join([encrypted.getvalue()])
