"""Fuzzing: no input gives a server error (5xx), on the API (from its OpenAPI schema) or the workbench pages.

Hypothesis draws query parameters, path ids and registration bodies from the schema at /api/schema/: each
parameter gets values of its declared type plus hostile text (superscript and Arabic-Indic digits, extreme
dates, zero-width and bidi controls, NUL, huge numbers). The client re-raises any exception a view lets
through, so a crash fails the test with its traceback. Bounded by example counts (derandomized, so CI runs
the same examples): about 15 s in all on SQLite.
"""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.conftest import PETITIONS_URL, body

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Digits that str.isdigit() accepts and int() refuses or reads otherwise: a branch of their own, so every
# parameter meets them often.
ODD_DIGITS = st.sampled_from(["¹", "²³", "٣", "１２３", "4²"])
HOSTILE = st.sampled_from(
    [
        "¹",
        "١٢٣",
        "0001-01-01",
        "9999-12-31",
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59-12:00",
        "2026-02-30",
        "\x00",
        "\u200b",
        "\u202e",
        "9" * 40,
        "-1",
        "1e309",
        "NaN",
        "%",
        "'; DROP TABLE x; --",
        "../../etc/passwd",
        "unit:",
        ":",
    ]
)
TEXT = st.text(max_size=30)
ANY_TEXT = st.one_of(ODD_DIGITS, HOSTILE, TEXT, st.integers().map(str))


def value_for(schema: dict) -> st.SearchStrategy:
    """Values of the parameter's declared type, mixed with hostile text."""
    schema = schema or {}
    kind = schema.get("type")
    if "enum" in schema:
        typed = st.sampled_from(schema["enum"])
    elif kind == "integer":
        typed = st.integers(min_value=-(2**70), max_value=2**70).map(str)
    elif kind == "boolean":
        typed = st.sampled_from(["true", "false", "1", "0", "yes"])
    elif kind == "array":
        return st.lists(value_for(schema.get("items", {})), max_size=3)
    elif schema.get("format") == "date-time":
        typed = st.datetimes().map(lambda d: d.isoformat())
    elif schema.get("format") == "date":
        typed = st.dates().map(lambda d: d.isoformat())
    else:
        typed = TEXT
    return st.one_of(ODD_DIGITS, HOSTILE, typed, TEXT)


@pytest.fixture
def setting(people, org, now):
    """A registrar's client with the schema and two petitions on file, so filters have rows to narrow."""
    client = Client(raise_request_exception=True)
    client.force_login(people.registrar)
    for n in (1, 2):
        created = client.post(
            PETITIONS_URL, json.dumps(body(summary=f"第{n}件")), content_type="application/json"
        )
        assert created.status_code == 201, created.content
    schema = client.get("/api/schema/", {"format": "json"}).json()
    return client, schema


def get_operations(schema: dict) -> list[tuple[str, list[dict]]]:
    return [
        (path, op.get("parameters", []))
        for path, item in schema["paths"].items()
        for method, op in item.items()
        if method == "get" and path.startswith("/api/v1/")
    ]


def test_the_schema_has_operations_to_fuzz(setting):
    _, schema = setting
    operations = get_operations(schema)
    assert len(operations) >= 6
    assert any(p["name"] == "received_after" for _, params in operations for p in params)


PER_OPERATION = settings(FUZZ, max_examples=60)


def test_api_get_operations_never_answer_5xx(setting):
    client, schema = setting
    seen: list[int] = []

    def fuzz(path: str, params: list[dict]):
        @PER_OPERATION
        @given(data=st.data())
        def run(data):
            url = path
            for name in re.findall(r"{(\w+)}", path):
                number = st.one_of(st.integers(0, 2**63 + 10).map(str), st.just("1"))
                url = url.replace(f"{{{name}}}", data.draw(number, label=name))
            query = {}
            for param in params:
                if param["in"] == "query" and data.draw(st.booleans(), label=f"send {param['name']}"):
                    query[param["name"]] = data.draw(value_for(param.get("schema")), label=param["name"])
            response = client.get(url, query)
            seen.append(response.status_code)
            assert response.status_code < 500, (url, query, response.content[:300])

        run()

    for path, params in get_operations(schema):
        fuzz(path, params)
    assert len(seen) >= 300
    assert any(code == 200 for code in seen) and any(400 <= code < 500 for code in seen)


JSON_LEAF = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), TEXT, HOSTILE)
JSON_VALUE = st.recursive(
    JSON_LEAF,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)


def test_registration_bodies_never_answer_5xx(setting):
    client, schema = setting
    ref = schema["paths"]["/api/v1/petitions/"]["post"]["requestBody"]["content"]["application/json"][
        "schema"
    ]
    request_schema = schema["components"]["schemas"][ref["$ref"].rsplit("/", 1)[1]]["properties"]
    fields = sorted(request_schema)
    party_fields = ["name", "id_number", "phone", "address", "role", "region"]
    seen: list[int] = []

    @FUZZ
    @given(data=st.data())
    def run(data):
        sent = body()
        for name in data.draw(st.lists(st.sampled_from(fields), max_size=4, unique=True), label="fields"):
            sent[name] = data.draw(st.one_of(JSON_VALUE, value_for(request_schema[name])), label=name)
        parties = sent.get("petitioners")
        first_party = parties[0] if isinstance(parties, list) and parties else None
        if isinstance(first_party, dict) and data.draw(st.booleans(), label="touch a petitioner"):
            field = data.draw(st.sampled_from(party_fields))
            first_party[field] = data.draw(JSON_VALUE, label=field)
        headers = {}
        if data.draw(st.booleans(), label="with a key"):
            headers["HTTP_IDEMPOTENCY_KEY"] = data.draw(st.one_of(TEXT, HOSTILE), label="key")
        response = client.post(PETITIONS_URL, json.dumps(sent), content_type="application/json", **headers)
        seen.append(response.status_code)
        assert response.status_code < 500, (sent, response.content[:300])

    run()
    assert any(400 <= code < 500 for code in seen)


WORKBENCH_PAGES = {
    "/petitions/": ["q", "status", "channel", "receiving_unit", "responsible_unit", "category"]
    + ["received_from", "received_to", "after", "before"],
    "/stats/": ["unit", "region", "target", "period", "date", "from", "to"],
    "/stats/petitions/": [
        "unit",
        "region",
        "period",
        "date",
        "from",
        "to",
        "metric",
        "volume",
        "part",
        "value",
    ]
    + ["page"],
    "/stats/assessment/": ["month", "unit", "region"],
    "/supervision/": ["unit", "colour", "stage", "after", "due_from", "due_to"],
    "/notifications/": ["unread", "before"],
    "/workflow/": ["page"],
}


def test_workbench_list_and_statistics_query_strings_never_answer_5xx(setting, people):
    client, _ = setting
    leader = Client(raise_request_exception=True)
    leader.force_login(people.bureau_leader)
    pages = sorted(WORKBENCH_PAGES)
    seen: list[int] = []

    @FUZZ
    @given(data=st.data())
    def run(data):
        path = data.draw(st.sampled_from(pages), label="page")
        names = data.draw(
            st.lists(st.sampled_from(WORKBENCH_PAGES[path]), min_size=1, max_size=4, unique=True)
        )
        query = {name: data.draw(ANY_TEXT, label=name) for name in names}
        who = client if path.startswith("/petitions/") else leader
        response = who.get(path, query)
        seen.append(response.status_code)
        assert response.status_code < 500, (path, query)

    run()
    assert any(code == 200 for code in seen)
