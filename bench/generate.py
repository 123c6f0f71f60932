"""Bench data: a base of demo petitions, multiplied in SQL to the size asked for.

The base is the demo generator's own output (`xinfang.demo.generator.generate`: realistic texts, parties,
repeats, deadlines, audit events; bulk INSERT / COPY) and its search documents (jieba, in Python). Python
writes about 1–2 thousand petitions a second that way, too slow for millions, so the base is then copied
inside the database with INSERT ... SELECT, copy k shifted back (k mod 10) × 52 weeks (weekdays kept), with
new ids, registration numbers and query-code hashes: the petitions, their parties, deadlines, audit events
and search documents. Petitioners are shared by the copies (one county's people, petitioning over years).

Copies older than SETTLE_DAYS are written settled — deadlines met, petition concluded — in SQL, not replayed
through the workflow, so that a decade of records is not a decade of overdue cases (see bench/README.md).
"""

from __future__ import annotations

import datetime as dt
import math
import time
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import DateField, DateTimeField, F, ForeignKey

from xinfang import clock
from xinfang.audit.models import Event
from xinfang.demo.county import load_demo_county
from xinfang.demo.generator import generate
from xinfang.petitions.models import Petition, PetitionParty, Status
from xinfang.search.index import index_missing
from xinfang.search.models import SearchDocument
from xinfang.workflow.models import Deadline, DeadlineStatus

BASE_MAX = 10_000
YEARS = 10
SETTLE_DAYS = 120
SEED = 20260301


@dataclass
class Generation:
    size: int = 0
    base: int = 0
    base_seconds: float = 0.0
    index_seconds: float = 0.0
    copy_seconds: float = 0.0

    @property
    def seconds(self) -> float:
        return self.base_seconds + self.index_seconds + self.copy_seconds


def build(size: int, base_max: int = BASE_MAX, log=print) -> Generation:
    out = Generation(size=size)
    load_demo_county()
    base = min(size, base_max)
    started = time.perf_counter()
    generate(base, SEED)
    out.base, out.base_seconds = base, time.perf_counter() - started
    log(f"  base: {base} petitions in {out.base_seconds:.1f} s ({base / out.base_seconds:.0f}/s)")
    started = time.perf_counter()
    index_missing()
    out.index_seconds = time.perf_counter() - started
    log(f"  search index of the base: {out.index_seconds:.1f} s")
    copies = math.ceil(size / base) - 1
    started = time.perf_counter()
    if copies:
        amplify(copies, size - base)
    out.copy_seconds = time.perf_counter() - started
    started = time.perf_counter()
    analyze()
    log(f"  vacuum/analyze: {time.perf_counter() - started:.1f} s (not counted in the generation rate)")
    out.size = Petition.objects.count()
    if copies:
        rate = (out.size - base) / out.copy_seconds
        log(
            f"  {copies} copies in SQL: {out.size - base} petitions in {out.copy_seconds:.1f} s ({rate:.0f}/s)"
        )
    return out


# --- copying in SQL -------------------------------------------------------------------------------------


def _shift(column: str, field, days: int) -> str:
    if days == 0:
        return column
    if connection.vendor == "postgresql":
        return f"({column} - interval '{days} days')" + ("::date" if isinstance(field, DateField) else "")
    if isinstance(field, DateTimeField):
        return f"strftime('%Y-%m-%d %H:%M:%f', {column}, '-{days} days')"
    return f"date({column}, '-{days} days')"


def _is_petition_fk(field) -> bool:
    return isinstance(field, ForeignKey) and field.related_model is Petition


def _copy_sql(model, k: int, offset: int, days: int, limit_pk: int, overrides: dict[str, str]) -> str:
    quote = connection.ops.quote_name
    columns, values = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key and not _is_petition_fk(field) and model is not Petition:
            continue  # rows nobody points to get fresh keys
        column = field.column
        if column in overrides:
            value = overrides[column]
        elif field.primary_key or _is_petition_fk(field):
            value = f"{quote(column)} + {offset}"
        elif isinstance(field, (DateField, DateTimeField)):
            value = _shift(quote(column), field, days)
        else:
            value = quote(column)
        columns.append(quote(column))
        values.append(value)
    key = "petition_id" if model is not Petition else "id"
    return (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(columns)}) "
        f"SELECT {', '.join(values)} FROM {quote(model._meta.db_table)} WHERE {key} <= {limit_pk}"
    )


