#!/usr/bin/env bash
# `make run`: gunicorn on the app, and, unless YIZHAN_WECHAT_API_BASE points elsewhere, the local fake
# WeChat server beside it. Ctrl-C or a TERM stops both (and then scripts/with_postgres.sh stops
# the private PostgreSQL it started, if any).
set -euo pipefail
BIN=.venv/bin
pids=()
stop() { [ "${#pids[@]}" -eq 0 ] || kill -TERM "${pids[@]}" 2>/dev/null || true; }
trap stop EXIT INT TERM
if [ -z "${YIZHAN_WECHAT_API_BASE:-}" ] && [ "${YIZHAN_ENV:-development}" != production ]; then
  # WeChat DevTools' own wx.login codes sign in as the demo worker (README: "Demo worker and
  # keeper in WeChat DevTools"); FAKE_WECHAT_DEVTOOLS_OPENID=o-demo-keeper starts as the keeper.
  "$BIN/flask" wechat fake --host 127.0.0.1 --port "${FAKE_WECHAT_PORT:-8100}" --quiet \
    --devtools-openid "${FAKE_WECHAT_DEVTOOLS_OPENID:-o-demo-worker}" &
  pids+=("$!")
  export YIZHAN_WECHAT_API_BASE="http://127.0.0.1:${FAKE_WECHAT_PORT:-8100}/"
  echo "fake WeChat API on $YIZHAN_WECHAT_API_BASE (mint login codes at ${YIZHAN_WECHAT_API_BASE}__control/codes)"
fi
# The background-job worker (app/core/jobs, README "Background jobs") beside gunicorn, stopped with it.
"$BIN/flask" jobs worker &
pids+=("$!")
"$BIN/gunicorn" -c gunicorn.conf.py wsgi:app &
gunicorn=$!
pids+=("$gunicorn")
status=0
wait "$gunicorn" || status=$?
while kill -0 "$gunicorn" 2>/dev/null; do  # interrupted: gunicorn is shutting down
  wait "$gunicorn" || status=$?
done
exit "$status"
