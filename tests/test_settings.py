"""Settings: production refuses the development key; development serves static files."""

from __future__ import annotations

import json
import warnings

from django.conf import settings
from whitenoise.middleware import WhiteNoiseMiddleware

from tests.production_env import production_env, run, run_json


def test_it_refuses_to_start_with_debug_off_and_no_secret_key():
    env = production_env()
    del env["SECRET_KEY"]
    result = run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert "SECRET_KEY is the development key" in result.stderr


def test_it_refuses_the_development_key_spelled_out_with_debug_off():
    result = run(["manage.py", "check"], production_env(SECRET_KEY=settings.DEVELOPMENT_SECRET_KEY))
    assert result.returncode != 0
    assert "SECRET_KEY is the development key" in result.stderr


def test_production_settings_come_from_the_environment():
    values = run_json(
        "from django.conf import settings as s\n"
        "import json\n"
        "print(json.dumps({'debug': s.DEBUG, 'hosts': s.ALLOWED_HOSTS,"
        " 'origins': s.CSRF_TRUSTED_ORIGINS, 'db': s.DATABASES['default']['NAME'],"
        " 'storage': s.STORAGES['staticfiles']['BACKEND'], 'cache': s.CACHES['default']['BACKEND'],"
        " 'templates': s.TEMPLATES[0]['OPTIONS']['loaders'][0][0]}))",
        production_env(
            ALLOWED_HOSTS="intervy.example.com,www.example.com",
            CSRF_TRUSTED_ORIGINS="https://intervy.example.com",
            DATABASE_URL="postgresql://app:s3cret@db.internal:5432/intervy_prod",
            CACHE_URL="redis://cache.internal:6379/0",
        ),
    )
    assert values == {
        "debug": False,
        "hosts": ["intervy.example.com", "www.example.com"],
        "origins": ["https://intervy.example.com"],
        "db": "intervy_prod",
        "storage": "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "cache": "django.core.cache.backends.redis.RedisCache",
        "templates": "django.template.loaders.cached.Loader",
    }


def test_a_database_url_that_is_not_postgresql_is_refused():
    result = run(["manage.py", "check"], production_env(DATABASE_URL="mysql://x@db/intervy"))
    assert result.returncode != 0
    assert "DATABASE_URL must be a postgresql:// URL" in result.stderr


def test_collectstatic_with_debug_off_writes_hashed_compressed_files(tmp_path):
    result = run(
        ["manage.py", "collectstatic", "--noinput", "-v", "0"],
        production_env(STATIC_ROOT=str(tmp_path)),
    )
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    hashed_css = manifest["css/base.css"]
    assert hashed_css != "css/base.css"
    assert (tmp_path / hashed_css).exists()
    assert (tmp_path / f"{hashed_css}.gz").exists()


def test_development_serves_static_files_without_collectstatic(client):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "No directory at: staticfiles/" would raise here
        WhiteNoiseMiddleware(lambda request: None)
    response = client.get("/static/css/base.css")
    assert response.status_code == 200
    assert b".auth-card" in b"".join(response.streaming_content)


def test_a_query_sent_five_times_is_prepared_once(db):
    """Planning was most of a request's database time: repeated queries are prepared."""
    from django.contrib.auth.models import User
    from django.db import connection

    for _ in range(6):
        list(User.objects.filter(username="nobody-at-all"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any("nobody-at-all" not in s and '"auth_user"' in s for s in prepared)


def test_prepared_statements_can_be_turned_off_for_a_pooler():
    options = run_json(
        "from django.conf import settings as s\n"
        "import json\n"
        "print(json.dumps(s.DATABASES['default']['OPTIONS'], default=str))",
        production_env(DB_PREPARED_STATEMENTS="0"),
    )
    assert "prepare_threshold" not in options
    assert "server_side_binding" not in options
