"""Load from `wrk` (Debian's package): throughput, latency percentiles and errors."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

# Appended to every script: wrk's own summary of non-2xx answers and socket errors, as one line.
_DONE = """
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("YIZHAN non2xx=%d connect=%d read=%d write=%d timeout=%d\\n",
    e.status, e.connect, e.read, e.write, e.timeout))
end
"""


@dataclass
class LoadResult:
    what: str
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int
    note: str = ""


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run(what: str, url: str, script: str = "", seconds: int = 15, connections: int = 16, threads: int = 2, timeout: int = 2) -> LoadResult:
    """timeout: seconds before wrk counts a request as an error (wrk's default: 2)."""
    if not shutil.which("wrk"):
        raise RuntimeError("wrk is missing: apt-get install wrk (make bench installs it)")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script + _DONE)
    try:
        out = subprocess.run(
            [
                "wrk",
                "-t",
                str(threads),
                "-c",
                str(connections),
                "-d",
                f"{seconds}s",
                "--timeout",
                f"{timeout}s",
                "--latency",
                "-s",
                lua.name,
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        Path(lua.name).unlink()
    latency = dict(re.findall(r"^\s+(50|99)(?:\.0+)?%\s+(\S+)", out, re.M))
    errors = sum(int(n) for n in re.findall(r"(?:non2xx|connect|read|write|timeout)=(\d+)", out))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    return LoadResult(
        what=what,
        requests_per_s=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        p50_ms=_ms(latency["50"]),
        p99_ms=_ms(latency["99"]),
        errors=errors,
        requests=total,
    )
