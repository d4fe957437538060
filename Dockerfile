# Intervy: gunicorn serving the Django app, static files by whitenoise; the same image runs
# the background worker (`python manage.py db_worker`). See README, "With Docker".
#
# The base is a build argument: python:3.13-slim for everyone, or any Debian-like image
# with Python 3.13 (`make image` on a machine with no registry passes a local Debian trixie
# image, deploy/base-image.sh). Without Python in the base, it comes from the distribution.
ARG BASE_IMAGE=python:3.13-slim
FROM ${BASE_IMAGE}

# A CA bundle for pip behind a TLS-intercepting proxy (mounted at build time); empty = none.
ARG PIP_CERT=
ENV PIP_CERT=$PIP_CERT \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    VIRTUAL_ENV=/opt/intervy \
    PATH=/opt/intervy/bin:$PATH \
    DEBUG=0 \
    PORT=8000 \
    PROMETHEUS_MULTIPROC_DIR=/tmp/intervy-metrics

RUN set -eu; \
    if ! command -v python3 >/dev/null || ! python3 -c 'import venv, ensurepip' 2>/dev/null; then \
      apt-get update; \
      DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 python3-venv; \
      rm -rf /var/lib/apt/lists/* /var/cache/apt/*; \
    fi; \
    python3 -c 'import sys; assert sys.version_info >= (3, 12), sys.version'; \
    python3 -m venv "$VIRTUAL_ENV"; \
    useradd --system --no-create-home --uid 10001 --shell /usr/sbin/nologin intervy

WORKDIR /app

# Dependencies first, so a code change does not reinstall them. Only the runtime ones:
# no dev extras (tests, linters, browsers) and no `local` extra (embedded PostgreSQL).
# (The project's metadata names README.md; an empty one stands in, so editing the README
# does not reinstall the dependencies. The real one comes with the code below.)
COPY pyproject.toml ./
RUN touch README.md && pip install --quiet . && pip uninstall --yes --quiet pip \
    && rm -rf build ./*.egg-info README.md

COPY . .

# Hashed, compressed static files baked into the image. The key and database URL are
# placeholders: collectstatic needs settings to load, not a secret or a database.
RUN SECRET_KEY=collectstatic-only-not-a-secret \
    DATABASE_URL=postgresql://build@localhost/build \
    python manage.py collectstatic --noinput -v 0

USER intervy

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-m", "intervy.healthcheck"]

CMD ["gunicorn", "-c", "gunicorn.conf.py", "intervy.wsgi"]
# The same image runs the background worker as its own container (see compose.yaml):
#   docker run … intervy python manage.py worker --no-reload
