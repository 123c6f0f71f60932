"""Fuzzing beyond GET and registration (issue 12): the workflow action POSTs (the workbench forms and the API's
actions) and attachment uploads (bad names, zero bytes, files past the size limit, odd declared lengths,
content unlike its name, Unicode controls) never answer 5xx. Same strategies as test_fuzz; each test bounded by its example count (derandomized),
a few seconds on SQLite."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.api.conftest import PETITIONS_URL, body
from xinfang.workflow.transitions import TABLE

from .test_fuzz import ANY_TEXT, FUZZ, HOSTILE, JSON_VALUE, TEXT

pytestmark = pytest.mark.django_db

ACTIONS = sorted(TABLE)
ACTION_FUZZ = settings(FUZZ, max_examples=60)
UPLOAD_FUZZ = settings(FUZZ, max_examples=60)
FORM_UPLOAD_FUZZ = settings(FUZZ, max_examples=40)
# Field names the action forms and serializers use, beside those the schema and the pages name.
KNOWN_FIELDS = ["version", "to_unit", "reason", "unit", "method", "received_on", "content", "legal_route"]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
NAMES = st.sampled_from(
    [
        "",
        ".",
        "..",
        "../../etc/passwd",
        "a/b\\c.pdf",
        "report.pdf",
        "报告.PDF",
        "\x00.pdf",
        "invoice\u202efdp.exe",
        "\u200b\u200b.pdf",
        "x" * 300 + ".pdf",
        "noextension",
        "photo.png",
        "CON",
        "a.pdf.exe",
    ]
)
CONTENTS = st.one_of(
    st.sampled_from(
        [b"", PDF, PNG, b"MZ\x90\x00" + b"\x00" * 60, b"<script>alert(1)</script>", b"\xff" * 10]
    ),
    st.binary(max_size=64),
)
CONTENT_TYPES = st.sampled_from(["application/pdf", "image/png", "application/x-msdownload", "", "text/html"])


@pytest.fixture
def petitions(people, org, now):
    """A registrar's client and two petitions on file."""
    client = Client(raise_request_exception=True)
    client.force_login(people.registrar)
    ids = []
    for n in (1, 2):
        created = client.post(
            PETITIONS_URL, json.dumps(body(summary=f"第{n}件")), content_type="application/json"
        )
        assert created.status_code == 201, created.content
        ids.append(created.json()["id"])
    return client, ids


def _schema_fields(schema: dict, op: dict) -> list[str]:
    """The property names of an operation's JSON body (its oneOf branches together)."""
    content = op.get("requestBody", {}).get("content", {}).get("application/json", {})
    pending, names = [content.get("schema", {})], set()
    while pending:
        part = pending.pop()
        if "$ref" in part:
            part = schema["components"]["schemas"][part["$ref"].rsplit("/", 1)[1]]
        names.update(part.get("properties", {}))
        pending.extend(part.get("oneOf", []) + part.get("anyOf", []) + part.get("allOf", []))
    return sorted(names)


def test_api_action_posts_never_answer_5xx(petitions):
    client, ids = petitions
    schema = client.get("/api/schema/", {"format": "json"}).json()
    op = schema["paths"]["/api/v1/petitions/{id}/actions/{action}/"]["post"]
    fields = sorted(set(_schema_fields(schema, op)) | set(KNOWN_FIELDS))
    seen: list[int] = []

    @ACTION_FUZZ
    @given(data=st.data())
    def run(data):
        pk = data.draw(st.one_of(st.sampled_from(ids), st.integers(0, 2**63 + 10)), label="id")
        action = data.draw(
            st.one_of(st.sampled_from(ACTIONS), TEXT.filter(lambda t: "/" not in t)), label="action"
        )
        names = data.draw(st.lists(st.sampled_from(fields), max_size=5, unique=True), label="fields")
        sent = {name: data.draw(st.one_of(JSON_VALUE, ANY_TEXT), label=name) for name in names}
        raw = (
            json.dumps(sent) if data.draw(st.booleans(), label="valid json") else data.draw(TEXT, label="raw")
        )
        url = f"/api/v1/petitions/{pk}/actions/{action}/"
        response = client.post(url, raw, content_type="application/json")
        seen.append(response.status_code)
        assert response.status_code < 500, (url, raw, response.content[:300])

    run()
    assert any(400 <= code < 500 for code in seen)


def _form_fields(client, pk: int) -> dict[str, list[str]]:
    """Each action's form field names, as its workbench page names them."""
    fields = {}
    for action in ACTIONS:
        page = client.get(f"/workflow/petitions/{pk}/actions/{action}/")
        names = set(re.findall(r'name="([^"]+)"', page.content.decode())) - {"csrfmiddlewaretoken"}
        fields[action] = sorted(names | {"version"})
    return fields


