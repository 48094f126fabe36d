#!/usr/bin/env bash
# Runs a command against the database: YIZHAN_DATABASE_URL as given, or else the private PostgreSQL
# cluster in instance/postgres (scripts/private_postgres.py), started for the command and stopped
# when it ends, however it ends (Ctrl-C included).
set -uo pipefail
PY=.venv/bin/python
if [ -n "${YIZHAN_DATABASE_URL:-}" ]; then
  exec "$@"
fi
YIZHAN_DATABASE_URL=$("$PY" scripts/private_postgres.py start) || { echo "could not start the private PostgreSQL (see instance/postgres/log)" >&2; exit 1; }
export YIZHAN_DATABASE_URL
echo "private PostgreSQL: $YIZHAN_DATABASE_URL" >&2
"$@" &
child=$!
trap 'kill -TERM "$child" 2>/dev/null' INT TERM
status=0
wait "$child" || status=$?
while kill -0 "$child" 2>/dev/null; do  # interrupted: let the command finish first
  wait "$child" || status=$?
done
"$PY" scripts/private_postgres.py stop
exit "$status"
