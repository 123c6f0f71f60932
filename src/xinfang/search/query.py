"""`search_petitions(queryset, text)`: the petitions whose indexed words contain every word of the text."""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from .segment import query_words


def matching_ids_sql(words: list[str]) -> tuple[str, list]:
    if connection.vendor == "postgresql":
        return (
            "SELECT petition_id FROM search_searchdocument WHERE document @@ to_tsquery('simple', %s)",
            [" & ".join(words)],
        )
    # Each word quoted: an FTS5 string, so words like AND or NEAR are not operators.
    return "SELECT rowid FROM search_fts WHERE search_fts MATCH %s", [" ".join(f'"{w}"' for w in words)]


def search_petitions(queryset: QuerySet, text: str) -> QuerySet:
    words = query_words(text)
    if not words:
        return queryset
    sql, params = matching_ids_sql(words)
    return queryset.filter(pk__in=RawSQL(sql, params))
