"""The load benchmark: `make bench` (bench/run.py), its settings, its bare view, and the
Django app holding the load generator (`manage.py generate_load_data`), which only the
benchmark and test settings install."""
