"""The file store (app/core/files): what a file is comes from its bytes, never its name; keys
cannot reach outside the store's folder; writes are whole or nothing."""

from __future__ import annotations

import io
import os
import re
import zipfile

import pytest
from PIL import Image
from reportlab.pdfgen import canvas

from app.core import clock, files
from app.core.files import FileNotFound, FileTooLarge, LocalFileStore, UnsupportedFileType
from tests.conftest import side_app

# --- real files of each kind --------------------------------------------------------------------


def pdf() -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, "activity plan")
    page.save()
    return out.getvalue()


def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr(
            "[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
        )
        package.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        package.writestr(
            "word/document.xml", '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>'
        )
    return out.getvalue()


def doc() -> bytes:
    """An OLE2 compound file whose first sector is a Word document's FIB (magic 0xA5EC)."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + b"\xec\xa5\xc1\x00" + b"\x00" * 1024


def image(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 30, 30)).save(out, fmt)
    return out.getvalue()


def xlsx() -> bytes:
    from openpyxl import Workbook

    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


@pytest.fixture
def files_app(tmp_path):
    app = side_app({"SQLALCHEMY_DATABASE_URI": "postgresql://root@127.0.0.1:5432/unused", "FILES_ROOT": str(tmp_path / "store")})
    with app.app_context():
        yield app


@pytest.fixture
def store(files_app) -> LocalFileStore:
    return files.store()


# --- types from bytes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "make", "content_type"),
    [
        ("plan", pdf, "application/pdf"),
        ("plan", docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("plan", doc, "application/msword"),
        ("photo", lambda: image("JPEG"), "image/jpeg"),
        ("photo", lambda: image("PNG"), "image/png"),
    ],
)
def test_allowed_files_are_stored_under_a_new_key(store, kind, make, content_type):
    data = make()
    stored = files.save_upload(data, kind=kind, prefix="tests")
    kept = files.strip_metadata(data, content_type) if kind == "photo" else data  # photos are re-encoded bare
    assert (stored.content_type, stored.size) == (content_type, len(kept))
    today = clock.today()
    assert re.fullmatch(rf"tests/{today:%Y}/{today:%m}/[0-9a-f]{{32}}\.(pdf|docx|doc|jpg|png)", stored.key)
    assert store.get(stored.key) == kept


def test_a_photo_is_stored_without_its_metadata(store):
    """EXIF (the phone, where and when: GPS) goes; the picture stays, turned upright."""
    from PIL import Image

    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0112] = 6  # rotated: stored sideways
    exif[0x8825] = {1: "N", 2: (31.0, 27.0, 24.0), 3: "E", 4: (104.0, 44.0, 46.0)}
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "red").save(out, format="JPEG", exif=exif)
    stored = files.save_upload(out.getvalue(), kind="photo", prefix="tests")
    with Image.open(io.BytesIO(store.get(stored.key))) as kept:
        assert not kept.getexif() and kept.size == (20, 40)


@pytest.mark.parametrize(
    ("kind", "make"),
    [
        ("plan", lambda: image("PNG")),  # a photo is not a plan, whatever its name
        ("photo", pdf),
        ("plan", xlsx),  # a zip package, but not a Word document
        ("plan", lambda: b"<html><script>alert(1)</script></html>"),
        ("photo", lambda: image("GIF")),
        ("photo", lambda: b"\xff\xd8\xff\xe0" + b"not really a jpeg" * 50),  # JPEG's magic, then junk
        ("photo", lambda: image("PNG")[:60]),  # truncated
        ("plan", lambda: pdf()[:-200]),  # a PDF cut short has no %%EOF
        ("plan", lambda: b"MZ\x90\x00" + b"\x00" * 600),  # a Windows program
        ("plan", lambda: b""),
    ],
    ids=["png-as-plan", "pdf-as-photo", "xlsx", "html", "gif", "fake-jpeg", "short-png", "short-pdf", "exe", "empty"],
)
def test_other_files_are_refused_and_nothing_is_stored(store, kind, make):
    with pytest.raises(UnsupportedFileType) as refused:
        files.save_upload(make(), kind=kind, prefix="tests")
    assert refused.value.code == "unsupported_file_type" and "文件" in refused.value.message
    assert not store.root.exists() or not any(p.is_file() for p in store.root.rglob("*"))


def test_size_limits_per_kind(files_app, store):
    files_app.config["FILES_MAX_BYTES"] = {"plan": 4096, "photo": 1024}
    big = image("PNG") + b"\x00" * 2048  # a real PNG with trailing bytes: over the photo limit
    with pytest.raises(FileTooLarge) as refused:
        files.save_upload(big, kind="photo", prefix="tests")
    assert refused.value.code == "file_too_large"
    assert files.check_upload(doc(), "plan") == "application/msword"  # 1.5 KB: under the plan limit


# --- the store ----------------------------------------------------------------------------------


def test_put_get_open_exists_delete(store):
    key = "reports/2026/12/abc.jpg"
    assert not store.exists(key)
    store.put(key, b"one")
    store.put(key, b"two")  # replaced whole
    assert store.exists(key) and store.get(key) == b"two"
    with store.open(key) as stream:
        assert stream.read(2) == b"tw"
    assert store.delete(key) is True and store.delete(key) is False
    with pytest.raises(FileNotFound):
        store.get(key)
    leftovers = [p.name for p in store.root.rglob("*") if p.is_file()]
    assert leftovers == []  # no temporary file stays behind


@pytest.mark.parametrize(
    "key",
    [
        "../outside",
        "a/../../outside",
        "/etc/passwd",
        "a//b",
        "a/./b",
        "a/b/",
        "Uppercase/x",
        "a\\..\\b",
        "%2e%2e/x",
        "a\x00b",
        "",
        ".hidden",
        "a/" * 11 + "b",
    ],
)
def test_keys_cannot_leave_the_store(store, tmp_path, key):
    for call in (lambda: store.put(key, b"x"), lambda: store.get(key), lambda: store.exists(key), lambda: store.delete(key)):
        with pytest.raises(UnsupportedFileType) as refused:
            call()
        assert refused.value.code == "invalid_file_key"
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == []


def test_a_symlink_planted_in_the_folder_does_not_lead_out(store, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"outside")
    store.root.mkdir(parents=True)
    os.symlink(tmp_path, store.root / "escape")
    with pytest.raises(UnsupportedFileType):
        store.get("escape/secret.txt")
    with pytest.raises(UnsupportedFileType):
        store.put("escape/secret.txt", b"overwritten")
    assert secret.read_bytes() == b"outside"


def test_the_default_folder_is_under_the_instance_folder(tmp_path):
    app = side_app({"SQLALCHEMY_DATABASE_URI": "postgresql://root@127.0.0.1:5432/unused"})
    with app.app_context():
        assert files.store().root == (tmp_path.__class__(app.instance_path) / "files").resolve()
