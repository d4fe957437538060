"""`python -m intervy.healthcheck`: exit 0 when the local app answers /healthz.

For container HEALTHCHECKs: the slim image has no curl, and the probe must send a Host the
app accepts (the first of ALLOWED_HOSTS), or Django would refuse it with a 400.
"""

from __future__ import annotations

import http.client
import os
import sys


def probe_host(allowed_hosts: str) -> str:
    first = next((host.strip() for host in allowed_hosts.split(",") if host.strip()), "")
    if not first or first == "*":
        return "localhost"
    return first.lstrip(".")  # ".example.com" allows example.com and its subdomains


def main() -> int:
    port = int(os.environ.get("PORT", "8000"))
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=3)
    try:
        connection.request(
            "GET", "/healthz", headers={"Host": probe_host(os.environ.get("ALLOWED_HOSTS", ""))}
        )
        status = connection.getresponse().status
    except OSError as error:
        print(f"healthcheck: {error}", file=sys.stderr)
        return 1
    finally:
        connection.close()
    return 0 if status == 200 else 1


if __name__ == "__main__":
    sys.exit(main())