def test_workbench_action_forms_never_answer_5xx(petitions):
    client, ids = petitions
    fields = _form_fields(client, ids[0])
    assert any(len(names) > 2 for names in fields.values())  # the pages do name their fields
    seen: list[int] = []

    @ACTION_FUZZ
    @given(data=st.data())
    def run(data):
        pk = data.draw(st.one_of(st.sampled_from(ids), st.integers(0, 2**40)), label="id")
        action = data.draw(st.sampled_from(ACTIONS), label="action")
        names = data.draw(st.lists(st.sampled_from(fields[action]), max_size=6, unique=True), label="fields")
        form = {
            name: data.draw(st.one_of(ANY_TEXT, st.lists(ANY_TEXT, max_size=3)), label=name) for name in names
        }
        headers = {"HTTP_HX_REQUEST": "true"} if data.draw(st.booleans(), label="htmx") else {}
        response = client.post(f"/workflow/petitions/{pk}/actions/{action}/", form, **headers)
        seen.append(response.status_code)
        assert response.status_code < 500, (action, form, response.content[:300])

    run()
    assert any(code in (200, 400, 403, 409) for code in seen)


BOUNDARY = "xfFuzzBoundary7MA4YWxkTrZu0gW"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"


def _multipart(fields: dict[str, str], files: list[tuple[str, str, bytes, str]]) -> bytes:
    """A multipart body written by hand: the test client's own encoder refuses the file names worth sending
    (empty, "." and "..")."""
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for field, filename, content, content_type in files:
        quoted = filename.replace("\\", "\\\\").replace('"', '\\"')
        head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field}"; filename="{quoted}"\r\n'
            f"Content-Type: {content_type or 'application/octet-stream'}\r\n\r\n"
        )
        parts.append(head.encode("utf-8", "surrogatepass") + content + b"\r\n")
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def _upload(data, field: str = "file") -> tuple[str, str, bytes, str]:
    return (
        field,
        data.draw(NAMES, label="name"),
        data.draw(CONTENTS, label="content"),
        data.draw(CONTENT_TYPES, label="type"),
    )


def test_api_attachment_uploads_never_answer_5xx(petitions, settings):
    settings.XF_ATTACHMENT_MAX_BYTES = 1024  # "huge" is anything past the limit; no need to send megabytes
    client, ids = petitions
    # The hand-written body is a real upload: a good file through it is stored.
    good = _multipart({}, [("file", "report.pdf", PDF, "application/pdf")])
    assert (
        client.post(f"{PETITIONS_URL}{ids[0]}/attachments/", good, content_type=MULTIPART).status_code == 201
    )
    seen: list[int] = []

    @UPLOAD_FUZZ
    @given(data=st.data())
    def run(data):
        pk = data.draw(st.sampled_from(ids), label="id")
        field = data.draw(st.sampled_from(["file", "attachment", "files"]), label="field")
        files = [_upload(data, field)]
        if data.draw(st.booleans(), label="too big"):
            files = [("file", "big.pdf", PDF + b"0" * 2048, "application/pdf")]
        payload = _multipart({}, files)
        extra = {}
        if data.draw(st.booleans(), label="declared size"):
            # A declared length past the body cannot go through the test client (it refuses to read past
            # what it holds; nginx's client_max_body_size stops it in deployment): shorter ones and junk.
            extra["CONTENT_LENGTH"] = data.draw(st.sampled_from(["0", "10", "-1", "abc", "²", "１０"]))
        response = client.post(f"{PETITIONS_URL}{pk}/attachments/", payload, content_type=MULTIPART, **extra)
        seen.append(response.status_code)
        assert response.status_code < 500, (files, extra, response.content[:300])

    run()
    assert any(code == 400 for code in seen)


def test_workbench_registration_uploads_never_answer_5xx(petitions, settings):
    settings.XF_ATTACHMENT_MAX_BYTES = 1024
    client, _ = petitions
    page = client.get("/petitions/register/letter/").content.decode()
    fields = dict.fromkeys(re.findall(r'name="([^"]+)"', page), "")
    fields.pop("csrfmiddlewaretoken", None)
    assert "attachments" in fields
    seen: list[int] = []

    @FORM_UPLOAD_FUZZ
    @given(data=st.data())
    def run(data):
        form = dict(fields)
        form["summary"] = data.draw(st.one_of(TEXT, HOSTILE), label="summary")
        files = [_upload(data, "attachments") for _ in range(data.draw(st.integers(1, 2), label="files"))]
        payload = _multipart(form, files)
        response = client.post("/petitions/register/letter/", payload, content_type=MULTIPART)
        seen.append(response.status_code)
        assert response.status_code < 500, (form, files, response.content[:300])

    run()
    assert seen