def _petition_overrides(k: int, stride: int, days: int) -> dict[str, str]:
    pg = connection.vendor == "postgresql"
    year = (
        f"to_char(received_at - interval '{days} days', 'YYYY')"
        if pg
        else (f"strftime('%Y', received_at, '-{days} days')")
    )
    number = f"lpad((id + {k * stride})::text, 8, '0')" if pg else f"printf('%08d', id + {k * stride})"
    if pg:
        code_hash = f"md5(query_code_hash || '{k}') || md5('{k}' || query_code_hash)"
    else:
        code_hash = "lower(hex(randomblob(32)))"
    return {
        "registration_number": f"'XF-' || receiving_region_code || '-' || {year} || '-' || {number}",
        "query_code_hash": code_hash,
        "external_id": "NULL",
    }


def amplify(copies: int, wanted: int) -> None:
    base_max = Petition.objects.order_by("-pk").values_list("pk", flat=True).first()
    stride = base_max
    written = 0
    today = clock.today()
    settle_before = today - dt.timedelta(days=SETTLE_DAYS)
    tables = [m._meta.db_table for m in (Petition, PetitionParty, Deadline, Event, SearchDocument)]
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Foreign keys checked per statement, so no trigger events are pending when indexes are rebuilt.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        dropped = _drop_indexes(tables)
        for k in range(1, copies + 1):
            days = (k % YEARS) * 364
            offset = k * stride
            remaining = wanted - written
            limit = base_max if remaining >= base_max else remaining
            with connection.cursor() as cursor:
                cursor.execute(
                    _copy_sql(Petition, k, offset, days, limit, _petition_overrides(k, stride, days))
                )
                cursor.execute(
                    f"UPDATE petitions_petition SET repeat_of_id = NULL WHERE id > {offset} AND id <= "
                    f"{offset + limit} AND repeat_of_id > {offset + limit}"
                )
                event_target = f"CAST(petition_id + {offset} AS TEXT)"
                cursor.execute(_copy_sql(PetitionParty, k, offset, days, limit, {}))
                cursor.execute(_copy_sql(Deadline, k, offset, days, limit, {}))
                cursor.execute(_copy_sql(Event, k, offset, days, limit, {"target_id": event_target}))
                cursor.execute(_copy_sql(SearchDocument, k, offset, days, limit, {}))
            written += limit
        _recreate_indexes(dropped)
        _settle(settle_before, base_max)
        _fix_sequences()


def analyze() -> None:
    """What autovacuum does after a bulk load anyway: planner statistics, hint bits, the visibility map."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def _drop_indexes(tables: list[str]) -> list[str]:
    """Secondary indexes are rebuilt once after the copy rather than updated row by row (unique ones stay)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) AND indexdef NOT LIKE %s",
                [tables, "CREATE UNIQUE%"],
            )
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN "
                f"({', '.join(['%s'] * len(tables))}) AND sql NOT LIKE %s",
                [*tables, "CREATE UNIQUE%"],
            )
        found = cursor.fetchall()
        for name, _ in found:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    return [sql for _, sql in found]


def _recreate_indexes(statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _settle(before: dt.date, base_max: int) -> None:
    """Old copies as concluded cases: their deadlines met on time (see the module docstring)."""
    cutoff = dt.datetime.combine(before, dt.time(), clock.SHANGHAI)
    old = Petition.objects.filter(pk__gt=base_max, received_at__lt=cutoff)
    Deadline.objects.filter(petition__in=old, status=DeadlineStatus.OPEN).update(
        status=DeadlineStatus.MET, on_time=True, done_at=F("opened_at")
    )
    old.update(status=Status.CONCLUDED, next_due_on=None, next_due_stage="")


def _fix_sequences() -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in (Petition, PetitionParty, Deadline, Event):
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
