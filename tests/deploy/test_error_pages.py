"""Error pages with DEBUG off: Chinese, in the look of the part of the site they belong to (workbench or
portal), never the URL list or a traceback; the API answers problem details."""

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.deploy.error_urls")]


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


def _page(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize(
    ("path", "status", "heading", "look"),
    [
        ("/nowhere/", 404, "页面不存在", "xf-body"),
        ("/portal/nowhere/", 404, "页面不存在", "pt-body"),
        ("/refuse/", 403, "该信访事项不在您的办理范围内。", "xf-body"),
        ("/portal/refuse/", 403, "该信访事项不在您的办理范围内。", "pt-body"),
        ("/bad/", 400, "请求有误", "xf-body"),
        ("/portal/bad/", 400, "请求有误", "pt-body"),
    ],
)
def test_pages_are_chinese_in_their_own_look(client, path, status, heading, look):
    response = client.get(path)

    assert response.status_code == status
    page = _page(response)
    assert heading in page
    assert f'class="{look}"' in page
    assert "Using the URLconf" not in page and "urlpatterns" not in page


@pytest.mark.parametrize(
    ("path", "text"), [("/boom/", "服务器错误"), ("/portal/boom/", "系统暂时无法处理您的请求")]
)
def test_server_errors_say_nothing_of_the_cause(client, path, text):
    response = client.get(path)

    assert response.status_code == 500
    page = _page(response)
    assert text in page
    assert "secret detail" not in page and "Traceback" not in page


def test_api_errors_stay_problem_details(client):
    missing = client.get("/api/v1/nowhere/")
    failed = client.get("/api/v1/boom/")
    bad = client.get("/api/v1/bad/")

    assert missing.status_code == 404
    assert missing["Content-Type"] == "application/problem+json"
    assert missing.json() == {
        "type": "about:blank",
        "title": "资源不存在",
        "status": 404,
        "detail": "资源不存在或无权查看。",
    }
    assert failed.status_code == 500
    assert failed.json()["detail"] == "服务器内部错误，请稍后再试。"
    assert "secret detail" not in failed.content.decode()
    assert bad.status_code == 400 and bad.json()["title"] == "请求有误"


@pytest.mark.parametrize(
    ("path", "text", "look"),
    [("/login/", "页面已过期", "xf-body"), ("/portal/file/", "页面已过期", "pt-body")],
)
def test_csrf_refusal_is_explained_in_chinese(path, text, look):
    client = Client(enforce_csrf_checks=True)

    response = client.post(path, {"username": "x"})

    assert response.status_code == 403
    page = _page(response)
    assert text in page and f'class="{look}"' in page
    assert "CSRF verification failed" not in page


def test_the_start_page_leads_petitioners_to_the_portal_and_staff_to_the_login(client):
    response = client.get("/")

    assert response.status_code == 200
    page = _page(response)
    assert 'href="/portal/"' in page and 'href="/login/"' in page
    assert "我是群众" in page and "我是工作人员" in page


def test_staff_who_are_logged_in_go_straight_to_their_to_do_list(client, people):
    client.force_login(people.registrar)

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/workflow/todo/"  # their to-do list


def test_favicon_answers_and_is_linked(client):
    icon = client.get("/favicon.ico")
    page = _page(client.get("/portal/"))

    assert icon.status_code == 200
    assert icon["Content-Type"] == "image/x-icon"
    assert b"".join(icon.streaming_content)[:4] == b"\x00\x00\x01\x00"
    assert 'rel="icon"' in page and "favicon.svg" in page


@pytest.mark.parametrize(("prefix", "look"), [("", "xf-body"), ("portal/", "pt-body")])
def test_a_busy_database_answers_503_to_retry_not_500(client, prefix, look):
    response = client.post(f"/{prefix}busy/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    page = _page(response)
    assert "系统繁忙" in page and "没有保存" in page
    assert f'class="{look}"' in page


def test_a_busy_database_answers_the_api_with_problem_details(client):
    response = client.post("/api/v1/busy/")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "系统繁忙"
    assert response["Retry-After"] == "5"
