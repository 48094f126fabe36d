"""The bench's two modes: the full run (`make bench`, `python -m bench.run`) and a quick smoke run
(`make bench-quick`, `python -m bench.run --quick` or BENCH_QUICK=1): small data sets and short
load runs, about a minute in all. Read when used, not at import, so `--quick` can set it."""

from __future__ import annotations

import os


def quick() -> bool:
    return os.environ.get("BENCH_QUICK", "") not in ("", "0")


def seconds() -> int:
    """Each load run's length."""
    return int(os.environ.get("YIZHAN_BENCH_SECONDS") or (3 if quick() else 15))
