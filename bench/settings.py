"""Benchmark settings: the app's own settings, plus the bare view at /bench/bare/ and the
framework ceiling at /bench/framework/ (served without middleware by bench/wsgi.py).

Everything else (DEBUG, SECRET_KEY, hosts, database) comes from the environment that
bench/run.py sets, so the app under load runs exactly as it does in production.
"""

from intervy.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
