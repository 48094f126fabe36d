"""Uploaded files (activity plans, problem-report photos) behind a small interface.

    from app.core import files

    stored = files.save_upload(data, kind="photo", prefix="reports")   # checked, then stored
    stored.key, stored.content_type, stored.size                       # keep these in your row
    files.store().open(stored.key)  /  .get(key)  /  .exists(key)  /  .delete(key)

Keys, not paths: a key is made here (`prefix/yyyy/mm/<random>.<ext>`), names nothing on the
client's side and is checked again on every call, so no key can reach outside the store. What a
file *is* is read from its bytes (magic numbers, via the `filetype` library, then a structural
check: the image decodes, the DOCX is a Word package, the PDF ends as one), never from the name
or the Content-Type the client sent. Allowed: PDF, DOCX and DOC for plans; JPEG and PNG for
photos; sizes per kind from FILES_MAX_BYTES.

The embedded default is a folder (FILES_ROOT, else `<instance>/files`); production with several
machines puts an object-storage implementation of `FileStore` behind the same five methods.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import secrets
import tempfile
import zipfile
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import filetype
from flask import Flask, current_app

from app.core import clock, error_codes
from app.core.errors import InvalidInput, NotFound

EXTENSION = "yizhan_files"

# kind -> the types it accepts (by the content type sniffed from the bytes)
KINDS: dict[str, dict[str, str]] = {
    "plan": {
        "application/pdf": "pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
        "application/msword": "doc",
    },
    "photo": {"image/jpeg": "jpg", "image/png": "png"},
}
KIND_NAMES = {"plan": "PDF 或 Word 文件", "photo": "JPEG 或 PNG 图片"}

# Lower-case letters, digits, "-", "_", "." in "/"-separated parts; no part may be "." or "..".
_KEY = re.compile(r"[a-z0-9][a-z0-9_.-]{0,99}(/[a-z0-9][a-z0-9_.-]{0,99}){0,9}")


class FileRefused(InvalidInput):
    code = error_codes.FILE_REFUSED
    message = "文件无法接受"


class FileTooLarge(FileRefused):
    code = error_codes.FILE_TOO_LARGE
    message = "文件过大"


class UnsupportedFileType(FileRefused):
    code = error_codes.UNSUPPORTED_FILE_TYPE
    message = "不支持的文件类型"


class FileNotFound(NotFound):
    code = error_codes.FILE_NOT_FOUND
    message = "文件不存在"


@dataclass(frozen=True)
class StoredFile:
    key: str
    content_type: str
    size: int
    sha256: str


# --- the interface and the local folder -------------------------------------------------------------


class FileStore(ABC):
    """Bytes under keys. Implementations check every key with `check_key`."""

    @abstractmethod
    def put(self, key: str, data: bytes) -> None: ...

    @abstractmethod
    def open(self, key: str) -> BinaryIO:
        """A readable binary stream (the caller closes it); FileNotFound if absent."""

    @abstractmethod
    def exists(self, key: str) -> bool: ...

    @abstractmethod
    def delete(self, key: str) -> bool:
        """True if something was deleted; deleting what is not there is not an error."""

    def get(self, key: str) -> bytes:
        with self.open(key) as stream:
            return stream.read()


class LocalFileStore(FileStore):
    """A folder: each key a file below `root`, written whole or not at all (temp file + rename)."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root).resolve()

    def _path(self, key: str) -> Path:
        check_key(key)
        path = (self.root / key).resolve()
        # Belt and braces beside the key's grammar: a symlink planted in the folder cannot lead out.
        if not path.is_relative_to(self.root) or path == self.root:
            raise UnsupportedFileType("文件标识无效", code=error_codes.INVALID_FILE_KEY)
        return path

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def open(self, key: str) -> BinaryIO:
        try:
            return self._path(key).open("rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise FileNotFound() from None

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> bool:
        path = self._path(key)
        try:
            path.unlink()
        except (FileNotFoundError, IsADirectoryError):
            return False
        return True


def check_key(key: str) -> str:
    if not isinstance(key, str) or not _KEY.fullmatch(key) or any(part in (".", "..") for part in key.split("/")):
        raise UnsupportedFileType("文件标识无效", code=error_codes.INVALID_FILE_KEY)
    return key


# --- the extension, and what the areas call ---------------------------------------------------------


class Files:
    def init_app(self, app: Flask) -> None:
        root = app.config.get("FILES_ROOT") or os.path.join(app.instance_path, "files")
        app.extensions[EXTENSION] = LocalFileStore(root)


files = Files()


def store() -> FileStore:
    return current_app.extensions[EXTENSION]


def save_upload(data: bytes, *, kind: str, prefix: str) -> StoredFile:
    """Check an upload (type from its bytes, size for its kind) and store it under a new key."""
    content_type = check_upload(data, kind)
    if kind == "photo":
        data = strip_metadata(data, content_type)
    key = new_key(prefix, KINDS[kind][content_type])
    store().put(key, data)
    return StoredFile(key, content_type, len(data), hashlib.sha256(data).hexdigest())


def strip_metadata(data: bytes, content_type: str) -> bytes:
    """The photo re-encoded without its metadata: EXIF (which may hold where and when it was
    taken, and the phone), XMP, PNG text chunks. EXIF's orientation is applied first, so the
    picture still stands the right way up."""
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as image:
        upright = ImageOps.exif_transpose(image)
        if upright.mode == "P":  # a palette would not come along with the pixels
            upright = upright.convert("RGBA")
        clean = Image.new(upright.mode, upright.size)
        clean.paste(upright)  # pixels only: a new image carries no info, exif or icc of the old
        out = io.BytesIO()
        if content_type == "image/jpeg":
            clean.save(out, format="JPEG", quality=90, optimize=True)
        else:
            clean.save(out, format="PNG", optimize=True)
    return out.getvalue()


def new_key(prefix: str, extension: str) -> str:
    today = clock.today()
    return check_key(f"{prefix}/{today:%Y}/{today:%m}/{secrets.token_hex(16)}.{extension}")


def check_upload(data: bytes, kind: str) -> str:
    """The upload's content type if it is an allowed, well-formed file of this kind."""
    if kind not in KINDS:
        raise ValueError(f"unknown file kind {kind!r}")
    limit = current_app.config["FILES_MAX_BYTES"][kind]
    if len(data) > limit:
        raise FileTooLarge(f"文件过大：不能超过 {limit // (1024 * 1024)} MB")
    if not data:
        raise UnsupportedFileType("文件为空")
    content_type = sniff(data)
    if content_type not in KINDS[kind] or not _well_formed(data, content_type):
        raise UnsupportedFileType(f"不支持的文件类型：只接受{KIND_NAMES[kind]}")
    return content_type


def sniff(data: bytes) -> str | None:
    """The content type the bytes say they are (None if unknown)."""
    guess = filetype.guess(data)
    return guess.mime if guess else None


def _well_formed(data: bytes, content_type: str) -> bool:
    """More than the first bytes: a polyglot or a truncated file is not what it claims."""
    if content_type in ("image/jpeg", "image/png"):
        from PIL import Image

        try:
            with Image.open(io.BytesIO(data)) as image:
                image.verify()
                return image.format in ("JPEG", "PNG")
        except Exception:  # Pillow raises many kinds for a broken image
            return False
    if content_type == "application/pdf":
        return data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]
    if content_type.endswith("wordprocessingml.document"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as package:
                names = set(package.namelist())
        except zipfile.BadZipFile:
            return False
        return {"[Content_Types].xml", "word/document.xml"} <= names
    return content_type == "application/msword"  # OLE2 with Word's stream, as filetype checked
