"""Helpers for the deployment tests: the repository's deploy/ and scripts/ folders and the installed
`xinfang` command, run in subprocesses with an environment of the test's choosing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
SCRIPTS = REPO / "scripts"
XINFANG = Path(sys.executable).with_name("xinfang")


def run(args, env=None, timeout=600, **kwargs) -> subprocess.CompletedProcess:
    """Run a command with the test's environment plus `env`; a value of None removes the variable."""
    merged = {**os.environ, "XF_PYTHON": sys.executable}
    # The browser tests allow Django's ORM from async contexts in this process; a deployment check must not
    # inherit that (Django's check --deploy warns about it).
    merged.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    for key, value in (env or {}).items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return subprocess.run(
        [str(arg) for arg in args], env=merged, capture_output=True, text=True, timeout=timeout, **kwargs
    )


@pytest.fixture
def production_env():
    """What `make prod-check` sets: a production site behind TLS with a fresh random key."""
    import secrets

    return {
        "XF_DEBUG": "0",
        "XF_SECURE": "1",
        "XF_SECRET_KEY": secrets.token_urlsafe(64),
        "XF_ALLOWED_HOSTS": "xinfang.example.gov.cn",
        "XF_LOG_FORMAT": "json",
    }
