"""Streaming concatenation of PDFs. reportlab's Canvas holds every page until save(), so a
district's signs are rendered one small PDF per page and joined here: each input's pages and all
they reference are written out at once under new object numbers, then the input is dropped. Only
the xref offsets and the page numbers outlive an input, so memory stays flat as pages grow."""

from __future__ import annotations

import itertools
from array import array
from collections.abc import Callable, Iterable, Iterator
from io import BytesIO

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, PdfObject, StreamObject

_HEADER = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"  # the binary comment tells transfer tools the file is binary
_PAGES = 1  # the page tree is written last, but every page points at it: its number is fixed up front
_BATCH = 256  # page-tree kids or xref entries per yielded chunk


def concatenate(pages: Iterable[bytes]) -> Iterator[bytes]:
    """Yield, chunk by chunk, one PDF holding every page of every input document, in order.

    Inputs are pulled lazily, one at a time, and each is yielded as one chunk before the next
    is pulled. Only pages and what they reference are copied; document-level parts (outlines,
    forms, named destinations) are dropped. Nothing is shared between inputs (each page keeps
    its own font subset); streams are copied still encoded. Encrypted inputs, or no pages at all,
    raise ValueError.
    """
    offsets = array("Q", [0, 0])  # offsets[n] = byte offset of object n (n = 0 is unused)
    kids = array("Q")  # the output's page object numbers, in order
    header, position = _HEADER, len(_HEADER)  # header goes out with the first page: no input, no output
    for document in pages:
        reader = PdfReader(BytesIO(document))
        try:
            chunk = _copy_pages(reader, offsets, kids, position)
        finally:
            # Parsed objects keep their reader (to resolve references), and it keeps them: a cycle
            # only the cyclic GC frees, and it may run rarely. Emptying the reader breaks every such
            # cycle, so the input is freed now and memory does not grow with the page count.
            vars(reader).clear()
        position += len(chunk)
        yield header + chunk
        header = b""
    if not kids:  # a PDF without pages is not one that viewers (pdfium) will open
        raise ValueError("no pages to concatenate")
    yield from _trailer(offsets, kids, position)


def _trailer(offsets: array, kids: array, position: int) -> Iterator[bytes]:
    """The catalog, page tree, xref and trailer; /Kids and xref grow with pages, so are batched."""
    catalog = len(offsets)
    offsets.append(position)
    head = b"%d 0 obj\n<< /Type /Catalog /Pages %d 0 R >>\nendobj\n" % (catalog, _PAGES)
    offsets[_PAGES] = position + len(head)
    head += b"%d 0 obj\n<< /Type /Pages /Count %d /Kids [ " % (_PAGES, len(kids))
    for chunk in itertools.chain([head], _batches(b"%d 0 R ", kids), [b"] >>\nendobj\n"]):
        position += len(chunk)
        yield chunk
    # Entries are exactly 20 bytes each, as the format requires; 0 heads the (empty) free list.
    yield b"xref\n0 %d\n0000000000 65535 f \n" % len(offsets)
    yield from _batches(b"%010d 00000 n \n", offsets, start=1)
    yield b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(offsets), catalog, position)


def _batches(entry: bytes, numbers: array, start: int = 0) -> Iterator[bytes]:  # never all at once
    for i in range(start, len(numbers), _BATCH):
        yield b"".join(entry % number for number in numbers[i : i + _BATCH])


def _copy_pages(reader: PdfReader, offsets: array, kids: array, position: int) -> bytes:
    """Serialise one input's pages, and all they reference, under numbers appended to `offsets`
    (offsets counted from `position`, where the returned bytes will go); add the pages to `kids`."""
    if reader.is_encrypted:
        raise ValueError("cannot concatenate an encrypted PDF")
    renumbered: dict[tuple[int, int], int] = {}  # input (number, generation) -> output number
    pending: list[tuple[int, IndirectObject]] = []  # numbered but not yet written

    def renumber(reference: IndirectObject) -> int:
        key = (reference.idnum, reference.generation)
        if key not in renumbered:
            renumbered[key] = len(offsets)
            offsets.append(0)
            pending.append((renumbered[key], reference))
        return renumbered[key]

    # Number the pages first, so references between this input's pages (links, annotations' /P)
    # reach their copies; and map each page's parent to our page tree, so that following
    # references never pulls in the input's tree (and through its /Kids, every other page).
    page_numbers = range(len(offsets), len(offsets) + len(reader.pages))
    offsets.extend(0 for _ in page_numbers)
    for number, page in zip(page_numbers, reader.pages, strict=True):
        if page.indirect_reference is not None:
            renumbered[(page.indirect_reference.idnum, page.indirect_reference.generation)] = number
        parent = page.raw_get("/Parent") if "/Parent" in page else None  # raw: the reference itself
        if isinstance(parent, IndirectObject):
            renumbered[(parent.idnum, parent.generation)] = _PAGES

    out = BytesIO()

    def emit(number: int, obj: PdfObject) -> None:
        offsets[number] = position + out.tell()
        out.write(b"%d 0 obj\n" % number)
        _write(obj, out, renumber)
        out.write(b"\nendobj\n")

    # reader.pages has the attributes a page inherits from its tree (MediaBox, Resources, ...)
    # copied onto it, so the page stands alone under our flat page tree.
    for number, page in zip(page_numbers, reader.pages, strict=True):
        emit(number, page)
        while pending:
            number, reference = pending.pop()
            emit(number, reference.get_object())
    kids.extend(page_numbers)
    return out.getvalue()


def _write(obj: PdfObject, out: BytesIO, renumber: Callable[[IndirectObject], int]) -> None:
    """pypdf's write_to_stream, but with every reference replaced by its new number."""
    if isinstance(obj, IndirectObject):
        out.write(b"%d 0 R" % renumber(obj))
    elif isinstance(obj, DictionaryObject):  # also streams
        is_stream = isinstance(obj, StreamObject)
        out.write(b"<<")
        for key, value in obj.items():  # dict.items: references unresolved
            if not (is_stream and key == "/Length"):  # recomputed below: it may be a reference
                key.write_to_stream(out)
                out.write(b" ")
                _write(value, out, renumber)
                out.write(b"\n")
        if is_stream:
            # _data is the raw, still-encoded stream; get_data() would decompress it.
            out.write(b"/Length %d>>\nstream\n%b\nendstream" % (len(obj._data), obj._data))
        else:
            out.write(b">>")
    elif isinstance(obj, ArrayObject):
        out.write(b"[")
        for item in obj:
            out.write(b" ")
            _write(item, out, renumber)
        out.write(b" ]")
    else:
        obj.write_to_stream(out)
