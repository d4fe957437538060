"""Print the list pages' query plans on the benchmark database: `python bench/explain.py`.

Shows, at benchmark size and with the planner's free choice, which indexes each list
page's query uses, any sequential scan over a big table, and the execution time.
`--quick` reads the quick benchmark's database instead.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from bench.run import app_environment, bench_database_url  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    os.environ.update(app_environment(bench_database_url(args.quick)))
    import django

    django.setup()
    from bench.management.commands.generate_load_data import read_marker
    from bench.queries import index_report

    marker = read_marker()
    if marker is None:
        print("The benchmark database holds no generated data; run `make bench` first.")
        return 1
    report = index_report(marker["fixtures"])
    print(json.dumps(report, indent=2))
    return 1 if any(row["seq_scans"] for row in report.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
