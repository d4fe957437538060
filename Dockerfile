# Intervy: gunicorn serving the Django app, static files by whitenoise. See docs-deploying.md.
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DEBUG=0 \
    PORT=8000 \
    PROMETHEUS_MULTIPROC_DIR=/tmp/intervy-metrics

WORKDIR /app

# Dependencies first, so a code change does not reinstall them.
COPY pyproject.toml README.md ./
RUN pip install .

COPY . .

# Hashed, compressed static files baked into the image. The key and database URL are
# placeholders: collectstatic needs settings to load, not a secret or a database.
RUN SECRET_KEY=collectstatic-only-not-a-secret \
    DATABASE_URL=postgresql://build@localhost/build \
    python manage.py collectstatic --noinput -v 0

RUN useradd --system --no-create-home --uid 10001 intervy
USER intervy

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-m", "intervy.healthcheck"]

CMD ["gunicorn", "-c", "gunicorn.conf.py", "intervy.wsgi"]
# The same image runs the background worker as its own container (see compose.yaml):
#   docker run … intervy python manage.py worker --no-reload
