"""The test settings: the app's own, plus the `bench` app whose load generator the tests
exercise (tests/test_generate_load_data.py, tests/test_indexes.py).

Production settings (intervy.settings) do not install it; child processes that test
production behaviour set DJANGO_SETTINGS_MODULE=intervy.settings themselves
(tests/production_env.py).
"""

from intervy.settings import *  # noqa: F403
from intervy.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
