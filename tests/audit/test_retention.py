"""XF_AUDIT_RETENTION_DAYS: six months at least; a shorter setting stops the program before it does anything."""

import os
import subprocess
import sys

from django.conf import settings

LOAD_SETTINGS = (
    "import django; django.setup(); from django.conf import settings; print(settings.XF_AUDIT_RETENTION_DAYS)"
)


def _start(days: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "xinfang.settings", "XF_AUDIT_RETENTION_DAYS": days}
    return subprocess.run(
        [sys.executable, "-c", LOAD_SETTINGS], env=env, capture_output=True, text=True, timeout=120
    )


def test_a_retention_shorter_than_six_months_refuses_to_start():
    refused = _start("90")
    assert refused.returncode != 0
    assert "XF_AUDIT_RETENTION_DAYS=90 过短：操作留痕至少保存 180 天" in refused.stderr
    assert "ImproperlyConfigured" in refused.stderr


def test_a_retention_that_is_not_a_number_refuses_to_start():
    refused = _start("半年")
    assert refused.returncode != 0
    assert "XF_AUDIT_RETENTION_DAYS 须为天数" in refused.stderr


def test_six_months_or_longer_is_accepted():
    started = _start("400")
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == "400"
    assert settings.XF_AUDIT_RETENTION_DAYS >= settings.XF_AUDIT_RETENTION_MIN_DAYS
