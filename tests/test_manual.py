"""The operating manual (docs/manual/) and the workbench's help page that lists it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser.test_manual_screens import EXPECTED_SCREENS
from xinfang.orgs.models import Role
from xinfang.views import MANUAL_CHAPTERS

MANUAL = Path(__file__).resolve().parents[1] / "docs" / "manual"
PICTURE = re.compile(r"!\[[^\]]*\]\((screens/[^)]+)\)")


def test_every_role_has_a_chapter_and_the_index_links_them_all():
    index = (MANUAL / "README.md").read_text(encoding="utf-8")
    covered = {role for _, _, role in MANUAL_CHAPTERS}
    assert covered == {*Role, None} - {Role.AUDITOR}  # the auditor only reads the audit log (admin chapter)
    for slug, title, role in MANUAL_CHAPTERS:
        text = (MANUAL / f"{slug}.md").read_text(encoding="utf-8")
        assert text.startswith(f"# {title}\n")
        assert f"]({slug}.md)" in index
        assert f"| {role.label if role else '群众'} |" in index


def test_the_chapters_show_exactly_the_screenshots_the_browser_test_takes():
    shown = set()
    for page in MANUAL.glob("*.md"):
        shown |= set(PICTURE.findall(page.read_text(encoding="utf-8")))
    assert shown == {f"screens/{name}" for name in EXPECTED_SCREENS}
    assert all((MANUAL / picture).is_file() for picture in shown)


def test_the_help_page_needs_a_login(client, db):
    response = client.get("/manual/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_the_help_page_lists_the_chapters_and_marks_the_users_own(client, people):
    client.force_login(people.township_handler)
    page = client.get("/manual/").content.decode()
    for slug, title, _ in MANUAL_CHAPTERS:
        assert f'href="/manual/{slug}/"' in page and title in page and f"docs/manual/{slug}.md" in page
    assert page.count("您的角色</span>") == 1
    assert re.search(r"承办人 <span class=\"badge[^\"]*\">您的角色</span>", page)
    assert 'href="/manual/">操作手册</a>' in client.get("/petitions/").content.decode()


def test_a_chapter_shows_its_text_escaped(client, people):
    client.force_login(people.registrar)
    page = client.get("/manual/admin/").content.decode()
    assert "<h1>系统管理员操作指南</h1>" in page
    assert "点击“增加用户”" in page
    assert "必须有标题（`&lt;h1&gt;…&lt;/h1&gt;`）" in page  # the chapter's own markup example, as text


def test_a_chapter_not_installed_names_its_file(client, people, monkeypatch, tmp_path):
    monkeypatch.setattr("xinfang.views.MANUAL_DIR", tmp_path)
    client.force_login(people.registrar)
    page = client.get("/manual/reviewer/").content.decode()
    assert "本机未安装手册文件" in page and "docs/manual/reviewer.md" in page


@pytest.mark.parametrize("chapter", ["nonexistent", "README"])
def test_an_unknown_chapter_is_not_found(client, people, chapter):
    client.force_login(people.registrar)
    assert client.get(f"/manual/{chapter}/").status_code == 404
