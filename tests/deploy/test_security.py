"""The production headers: clickjacking protection that survives simpleui, and the client's address taken
from nginx's X-Real-IP only when the site is declared to be behind it."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from xinfang.security import ClientAddressMiddleware


@pytest.mark.django_db
def test_pages_refuse_to_be_framed(client):
    assert client.get("/portal/")["X-Frame-Options"] == "DENY"
    assert client.get("/login/")["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_admin_may_frame_itself_for_simpleui_tabs(client):
    assert client.get("/admin/login/")["X-Frame-Options"] == "SAMEORIGIN"


@pytest.mark.django_db
def test_secure_site_sends_hsts_and_nosniff(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

    response = client.get("/portal/", headers={"X-Forwarded-Proto": "https"})

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def _remote_addr_after(**headers) -> str:
    seen = {}

    def view(request):
        seen["addr"] = request.META["REMOTE_ADDR"]
        return HttpResponse()

    ClientAddressMiddleware(view)(RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", headers=headers))
    return seen["addr"]


def test_client_address_comes_from_x_real_ip():
    assert _remote_addr_after(**{"X-Real-IP": "203.0.113.7"}) == "203.0.113.7"
    assert _remote_addr_after(**{"X-Real-IP": "2001:db8::1"}) == "2001:db8::1"


def test_client_address_ignores_a_header_that_is_not_an_address():
    assert _remote_addr_after(**{"X-Real-IP": "203.0.113.7, 10.0.0.1"}) == "127.0.0.1"
    assert _remote_addr_after() == "127.0.0.1"
