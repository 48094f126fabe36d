"""Print the API's OpenAPI document (what /api/openapi.json serves), built from the app itself:
`python scripts/dump_openapi.py > openapi.json`. The mini-program's types are generated from it
(miniprogram/scripts/gen-types.js)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app


def main() -> None:
    # Never connected: the document needs no database.
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://root@127.0.0.1:1/none"})
    with app.app_context():
        spec = app.spec
    json.dump(spec, sys.stdout, ensure_ascii=False, indent=2, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
