#!/usr/bin/env bash
# `make scale-check`: two gunicorn app servers (separate processes, separate ports) and the
# worker on one PostgreSQL, behind HAProxy (Debian's package), round-robin, no stickiness.
# Then deploy/journey.py checks, through the proxy, what must hold with several servers:
# sessions, autosave, sign-out, the sign-in throttle and the admin's pack upload.
# The database is a fresh one (intervy_scale_check) on DATABASE_URL's server, dropped after.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="$PWD/.venv/bin/python"
began=$SECONDS
step() { echo "[scale-check $(date +%H:%M:%S)] $*"; }
: "${DATABASE_URL:?DATABASE_URL must name a PostgreSQL server (make scale-check sets it)}"

if ! command -v haproxy >/dev/null; then
  if [ "$(id -u)" != 0 ]; then echo "HAProxy is needed: apt-get install haproxy" >&2; exit 1; fi
  step "installing HAProxy (apt-get)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >/dev/null
fi

SERVER_URL="$DATABASE_URL"
export SERVER_URL
WORK="$(mktemp -d /tmp/intervy-scale-check.XXXXXX)"
pids=()
DB_NAME=intervy_scale_check
# shellcheck disable=SC2016
SCALE_URL="$("$PY" - "$DB_NAME" <<'PYEOF'
import os, sys
from urllib.parse import urlparse, urlunparse
parts = urlparse(os.environ["DATABASE_URL"])
print(urlunparse(parts._replace(path="/" + sys.argv[1])))
PYEOF
)"
database() {  # create | drop
  "$PY" - "$1" "$DB_NAME" <<'PYEOF'
import os, sys
import psycopg
from psycopg import sql
action, name = sys.argv[1:]
with psycopg.connect(os.environ["SERVER_URL"], autocommit=True) as db:
    db.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    if action == "create":
        db.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
PYEOF
}
cleanup() {
  status=$?
  step "stopping the proxy, the app servers and the worker"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  database drop || true
  rm -rf "$WORK"
  step "done in $((SECONDS - began)) s"
  exit $status
}
trap cleanup EXIT INT TERM

