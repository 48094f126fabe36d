"""Sign rendering over HTTP: one sign PDF (target: median ≤ 300 ms), its PNG preview, and the
whole city's batch of 350 signs (target: ≤ 60 s, server peak memory under 300 MB)."""

from __future__ import annotations

import statistics
import time

import requests

from bench import import_stations, settings
from bench.server import Server

CITY_STATIONS = 350
SINGLE_RUNS = 30


def _sizes() -> tuple[int, int]:
    """(stations in the city batch, single-sign runs)."""
    return (40, 5) if settings.quick() else (CITY_STATIONS, SINGLE_RUNS)


def _seed_city(server: Server, token: str) -> list[str]:
    rows = import_stations.make_rows(_sizes()[0], seed=11, first_number=6000)
    r = requests.post(
        f"{server.base_url}/api/staff/v1/stations/import",
        headers={"Authorization": f"Bearer {token}"},
        files={"file": ("city.csv", import_stations.as_csv(rows))},
        timeout=120,
    )
    r.raise_for_status()
    return r.json()["codes"]


def _timed_get(server: Server, token: str, path: str, **params) -> tuple[float, requests.Response]:
    started = time.perf_counter()
    r = requests.get(f"{server.base_url}{path}", headers={"Authorization": f"Bearer {token}"}, params=params, timeout=300)
    elapsed = time.perf_counter() - started
    r.raise_for_status()
    return elapsed, r


def run(server: Server) -> list[dict]:
    token = server.login()
    codes = _seed_city(server, token)
    baseline = server.worker_peaks_mib()
    seconds, r = _timed_get(server, token, "/api/staff/v1/signs.pdf")
    batch_peak = max(server.worker_peaks_mib())
    single = [_timed_get(server, token, f"/api/staff/v1/stations/{codes[n % len(codes)]}/sign.pdf")[0] for n in range(_sizes()[1])]
    png = [_timed_get(server, token, f"/api/staff/v1/stations/{codes[n]}/sign.png")[0] for n in range(5)]
    return [
        {"what": f"sign PDF, one station (median of {_sizes()[1]})", "seconds": statistics.median(single), "target": 0.3},
        {"what": "sign PNG preview at 300 dpi (median of 5)", "seconds": statistics.median(png), "target": None},
        {
            "what": f"city batch PDF, {len(codes)} signs in one file (streamed; {len(r.content) / 1e6:.1f} MB)",
            "seconds": seconds,
            "target": 60.0,
            "note": f"serving worker peak {batch_peak:.0f} MiB (before: {max(baseline):.0f} MiB; target < 300 MiB)",
            "memory_ok": batch_peak < 300,
        },
    ]
