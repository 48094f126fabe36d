#!/bin/sh
# Run a command, and every process it starts, with the machine's clock moved to a UTC time (it
# keeps advancing), using Debian's faketime:
#   scripts/at_hour.sh '2026-12-03 16:30:00' .venv/bin/pytest -x -q -p no:cacheprovider
# A fixed offset (not faketime's "@start" form) so that child processes (gunicorn, the fake
# WeChat server) share the parent's clock instead of each starting at the given time.
# The real monotonic clock is kept (faking it hangs Python's timed waits: libfaketime #390), and
# scripts/faketime/sitecustomize.py works around libfaketime 0.9.10's broken monotonic
# clock_nanosleep (#426), which Python 3.11's time.sleep uses. PostgreSQL and Redis keep the real
# time: the product never asks them for it. tests/faults' redis-server and tests/e2e's Chromium
# (the user's browser) are started without faketime: neither can start under libfaketime 0.9.10.
set -eu
target=$1
shift
offset=$(($(date -u -d "$target UTC" +%s) - $(date +%s)))
here=$(cd "$(dirname "$0")" && pwd)
exec env TZ=UTC FAKETIME_DONT_FAKE_MONOTONIC=1 PYTHONPATH="$here/faketime${PYTHONPATH:+:$PYTHONPATH}" \
    faketime -f "$(printf '%+d' "$offset")s" "$@"
