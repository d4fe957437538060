"""Benchmark settings: the app's own settings, plus the bare view at /bench/bare/ and the
framework ceiling at /bench/framework/ (served without middleware by bench/wsgi.py), and
the `bench` app with the load generator (`manage.py generate_load_data`).

Everything else (DEBUG, SECRET_KEY, hosts, database) comes from the environment that
bench/run.py sets, so the app under load runs exactly as it does in production.
"""

from intervy.settings import *  # noqa: F403
from intervy.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]

ROOT_URLCONF = "bench.urls"
