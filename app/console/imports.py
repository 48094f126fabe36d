"""Bulk import: upload a CSV/XLSX, see every row error in a table, or (when the file is good)
what it would do, then confirm. The check is the import itself in dry-run mode; the confirmed
import checks the file again, so nothing changed in between slips through."""

from __future__ import annotations

import io

from flask import flash, redirect, render_template, request, url_for
from marshmallow import ValidationError

from app.console import bp
from app.console.common import actor
from app.core.downloads import download
from app.core.errors import DomainError, InvalidInput
from app.registry import import_staging, station_import
from app.registry.schemas import TemplateQuery


def _page(status: int = 200, **context):
    context.setdefault("errors", [])
    return render_template("console/import.html", **context), status


@bp.get("/import")
def import_form():
    return _page()


def _run(filename: str, content: bytes, *, dry_run: bool):
    """(result, None) or (None, the refusal with its row errors)."""
    try:
        return station_import.import_stations(actor(), filename, io.BytesIO(content), dry_run=dry_run), None
    except DomainError as error:
        return None, error


@bp.post("/import")
def import_check():
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _page(422, problem="请选择要上传的 CSV 或 XLSX 文件")
    content = upload.read()
    result, error = _run(upload.filename, content, dry_run=True)
    if error is not None:
        errors = (error.details or {}).get("errors", []) if isinstance(error, InvalidInput) else []
        return _page(422, problem=error.message, errors=errors, filename=upload.filename)
    token = import_staging.stage(actor(), upload.filename, content)
    return _page(result=result, token=token, filename=upload.filename)


@bp.post("/import/confirm")
def import_confirm():
    filename, content = import_staging.staged(actor(), request.form.get("token", ""))
    result, error = _run(filename, content, dry_run=False)
    if error is not None:
        errors = (error.details or {}).get("errors", []) if isinstance(error, InvalidInput) else []
        return _page(422, problem=error.message, errors=errors, filename=filename)
    flash(f"已导入 {filename}：新增 {result['created']} 个，更新 {result['updated']} 个，未变 {result['unchanged']} 个", "success")
    return redirect(url_for("console.station_list"))


@bp.get("/import/template.<fmt>")
def import_template(fmt: str):
    try:
        query = TemplateQuery().load({"format": fmt})
    except ValidationError:
        return redirect(url_for("console.import_form"))
    content, mimetype, filename = station_import.template(query["format"])
    return download(content, mimetype, filename)