free_port() { "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PORT_A="$(free_port)"; PORT_B="$(free_port)"; PROXY="$(free_port)"; PROXY_A="$(free_port)"; PROXY_B="$(free_port)"
PASSWORD="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(18))')"
export DEBUG=0 SECRET_KEY="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')"
export ALLOWED_HOSTS=127.0.0.1,localhost PROXY_COUNT=1 SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0
export SECURE_HSTS_SECONDS=0 STATIC_ROOT="$WORK/static" DEMO_PASSWORD="$PASSWORD" WEB_CONCURRENCY=2
export LOG_LEVEL=WARNING
# Optional: through PgBouncer in transaction mode, prepared statements must be off.
if [ -n "${DB_PREPARED_STATEMENTS:-}" ]; then export DB_PREPARED_STATEMENTS; fi

step "a fresh database $DB_NAME, migrated, with the seed bank and the demo users"
database create
export DATABASE_URL="$SCALE_URL"
"$PY" manage.py migrate --no-input -v 0
"$PY" manage.py load_questions seeds/ >/dev/null
"$PY" manage.py seed_demo >/dev/null
"$PY" manage.py collectstatic --no-input -v 0

# Optional: the app servers reach PostgreSQL through PgBouncer in transaction mode (the
# migrations above went to PostgreSQL directly). Prepared statements are then off: this
# PgBouncer (Debian's) cannot keep them across the server connections it hands out.
if [ "${PGBOUNCER:-0}" = 1 ]; then
  if ! command -v pgbouncer >/dev/null; then
    step "installing PgBouncer (apt-get)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pgbouncer >/dev/null
  fi
  BOUNCER="$(free_port)"
  socket_or_host="$("$PY" - "$WORK/pgbouncer.ini" "$BOUNCER" <<'PYEOF'
import os, sys
from urllib.parse import parse_qs, unquote, urlparse
path, port = sys.argv[1:]
url = urlparse(os.environ["DATABASE_URL"])
host = parse_qs(url.query).get("host", [url.hostname or "127.0.0.1"])[0]
target = f"host={host} port={url.port or 5432} user={unquote(url.username or 'postgres')}"
if url.password:
    target += f" password={unquote(url.password)}"
name = unquote(url.path.lstrip("/"))
with open(path, "w") as ini:
    ini.write(
        f"[databases]\n{name} = {target} dbname={name}\n"
        f"[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        "auth_type = any\npool_mode = transaction\nmax_client_conn = 200\n"
        "default_pool_size = 8\nignore_startup_parameters = extra_float_digits,options\n"
    )
print(host)
PYEOF
)"
  chmod 755 "$WORK"; chmod 644 "$WORK/pgbouncer.ini"
  # PgBouncer refuses to run as root: as root, run it as the user who owns the server's
  # socket directory (the project-local server's own user), else as nobody.
  as_user=()
  if [ "$(id -u)" = 0 ]; then
    owner=nobody
    case "$socket_or_host" in /*) owner="$(stat -c %U "$socket_or_host")" ;; esac
    as_user=(-u "$owner")
  fi
  pgbouncer "${as_user[@]}" "$WORK/pgbouncer.ini" >"$WORK/pgbouncer.log" 2>&1 &
  pids+=($!)
  sleep 1
  kill -0 "${pids[-1]}" 2>/dev/null || { cat "$WORK/pgbouncer.log" >&2; exit 1; }
  export DATABASE_URL="postgresql://postgres@127.0.0.1:$BOUNCER/$DB_NAME"
  export DB_PREPARED_STATEMENTS=0 PG_RANDOM_PAGE_COST=
  step "PgBouncer (transaction mode) on 127.0.0.1:$BOUNCER; DB_PREPARED_STATEMENTS=0"
fi

for server in a b; do
  port=PORT_${server^^}
  step "app server $server: gunicorn on 127.0.0.1:${!port}"
  mkdir -p "$WORK/metrics-$server"
  GUNICORN_BIND="127.0.0.1:${!port}" PROMETHEUS_MULTIPROC_DIR="$WORK/metrics-$server" \
    "$PWD/.venv/bin/gunicorn" -c gunicorn.conf.py intervy.wsgi >"$WORK/app-$server.log" 2>&1 &
  pids+=($!)
done

step "the worker (python manage.py worker)"
"$PY" manage.py worker --no-reload >"$WORK/worker.log" 2>&1 &
pids+=($!)
sleep 3
kill -0 "${pids[-1]}" 2>/dev/null || { cat "$WORK/worker.log" >&2; echo "the worker did not start" >&2; exit 1; }
step "the worker is running (pid ${pids[-1]})"

cat > "$WORK/haproxy.cfg" <<CFG
global
    maxconn 512
defaults
    mode http
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    option forwardfor
    option httpchk GET /readyz
# Every answer names the server that gave it (X-Served-By), so the check sees the round-robin.
backend both
    http-response set-header X-Served-By %[srv_name]
    balance roundrobin
    server app-a 127.0.0.1:$PORT_A check inter 2s
    server app-b 127.0.0.1:$PORT_B check inter 2s
backend only-a
    http-response set-header X-Served-By %[srv_name]
    server app-a 127.0.0.1:$PORT_A check inter 2s
backend only-b
    http-response set-header X-Served-By %[srv_name]
    server app-b 127.0.0.1:$PORT_B check inter 2s
frontend round-robin
    bind 127.0.0.1:$PROXY
    default_backend both
    http-response set-header X-Served-By %[srv_name]
frontend through-a
    bind 127.0.0.1:$PROXY_A
    default_backend only-a
    http-response set-header X-Served-By %[srv_name]
frontend through-b
    bind 127.0.0.1:$PROXY_B
    default_backend only-b
    http-response set-header X-Served-By %[srv_name]
CFG
haproxy -c -q -f "$WORK/haproxy.cfg" || { haproxy -c -f "$WORK/haproxy.cfg"; exit 1; }
step "HAProxy on 127.0.0.1:$PROXY (round-robin), :$PROXY_A (server a only), :$PROXY_B (server b only)"
haproxy -db -f "$WORK/haproxy.cfg" >"$WORK/haproxy.log" 2>&1 &
pids+=($!)

for port in "$PORT_A" "$PORT_B"; do
  for _ in $(seq 60); do
    if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then break; fi
    sleep 1
  done
  curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null || { tail -30 "$WORK"/app-*.log >&2; exit 1; }
done
# Wait until the proxy has both servers up (its health checks): then two requests in a
# row are answered by two servers. Until then a server still marked down would make the
# first checks land on one server only.
served_by() { curl -fsS -o /dev/null -D - "http://127.0.0.1:$PROXY/healthz" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-served-by"{print $2}'; }
for _ in $(seq 60); do
  first="$(served_by || true)"; second="$(served_by || true)"
  if [ -n "$first" ] && [ -n "$second" ] && [ "$first" != "$second" ]; then break; fi
  sleep 0.5
done
[ "$first" != "$second" ] || { echo "the proxy never had both servers up" >&2; cat "$WORK/haproxy.log" >&2; exit 1; }
step "both servers ready; the checks, through the proxy"
status=0
JOURNEY_PASSWORD="$PASSWORD" "$PY" deploy/journey.py scale --base "http://127.0.0.1:$PROXY" \
  --server-a "http://127.0.0.1:$PROXY_A" --server-b "http://127.0.0.1:$PROXY_B" || status=$?
if [ "$status" != 0 ]; then
  step "errors logged by the app servers:"
  grep -h '"level": *"ERROR"' "$WORK"/app-*.log | tail -5 || true
  exit "$status"
fi
step "scale-check passed"
