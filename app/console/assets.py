"""Browser libraries from the npm registry (package.json, installed by `make install` with
`npm ci`, never committed, never from a CDN): served from node_modules by name."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import abort, send_file

from app.console import bp

log = logging.getLogger(__name__)
NODE_MODULES = Path(__file__).resolve().parents[2] / "node_modules"
VENDOR_FILES = {
    "echarts.min.js": "echarts/dist/echarts.min.js",
    "leaflet.js": "leaflet/dist/leaflet.js",
    "leaflet.css": "leaflet/dist/leaflet.css",
}


@bp.get("/vendor/<name>")
def vendor(name: str):
    relative = VENDOR_FILES.get(name)
    if relative is None:
        abort(404)
    path = NODE_MODULES / relative
    if not path.is_file():
        log.error("console asset %s missing: run `make install` (npm ci) to install node_modules", relative)
        abort(404)
    return send_file(path, max_age=24 * 3600)
