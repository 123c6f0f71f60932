"""/healthz: 200 when the database and the job queue answer (and Redis, when configured), 503 with JSON
naming the failing check otherwise."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError, connection
from huey.contrib.djhuey import HUEY

pytestmark = pytest.mark.django_db


def test_healthy_site_answers_200_with_each_check(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["database"]["vendor"] == connection.vendor
    assert body["checks"]["queue"]["status"] == "ok"
    assert isinstance(body["checks"]["queue"]["pending"], int)
    assert "redis" not in body["checks"]  # not configured in the test settings
    assert "no-cache" in response["Cache-Control"]


def test_needs_no_login(client, people):
    client.logout()
    assert client.get("/healthz").status_code == 200


def test_database_failure_answers_503_without_the_error_text(client):
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("password for db01 rejected")):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["database"] == {
        "status": "error",
        "error": "OperationalError",
        "ms": body["checks"]["database"]["ms"],
    }
    assert body["checks"]["queue"]["status"] == "ok"
    assert "db01" not in response.content.decode()


def test_queue_failure_answers_503(client):
    with mock.patch.object(HUEY, "pending_count", side_effect=OSError("disk")):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["queue"]["error"] == "OSError"
    assert response.json()["checks"]["database"]["status"] == "ok"


def test_configured_redis_is_checked(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:6379/15"
    with mock.patch("redis.Redis.ping", return_value=True) as ping:
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["checks"]["redis"]["status"] == "ok"
    ping.assert_called_once()


def test_unreachable_redis_answers_503(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["redis"] == {
        "status": "error",
        "error": "ConnectionError",
        "ms": response.json()["checks"]["redis"]["ms"],
    }


def test_is_exempt_from_the_https_redirect(client, settings):
    # Monitors probe gunicorn over plain HTTP on 127.0.0.1; everything else is sent to HTTPS.
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/healthz").status_code == 200
    redirected = client.get("/portal/")
    assert redirected.status_code == 301
    assert redirected["Location"].startswith("https://")
