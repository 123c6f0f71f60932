"""deploy/: the systemd units and the nginx site are valid for the tools that will load them, and the
environment template names only variables something reads."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest
from django.conf import settings

from .conftest import DEPLOY, REPO, SCRIPTS, run

UNITS = sorted(DEPLOY.glob("xinfang-*.service")) + sorted(DEPLOY.glob("xinfang-*.timer"))


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed")
def test_systemd_units_verify_clean(tmp_path):
    # The units name /opt/xinfang; here the checkout stands in for it, so every ExecStart must exist.
    for unit in UNITS:
        (tmp_path / unit.name).write_text(unit.read_text().replace("/opt/xinfang", str(REPO)))

    result = run(["systemd-analyze", "verify", *sorted(tmp_path.iterdir())])

    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr  # unknown keys are only warnings, with status 0


@pytest.mark.skipif(not shutil.which("nginx"), reason="nginx is not installed (apt-get install nginx-light)")
def test_nginx_site_passes_nginx_t(tmp_path):
    key, cert = tmp_path / "privkey.pem", tmp_path / "fullchain.pem"
    made = run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=xinfang.test",
        ]
        + ["-keyout", key, "-out", cert]
    )
    assert made.returncode == 0, made.stderr
    site = (DEPLOY / "nginx.conf").read_text()
    site = site.replace("/etc/ssl/xinfang/", f"{tmp_path}/").replace("/var/log/nginx/", f"{tmp_path}/")
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log stderr;\nevents {{}}\n"
        f"http {{\n include /etc/nginx/mime.types;\n client_body_temp_path {tmp_path}/body;\n"
        f" proxy_temp_path {tmp_path}/proxy;\n include {tmp_path}/site.conf;\n}}\n"
    )

    result = run(["nginx", "-t", "-p", tmp_path, "-c", tmp_path / "nginx.conf"])

    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def _body_limit_bytes(value: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([km]?)", value).groups()
    return int(number) * {"": 1, "k": 1024, "m": 1024 * 1024}[unit]


def test_nginx_accepts_the_largest_attachment_and_never_serves_media():
    site = (DEPLOY / "nginx.conf").read_text()
    limits = [_body_limit_bytes(v) for v in re.findall(r"client_max_body_size (\w+);", site)]

    assert min(limits) > settings.XF_ATTACHMENT_MAX_BYTES
    assert re.search(r"location /media/ \{\s*return 404;", site)
    for header in ("X-Real-IP $remote_addr", "X-Forwarded-Proto $scheme", "X-Request-ID $request_id"):
        assert f"proxy_set_header {header};" in site


def test_environment_template_names_only_variables_that_are_read():
    readers = "\n".join(
        path.read_text()
        for path in [
            REPO / "src/xinfang/settings.py",
            DEPLOY / "gunicorn.conf.py",
            *SCRIPTS.glob("backup-*"),
            SCRIPTS / "lib.sh",
        ]
    )
    names = re.findall(r"^#?(XF_[A-Z0-9_]+)=", (DEPLOY / "xinfang.env.example").read_text(), re.M)

    assert {"XF_SECRET_KEY", "XF_DATABASE_URL", "XF_REDIS_URL", "XF_SECURE", "XF_ALLOWED_HOSTS"} <= set(names)
    assert [name for name in names if name not in readers] == []


def test_gunicorn_configuration_loads(production_env):
    gunicorn = Path(sys.executable).with_name("gunicorn")
    config = DEPLOY / "gunicorn.conf.py"

    result = run(
        [gunicorn, "--check-config", "--config", config, "xinfang.wsgi:application"],
        env={**production_env, "XF_WEB_WORKERS": "3"},
    )

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(
    not shutil.which("shellcheck"), reason="shellcheck is not installed (apt-get install shellcheck)"
)
def test_scripts_pass_shellcheck():
    scripts = [SCRIPTS / name for name in ("backup-db", "restore-db", "test-backup-restore", "lib.sh")]

    result = run(["shellcheck", "-x", *scripts, DEPLOY / "xinfang-manage"], cwd=REPO)

    assert result.returncode == 0, result.stdout
