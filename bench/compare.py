"""Two `make bench` results side by side: `python bench/compare.py BEFORE.json AFTER.json`.

Prints, for every endpoint in both, req/s, app CPU per request and `ratio_to_framework` before
and after, and flags any endpoint whose ratio to the framework ceiling fell by more than 10 %
(issue 10, item 3). Exit status 1 when one did.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ALLOWED_DROP = 0.10


def main(before_path: str, after_path: str) -> int:
    before = json.loads(Path(before_path).read_text())["endpoints"]
    after = json.loads(Path(after_path).read_text())["endpoints"]
    print(
        "| endpoint | req/s before | req/s after | CPU ms/req before | CPU ms/req after "
        "| ratio to framework before | after | change |"
    )
    print("|---|--:|--:|--:|--:|--:|--:|--:|")
    dropped = []
    for name, old in before.items():
        new = after.get(name)
        if new is None or "ratio_to_framework" not in old or "ratio_to_framework" not in new:
            continue
        change = new["ratio_to_framework"] / old["ratio_to_framework"] - 1
        flag = " **dropped**" if change < -ALLOWED_DROP else ""
        if flag:
            dropped.append(name)
        print(
            f"| {name} | {old['rps']:.0f} | {new['rps']:.0f} "
            f"| {old.get('app_cpu_ms_per_request', '')} | {new.get('app_cpu_ms_per_request', '')} "
            f"| {old['ratio_to_framework']:.3f} | {new['ratio_to_framework']:.3f} "
            f"| {change:+.1%}{flag} |"
        )
    if dropped:
        print(f"\nratio_to_framework fell by more than 10 %: {', '.join(dropped)}")
    return 1 if dropped else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
