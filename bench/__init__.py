"""The load benchmark: `make bench` (bench/run.py), its settings and its bare view."""
