"""`flask reports …`: the staff reports from the command line (rollup checks, the quarterly form)."""

from __future__ import annotations

from flask.cli import AppGroup

reports = AppGroup("reports", help="统计报表：服务人次、季度报表、质效评估")
