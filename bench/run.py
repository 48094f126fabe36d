"""`make bench`: run every benchmark against the app under gunicorn on PostgreSQL and Redis,
print a table and write bench/RESULTS.md with the machine's description."""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
import tempfile
from pathlib import Path

from bench import checkins, import_stations, nearby, signs
from bench.server import running_app

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def machine() -> str:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
        platform.processor(),
    )
    mem_kib = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")))
    pg = subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout.strip()
    redis = subprocess.run(["redis-server", "--version"], capture_output=True, text=True).stdout.split(" sha")[0]
    return f"{os.cpu_count()} cores ({cpu}), {mem_kib / 1024 / 1024:.0f} GiB memory; Python {platform.python_version()}; {pg}; {redis}"


def main() -> None:
    with running_app(env={"YIZHAN_CHECKIN_LIMIT_PER_IP": "100000000 per minute"}) as server:
        rows = signs.run(server)  # first, so the workers' peak memory is the batch's own
        rows += import_stations.run(server)
        with tempfile.TemporaryDirectory() as tmpdir:
            loads = checkins.run(server, tmpdir)
        geo_rows, geo_loads = nearby.run(server)  # last: its 190,000 stations would slow the others
        rows += geo_rows
        loads += geo_loads
        peak = server.peak_rss_mib()
    table = ["| benchmark | seconds | target | met | note |", "| --- | ---: | ---: | :---: | --- |"]
    for r in rows:
        target = f"≤ {r['target']:g} s" if r["target"] else "—"
        met = "—" if not r["target"] else ("yes" if r["seconds"] <= r["target"] and r.get("memory_ok", True) else "NO")
        table.append(f"| {r['what']} | {r['seconds']:.3f} | {target} | {met} | {r.get('note', '')} |")
    hello = loads[0].requests_per_s
    load_table = [
        "| endpoint under load (16 connections unless said) | requests/s | ratio to hello world | p50 ms | p99 ms | errors | note |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in loads:
        ratio = r.requests_per_s / hello
        load_table.append(f"| {r.what} | {r.requests_per_s:.0f} | {ratio:.3f} | {r.p50_ms:.1f} | {r.p99_ms:.1f} | {r.errors} | {r.note} |")
    text = "\n".join(
        [
            "# Benchmark results",
            "",
            f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC by `make bench` on: {machine()}.",
            "The app ran under gunicorn (production configuration, 2 workers × 4 threads) on PostgreSQL and Redis on the same machine;",
            "requests went over HTTP on loopback.",
            "",
            *table,
            "",
            *load_table,
            "",
            f"Server peak memory (VmHWM, master + workers): {peak:.0f} MiB.",
            "",
        ]
    )
    RESULTS.write_text(text, encoding="utf-8")
    print(text)
    failed = [r.what for r in loads if r.errors]
    if failed:  # a benchmark that only measured refusals measured nothing
        raise SystemExit(f"errors under load in: {', '.join(failed)}")


if __name__ == "__main__":
    main()
