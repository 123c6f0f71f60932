"""Content-Security-Policy and Permissions-Policy on every kind of answer (xinfang/security.py)."""

import pytest

from xinfang import security


def directives(header: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/login/", "/portal/", "/api/v1/petitions/", "/no-such-page/", "/petitions/"]
)
def test_every_answer_carries_the_strict_policy(client, path):
    response = client.get(path)
    csp = directives(response.headers["Content-Security-Policy"])
    assert csp["script-src"] == "'self'" and csp["style-src"] == "'self'"
    assert csp["object-src"] == "'none'" and csp["frame-ancestors"] == "'none'"
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "geolocation=()" in response.headers["Permissions-Policy"]


@pytest.mark.django_db
def test_admin_policy_allows_only_what_simpleui_needs(client):
    csp = directives(client.get("/admin/login/").headers["Content-Security-Policy"])
    assert csp["default-src"] == "'self'" and csp["object-src"] == "'none'"
    assert csp["frame-ancestors"] == "'self'"
    assert "https:" not in csp["script-src"] and "*" not in csp["script-src"]


def test_no_template_of_ours_carries_an_inline_style_or_script():
    import re
    from pathlib import Path

    root = Path(security.__file__).resolve().parent
    offenders = []
    for template in root.rglob("templates/**/*.html"):
        if "/admin/" in str(template):
            continue
        text = template.read_text(encoding="utf-8")
        if (
            re.search(r'\sstyle="|<style', text)
            or re.search(r"<script(?![^>]*\ssrc=)[^>]*>", text)
            or re.search(r"\son[a-z]+=\"", text)
        ):
            offenders.append(str(template.relative_to(root)))
    assert offenders == []
