"""`manage.py check --deploy` with production settings is clean."""

from __future__ import annotations

from tests.production_env import production_env, run


def test_check_deploy_with_production_settings_reports_nothing():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env())
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNINGS" not in result.stderr


def test_check_deploy_does_catch_a_weakened_production_setting():
    # The same command fails loudly when a protection is switched off, so the clean run
    # above means something.
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        production_env(SECURE_HSTS_SECONDS="0", SECURE_COOKIES="0"),
    )
    assert result.returncode != 0
    assert "security.W004" in result.stderr
    assert "security.W012" in result.stderr
