"""The web container's health check: GET /healthz from the local gunicorn, as an allowed host.

Django answers 400 to a Host header that is not in ALLOWED_HOSTS, and in production that list holds the
portal's public name, not 127.0.0.1, so the probe sends the first allowed host name. The port is the one
gunicorn.conf.py binds (GUNICORN_BIND, default 8000). Exit status 0 when /healthz answers 200 (database and
cache reachable), 1 otherwise.
"""

import os
import sys
import urllib.error
import urllib.request


def main() -> int:
    port = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000").rpartition(":")[2]
    hosts = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
    # ".example.org" allows example.org and its subdomains; "*" allows any name.
    host = (hosts[0].lstrip("*.") if hosts else "") or "localhost"
    request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz", headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (loopback only)
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except OSError as error:
        print(f"healthcheck: {error}", file=sys.stderr)
        return 1
    if status != 200:
        print(f"healthcheck: /healthz answered {status}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
