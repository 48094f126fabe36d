"""The demo's problem loop (README "Problem reports"): a few workers' reports at the demo
stations over the last weeks — fixed in time, fixed late, one overdue, one "locked" still open
(so nearby warns of it) — two spot checks failed at one station (flagged for review) and one
passed, and supplies with an expired and an expiring item. Through the services, as people would."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from app.accounts.actor import CLI_ACTOR
from app.accounts.worker_models import Worker
from app.core import clock
from app.extensions import db
from app.keepers.models import StationKeeper
from app.problems import loop, reporting
from app.reference import data as ref
from app.spot_checks import service as spot_checks
from app.supplies import service as supplies

# (days ago reported, kind, hours to fix or None, confirmed)
TICKETS = (
    (20, "no_water", 6, True),
    (15, "toilet", 70, True),
    (9, "dirty", 20, False),
    (6, "first_aid", None, False),  # 72 h passed: overdue
    (0, "locked", None, False),  # reported an hour ago: the station warns of it
)


def load_loop(keepers: dict[str, StationKeeper], worker_ids: list[int], now: datetime, rnd: random.Random) -> dict:
    codes = sorted(keepers)[: len(TICKETS)]
    tickets = 0
    for (days, kind, fix_hours, confirmed), code in zip(TICKETS, codes, strict=False):
        at = now - timedelta(days=days, hours=1)
        ticket = reporting.report(db.session.get(Worker, rnd.choice(worker_ids)), code, kind=kind, at=at)
        tickets += 1
        if fix_hours is not None:
            loop.mark_fixed(keepers[code], ticket.id, "已处理", at=at + timedelta(hours=fix_hours))
            if confirmed:
                loop.confirm(CLI_ACTOR, ticket.id, "现场核实已解决")
    checks = _spot_checks(codes, now)
    items = _supplies(keepers, codes)
    return {"tickets": tickets, "spot_checks": checks, "supplies": items}


def _spot_checks(codes: list[str], now: datetime) -> int:
    six = [{"item": item, "passed": True} for item in ref.codes(ref.SIX_HAS_ITEMS)]
    checks = [(codes[0], "fail", 30), (codes[0], "fail", 3), (codes[1], "pass", 10)] if len(codes) > 1 else []
    for code, verdict, days in checks:
        data = {
            "open_as_posted": verdict == "pass", "six_has": six, "supplies_in_date": True, "clean": verdict == "pass",
            "verdict": verdict, "note": "暗访时未按公示时间开放" if verdict == "fail" else None,
            "checked_at": now - timedelta(days=days),
        }  # fmt: skip
        spot_checks.record(CLI_ACTOR, code, data)
    return len(checks)


def _supplies(keepers: dict[str, StationKeeper], codes: list[str]) -> int:
    today = clock.today()
    items = [("急救包", 200), ("藿香正气水", 5), ("防晒霜", -3)]
    for code in codes[:3]:
        for name, days in items:
            supplies.add(keepers[code], {"name": name, "quantity": 2, "expires_on": today + timedelta(days=days)})
    return 3 * len(items) if len(codes) >= 3 else len(codes) * len(items)
