"""`make bench`: run every benchmark against the app under gunicorn on PostgreSQL and Redis,
print a table and write bench/RESULTS.md with the machine's description."""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import tempfile
import time
from pathlib import Path

from app.core import clock
from bench import checkins, claims, hot_paths, import_stations, nearby, reports, settings, signs
from bench.server import ROOT, running_app

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
QUICK_RESULTS = ROOT / "artifacts" / "bench-quick.md"  # a smoke run's figures are no results


def machine() -> str:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
        platform.processor(),
    )
    mem_kib = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")))
    pg = subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout.strip()
    redis = subprocess.run(["redis-server", "--version"], capture_output=True, text=True).stdout.split(" sha")[0]
    return f"{os.cpu_count()} cores ({cpu}), {mem_kib / 1024 / 1024:.0f} GiB memory; Python {platform.python_version()}; {pg}; {redis}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small data sets, 3 s load runs: a smoke run (also BENCH_QUICK=1)")
    if parser.parse_args(argv).quick:
        os.environ["BENCH_QUICK"] = "1"
    started = time.perf_counter()
    # bench.naive:app is the app as wsgi.py makes it plus the naive check-in the load runs compare with.
    with running_app(env={"YIZHAN_CHECKIN_LIMIT_PER_IP": "100000000 per minute"}, wsgi="bench.naive:app") as server:
        rows = signs.run(server)  # first, so the workers' peak memory is the batch's own
        rows += import_stations.run(server)
        with tempfile.TemporaryDirectory() as tmpdir:
            loads = checkins.run(server, tmpdir)
            loads += claims.run(server, tmpdir)
            checkin_spent = checkins.where_time_goes(server, tmpdir)
        geo_rows, geo_loads, nearby_spent = nearby.run(server)  # last: its 190,000 stations would slow the others
        rows += geo_rows
        loads += geo_loads
        peak = server.peak_rss_mib()
    # The reports on their own server and kept database (10,000,000 visits, loaded once).
    report_rows, report_loads, report_peak, report_profile = reports.run()
    rows += report_rows
    elapsed = time.perf_counter() - started
    table = ["| benchmark | seconds | target | met | note |", "| --- | ---: | ---: | :---: | --- |"]
    for r in rows:
        target = f"≤ {r['target']:g} s" if r["target"] else "—"
        if "ratio_ok" in r:
            target, met = "≥ 20× faster", {True: "yes", False: "NO", None: "—"}[r["ratio_ok"]]
        else:
            met = "—" if not r["target"] else ("yes" if r["seconds"] <= r["target"] and r.get("memory_ok", True) else "NO")
        table.append(f"| {r['what']} | {r['seconds']:.3f} | {target} | {met} | {r.get('note', '')} |")
    hello = loads[0].requests_per_s
    load_table = [
        "| endpoint under load (16 connections unless said) | requests/s | ratio to hello world (its server's)"
        " | p50 ms | p99 ms | errors | note |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r, base in [(r, hello) for r in loads] + [(r, report_loads[0].requests_per_s) for r in report_loads]:
        ratio = r.requests_per_s / base
        load_table.append(f"| {r.what} | {r.requests_per_s:.0f} | {ratio:.3f} | {r.p50_ms:.1f} | {r.p99_ms:.1f} | {r.errors} | {r.note} |")
    mode = "`make bench-quick` (QUICK MODE: small data, 3 s load runs; a smoke run, not results)" if settings.quick() else "`make bench`"
    text = "\n".join(
        [
            "# Benchmark results",
            "",
            f"Run {clock.now():%Y-%m-%d %H:%M} UTC by {mode} on: {machine()}; {elapsed / 60:.1f} minutes in all.",
            "The app ran under gunicorn (production configuration, 2 workers × 4 threads) on PostgreSQL and Redis on the same machine;",
            "requests went over HTTP on loopback. The reports ran on a second gunicorn over their own kept database",
            "(bench/visits_data.py); its rows' ratios are to that server's own hello world, measured in the same run.",
            "",
            *table,
            "",
            *load_table,
            "",
            f"Server peak memory (VmHWM, master + workers): {peak:.0f} MiB; the reports' server: {report_peak:.0f} MiB.",
            "",
            "Where a hot path's CPU goes (bench/hot_paths.py: the app in the bench process on the same database and Redis,"
            " one request at a time through Flask's test client, each in its own request context, so without HTTP or gunicorn;"
            " endpoints interleaved round by round with hello world; CPU attributed by SIGPROF sampling):",
            "",
            *[hot_paths.describe(label, s, target) for (label, s), target in zip(checkin_spent, (None, 5, 6), strict=True)],
            *[hot_paths.describe(label, s, target) for (label, s), target in zip(nearby_spent, (None, 8), strict=True)],
            "",
            "Where the reports' time goes (one in-process run on the reports' database, after a warm-up):",
            "",
            *report_profile,
            "",
        ]
    )
    out = QUICK_RESULTS if settings.quick() else RESULTS
    out.parent.mkdir(exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(text)
    print(f"written to {out}")
    failed = [r.what for r in loads + report_loads if r.errors]
    if failed:  # a benchmark that only measured refusals measured nothing
        raise SystemExit(f"errors under load in: {', '.join(failed)}")


if __name__ == "__main__":
    main()
