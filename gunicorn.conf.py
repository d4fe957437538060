"""Gunicorn settings for production: `gunicorn -c gunicorn.conf.py intervy.wsgi`.

Everything here can be tuned from the environment (PORT, WEB_CONCURRENCY, ...), so the
same file serves a container, a VM and a platform that injects $PORT.
"""

import os
import shutil

# Listen on every interface inside a container; a platform may choose the port.
bind = os.environ.get("GUNICORN_BIND") or f"0.0.0.0:{os.environ.get('PORT', '8000')}"

# LOOPBACK_HTTP (make run) drops HTTPS: only ever on the loopback interface.
_loopback_http = os.environ.get("LOOPBACK_HTTP", "").strip().lower() in {"1", "true", "yes", "on"}
if _loopback_http and not bind.startswith(("127.", "[::1]:", "localhost:")):
    raise SystemExit(f"LOOPBACK_HTTP serves plain HTTP on 127.0.0.1 only, not on {bind}")

# Sync workers: the app's requests are short and database-bound, and CONN_MAX_AGE keeps
# one connection per worker. One worker per CPU unless told otherwise.
workers = int(os.environ.get("WEB_CONCURRENCY") or os.cpu_count() or 2)
# GUNICORN_THREADS > 1: threaded workers (gthread), each thread with its own connection.
threads = int(os.environ.get("GUNICORN_THREADS") or 1)
worker_class = "gthread" if threads > 1 else "sync"

# A request that runs longer than this is stuck; on SIGTERM let in-flight requests finish.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5

# Each worker imports the app itself: a code reload (SIGHUP) picks up new code, and no
# database connection is shared across a fork.
preload_app = False

# The app writes its own JSON access line per request (intervy/middleware.py) to stdout.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# Refuse absurd request lines and headers before they reach Django.
limit_request_line = 8190
limit_request_fields = 100

# Only trust X-Forwarded-* from these proxy addresses (gunicorn's own default is
# localhost); Django reads X-Forwarded-Proto itself when PROXY_COUNT is set.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# No runtime control socket: nothing here uses it, and it needs a writable home.
control_socket_disable = True

# Prometheus across workers: with PROMETHEUS_MULTIPROC_DIR set, each worker writes its
# samples there and /metrics adds them up (intervy/metrics.py).
_METRICS_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")


def on_starting(server):
    if _METRICS_DIR:
        # Samples of a previous run would otherwise be added to this one's.
        shutil.rmtree(_METRICS_DIR, ignore_errors=True)
        os.makedirs(_METRICS_DIR, exist_ok=True)


def post_worker_init(worker):
    # Import the URLconf and build its reverse table now, before the worker takes a request:
    # the first request of a fresh worker otherwise pays for importing every view module
    # (the API's schemas included), a second or more on a busy machine.
    from django.urls import reverse

    reverse("healthz")


def child_exit(server, worker):
    if _METRICS_DIR:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
