"""`make prod-check`: Django's deployment checks pass clean with production values, and a production site
refuses to start without its secret key. Each case runs in a fresh process, as settings are read once."""

from __future__ import annotations

import sys

from .conftest import XINFANG, run

SETTINGS_DUMP = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
    "s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER, 'xinfang.security.ClientAddressMiddleware' in s.MIDDLEWARE)"
)


def test_deployment_checks_pass_with_production_settings(production_env):
    result = run([XINFANG, "check", "--deploy", "--fail-level", "WARNING"], env=production_env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_deployment_checks_fail_with_development_settings():
    # The check is not toothless: the localhost defaults are what it exists to catch.
    result = run(
        [XINFANG, "check", "--deploy", "--fail-level", "WARNING"],
        env={"XF_DEBUG": "1", "XF_SECURE": None, "XF_SECRET_KEY": None},
    )

    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W018"):
        assert warning in result.stderr


def test_secure_site_without_secret_key_refuses_to_start(production_env):
    result = run([XINFANG, "check"], env={**production_env, "XF_SECRET_KEY": None})

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "XF_SECRET_KEY" in result.stderr


def test_development_runs_without_set_up():
    result = run(
        [sys.executable, "-c", SETTINGS_DUMP],
        env={"DJANGO_SETTINGS_MODULE": "xinfang.settings", "XF_SECURE": None, "XF_SECRET_KEY": None},
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False", "False", "False", "0", "None", "False"]


def test_production_switches_follow_xf_secure(production_env):
    result = run(
        [sys.executable, "-c", SETTINGS_DUMP],
        env={**production_env, "DJANGO_SETTINGS_MODULE": "xinfang.settings"},
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "True",
        "True",
        "True",
        "31536000",
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
        "True",
    ]


def test_unknown_log_format_is_refused():
    result = run([XINFANG, "check"], env={"XF_LOG_FORMAT": "xml"})

    assert result.returncode != 0
    assert "XF_LOG_FORMAT" in result.stderr
