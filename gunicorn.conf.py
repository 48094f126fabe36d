"""gunicorn settings for `make run` and production (`gunicorn -c gunicorn.conf.py wsgi:app`)."""

import multiprocessing
import os

bind = os.environ.get("YIZHAN_BIND", "127.0.0.1:8000")
# Without Redis, rate limits and caches live in the process: one worker keeps them whole.
# With Redis every worker shares them, so use the cores.
shared = bool(os.environ.get("YIZHAN_REDIS_URL"))
workers = int(os.environ.get("WEB_CONCURRENCY", 0)) or (min(2 * multiprocessing.cpu_count() + 1, 9) if shared else 1)
threads = int(os.environ.get("YIZHAN_THREADS", 4))
# gunicorn's own refusals (request line or header over its limits) answer in the API's JSON error
# shape; the limits stay gunicorn's defaults (4094-byte request line, 8190-byte header field).
worker_class = "app.gunicorn_worker.JsonThreadWorker" if threads > 1 else "app.gunicorn_worker.JsonSyncWorker"
timeout = 30
graceful_timeout = 10
accesslog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
