from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The load benchmark's tooling (`manage.py generate_load_data`).

    Installed only by the benchmark settings (bench/settings.py) and the test settings
    (tests/settings.py): a production deployment has no command that fills its database
    with generated people and a password the benchmark knows.
    """

    name = "bench"
    verbose_name = "Benchmark tooling"
