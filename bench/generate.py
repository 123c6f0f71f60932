"""Bench data: a base of demo petitions with real histories, multiplied in SQL to the size asked for.

1. **Base** (`--base`, default 4,000): the demo generator's petitions (`xinfang.demo.generator.generate`: realistic
   texts, parties, collective visits, repeats, registered through `petitions.services.register_many` in chunks, so
   with the audit events, deadlines and search documents (jieba) a registration writes), and then **every
   one of them driven through its planned history with `workflow.services.perform`** (`xinfang.demo.plans`:
   transfer or assign to a township or department, accept, object, extend, reply, deliver, rate, request review, ...),
   so routings, deadlines met and missed, replies, ratings and reviews are the workflow's own rows across the
   county's units. Documents and notifications are not produced for the replayed steps (`replaying_history`).
2. **Copies**: the base is copied inside the database with one `INSERT ... SELECT ... CROSS JOIN <copy numbers>` per
   table and chunk of copies, copy k shifted back (k mod 10) × 364 days (weekdays kept) so the records span ten
   years. Every copied table (petitions, parties, deadlines, routings, replies, extensions, ratings, reviews, audit
   events, search documents) gets new keys (key + k × the base's largest key of that table) and every reference
   between copied rows is shifted the same way; registration numbers and query-code hashes are made unique.
   Petitioners are shared by the copies (one county's people, petitioning over the years).
3. **Settled**: a copy moved back a year or more had its open steps finished long ago: open deadlines are written
   met (rating windows: expired unrated) and open petitions concluded, in the same statement.

Secondary indexes are dropped for the copy and rebuilt once; foreign keys are not re-checked row by row for the
copy (PostgreSQL `session_replication_role = replica`, SQLite `foreign_keys = OFF`): every reference is an
existing row shifted by the same rule. Then `VACUUM ANALYZE` / `ANALYZE`, as autovacuum would after a bulk load.
"""

from __future__ import annotations

import contextlib
import math
import time
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import AutoField, BigAutoField, DateField, DateTimeField, ForeignKey, OneToOneField

from xinfang.assist.models import SignatureBand, TextSignature
from xinfang.audit.models import ChainHead, Event
from xinfang.demo.county import load_demo_county
from xinfang.demo.generator import generate
from xinfang.demo.plans import replay
from xinfang.evaluation.models import Rating, Review
from xinfang.exchange.importer import replaying_history
from xinfang.petitions import deferral
from xinfang.petitions.models import OPEN_STATUSES, Petition, PetitionParty, Status
from xinfang.search.index import index_missing
from xinfang.search.models import SearchDocument
from xinfang.stats import fact_sql, facts
from xinfang.workflow.models import Deadline, DeadlineStatus, Extension, Reply, Routing

BASE_MAX = 4_000
YEARS = 10
SEED = 20260301
COPIES_PER_STATEMENT = 25
PROVINCE_BASE_MIN = 300  # a province's base is its demo county's share of the size, but never fewer than this
# Parents before children; every row of these tables belongs to one petition and is copied with it.
COPIED = (
    Petition,
    PetitionParty,
    Deadline,
    Routing,
    Reply,
    Extension,
    Rating,
    Review,
    Event,
    SearchDocument,
    # The similar-text lookup's rows (128 bands a petition): a copy without them would understate both the
    # database's size and the lookup's bucket sizes at scale.
    TextSignature,
    SignatureBand,
)


@dataclass
class Generation:
    size: int = 0
    base: int = 0
    actions: int = 0
    base_seconds: float = 0.0
    index_seconds: float = 0.0
    history_seconds: float = 0.0
    copy_seconds: float = 0.0
    rows_copied: int = 0
    counties: int = 1

    @property
    def seconds(self) -> float:
        return self.base_seconds + self.index_seconds + self.history_seconds + self.copy_seconds


def build(size: int, base_max: int = BASE_MAX, log=print, province: dict | None = None) -> Generation:
    """`province={"cities": 10, "counties": 10}`: the province shape (bench/province_tree.py), the base
    sized to the demo county's share of the province's population and every copy moved into one county."""
    out = Generation(size=size)
    load_demo_county()
    base = min(size, base_max)
    counties = None
    if province is not None:
        from . import province_tree

        share = province_tree.home_share(province["cities"], province["counties"])
        base = min(base, max(PROVINCE_BASE_MIN, round(size * share)))
    started = time.perf_counter()
    generate(base, SEED)
    out.base, out.base_seconds = base, time.perf_counter() - started
    log(f"  base: {base} petitions in {out.base_seconds:.1f} s ({base / out.base_seconds:.0f}/s)")
    started = time.perf_counter()
    # What the worker does after registration (petitions.deferral: documents, signatures), done here: no
    # worker runs during the bench; index_missing only catches a petition left without a document.
    while deferral.run():
        pass
    index_missing()
    out.index_seconds = time.perf_counter() - started
    log(f"  search index and signatures of the base (the worker's part): {out.index_seconds:.1f} s")
    started = time.perf_counter()
    with replaying_history(), transaction.atomic():
        replayed, out.actions = replay(SEED, limit=base)
    out.history_seconds = time.perf_counter() - started
    log(
        f"  histories: {replayed} petitions, {out.actions} workflow actions in {out.history_seconds:.1f} s "
        f"({out.actions / max(out.history_seconds, 1e-9):.0f} actions/s)"
    )
    copies = math.ceil(size / base) - 1
    if province is not None:
        started = time.perf_counter()
        counties = province_tree.build(province["cities"], province["counties"])
        out.counties = len(counties)
        log(f"  province: {len(counties)} counties in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    if copies and counties is not None:
        base_ids = list(Petition.objects.order_by("pk").values_list("pk", flat=True))
        province_tree.assign(base_ids, copies, size - base, counties, SEED)
        out.rows_copied = amplify(copies, size - base, log=log, remap=True)
        province_tree.drop_maps()
    elif copies:
        out.rows_copied = amplify(copies, size - base, log=log)
    out.copy_seconds = time.perf_counter() - started
    started = time.perf_counter()
    analyze(log)
    log(f"  vacuum/analyze: {time.perf_counter() - started:.1f} s (not counted in the generation rate)")
    out.size = Petition.objects.count()
    if copies:
        rate = (out.size - base) / out.copy_seconds
        log(
            f"  {copies} copies in SQL: {out.size - base} petitions ({out.rows_copied} rows) in "
            f"{out.copy_seconds:.1f} s ({rate:.0f} petitions/s)"
        )
    return out


# --- copying in SQL -------------------------------------------------------------------------------------


def _pg() -> bool:
    return connection.vendor == "postgresql"


def _days() -> str:
    return f"((k % {YEARS}) * 364)"


def _shift(column: str, field) -> str:
    if _pg():
        if isinstance(field, DateTimeField):
            return f"({column} - {_days()} * interval '1 day')"
        return f"({column} - {_days()})"
    if isinstance(field, DateTimeField):
        return f"strftime('%Y-%m-%d %H:%M:%f', {column}, '-' || {_days()} || ' days')"
    return f"date({column}, '-' || {_days()} || ' days')"


def _settled(expression: str, settled: str) -> str:
    """`settled` in a copy moved back a year or more, else the base row's value."""
    return f"CASE WHEN k % {YEARS} <> 0 AND {{open}} THEN {settled} ELSE {expression} END"


def _overrides(model, strides: dict, quote, code=lambda column: column) -> dict[str, str]:
    pg = _pg()
    if model is Petition:
        stride = strides[Petition]
        # The year of the registration number is the local (Asia/Shanghai) year of the shifted receipt.
        year = (
            f"to_char({_shift('received_at', DateTimeField())} AT TIME ZONE 'Asia/Shanghai', 'YYYY')"
            if pg
            else f"strftime('%Y', received_at, '+8 hours', '-' || {_days()} || ' days')"
        )
        number = (
            f"lpad((id + k * {stride})::text, greatest(8, length((id + k * {stride})::text)), '0')"
            if pg
            else f"printf('%08d', id + k * {stride})"
        )
        code_hash = (
            "md5(query_code_hash || k::text) || md5(k::text || query_code_hash)"
            if pg
            else "lower(hex(randomblob(32)))"
        )
        is_open = "status IN ({})".format(", ".join(f"'{s.value}'" for s in OPEN_STATUSES))
        return {
            "registration_number": f"'XF-' || {code('receiving_region_code')} || '-' || {year} || '-' || {number}",
            "query_code_hash": code_hash,
            "external_id": "NULL",
            "status": _settled("status", f"'{Status.CONCLUDED.value}'").format(open=is_open),
            "next_due_on": _settled(_shift("next_due_on", DateField()), "NULL").format(open=is_open),
            "next_due_stage": _settled("next_due_stage", "''").format(open=is_open),
        }
    if model is Deadline:
        is_open = f"status = '{DeadlineStatus.OPEN.value}'"
        status = (
            f"CASE WHEN is_window THEN '{DeadlineStatus.MISSED.value}' ELSE '{DeadlineStatus.MET.value}' END"
        )
        true, false = ("true", "false") if pg else ("1", "0")
        done_at = _shift("opened_at", DateTimeField())
        return {
            "status": _settled("status", status).format(open=is_open),
            "on_time": _settled("on_time", f"CASE WHEN is_window THEN {false} ELSE {true} END").format(
                open=is_open
            ),
            "done_at": _settled(
                _shift("done_at", DateTimeField()), f"CASE WHEN is_window THEN NULL ELSE {done_at} END"
            ).format(open=is_open),
        }
    if model is Event:
        target = f"CAST(CAST(target_id AS {'bigint' if pg else 'INTEGER'}) + k * {strides[Petition]} AS TEXT)"
        return {
            "target_id": f"CASE WHEN target_type = 'petition' THEN {target} ELSE target_id END",
            "data": _shift_json_dates("data"),
            # Unique places in the chain, not links of it: see _move_chain_head.
            "seq": f"seq + k * {strides['event_seq']}",
        }
    return {}


def _shift_json_dates(column: str) -> str:
    """The event's own data (what the exporter writes back out as the event) with its dates moved too:
    every top-level value that is a date (`received_on`, `handling_due_on`, `report_due`, ...)."""
    if _pg():
        value = "(e.value #>> '{}')"
        shifted = (
            f"CASE WHEN jsonb_typeof(e.value) = 'string' AND {value} ~ '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}$' "
            f"THEN to_jsonb(to_char({value}::date - {_days()}, 'YYYY-MM-DD')) ELSE e.value END"
        )
        rebuilt = f"(SELECT jsonb_object_agg(e.key, {shifted}) FROM jsonb_each({column}) AS e)"
        return (
            f"CASE WHEN k % {YEARS} = 0 OR {column} IS NULL OR {column} = '{{}}'::jsonb THEN {column} "
            f"ELSE {rebuilt} END"
        )
    shifted = (
        "CASE WHEN e.type = 'text' AND e.value GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' "
        f"THEN date(e.value, '-' || {_days()} || ' days') "
        "WHEN e.type IN ('object', 'array') THEN json(e.value) "
        "WHEN e.type IN ('true', 'false') THEN json(e.type) ELSE e.value END"
    )
    rebuilt = f"(SELECT json_group_object(e.key, {shifted}) FROM json_each({column}) AS e)"
    return (
        f"CASE WHEN k % {YEARS} = 0 OR {column} IS NULL OR {column} = '{{}}' THEN {column} ELSE {rebuilt} END"
    )


def _mapped(table: str, key: str, new: str, column: str) -> str:
    """The county's counterpart of a base row's unit or region (bench_assign's n and twin), else itself."""
    return (
        f"COALESCE((SELECT m.{new} FROM {table} m WHERE m.{key} = {column} AND m.n = a.n "
        f"AND m.twin = a.twin), {column})"
    )


def _copy_sql(model, strides: dict, first: int, last: int, limit_petition: int, remap: bool = False) -> str:
    """Copies `first`..`last` of the base rows of `model`; the last copy only up to petition `limit_petition`.

    `remap`: the province shape. Which copies of which petitions exist is bench_assign's (pid, k) rather than
    every k, and each copy's units, regions and region codes are its county's (bench/province_tree.py)."""
    quote = connection.ops.quote_name
    from xinfang.orgs.models import OrgUnit, Region

    def code(column: str) -> str:
        return _mapped("bench_code_map", "old_code", "new_code", column) if remap else column

    overrides = _overrides(model, strides, quote, code)
    columns, values = [], []
    for field in model._meta.concrete_fields:
        column = quote(field.column)
        if field.column in overrides:
            value = overrides[field.column]
        elif remap and isinstance(field, ForeignKey) and field.related_model is OrgUnit:
            value = _mapped("bench_unit_map", "old_id", "new_id", column)
        elif remap and isinstance(field, ForeignKey) and field.related_model is Region:
            value = _mapped("bench_region_map", "old_id", "new_id", column)
        elif remap and field.column.endswith("region_code"):
            value = code(column)
        elif isinstance(field, (ForeignKey, OneToOneField)) and field.related_model in strides:
            value = f"{column} + k * {strides[field.related_model]}"
        elif field.primary_key and isinstance(field, (AutoField, BigAutoField)):
            value = f"{column} + k * {strides[model]}"
        elif isinstance(field, (DateField, DateTimeField)):
            value = _shift(column, field)
        else:
            value = column
        columns.append(column)
        values.append(value)
    petition = "id" if model is Petition else "petition_id"
    if remap:
        table = quote(model._meta.db_table)
        return (
            f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} FROM {table} "
            f"JOIN bench_assign a ON a.pid = {table}.{petition} WHERE a.k BETWEEN {first} AND {last}"
        )
    copies = f"generate_series({first}, {last}) AS ks(k)" if _pg() else "ks"
    with_ks = (
        ""
        if _pg()
        else f"WITH RECURSIVE ks(k) AS (SELECT {first} UNION ALL SELECT k + 1 FROM ks WHERE k < {last}) "
    )
    return (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(columns)}) {with_ks}"
        f"SELECT {', '.join(values)} FROM {quote(model._meta.db_table)} CROSS JOIN {copies} "
        f"WHERE {petition} <= {strides[Petition]} AND (k < {last} OR {petition} <= {limit_petition})"
    )


def _strides() -> dict:
    """The base's largest key of each copied table: copy k of a row gets key + k × stride."""
    strides = {}
    for model in COPIED:
        key = model._meta.pk.attname
        strides[model] = model.objects.order_by(f"-{key}").values_list(key, flat=True).first() or 0
    strides[SearchDocument] = strides[Petition]
    strides["event_seq"] = Event.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    return strides


def _move_chain_head() -> None:
    """Copied events keep their base row's hash, so the copies do not verify (`xinfang audit verify` names the
    first copy); the head moves past them so that what the measures write next takes fresh places."""
    last = Event.objects.order_by("-seq").values("seq", "hash").first()
    if last is not None:
        ChainHead.objects.filter(pk=1).update(seq=last["seq"], hash=last["hash"])


@contextlib.contextmanager
def _unchecked_references():
    """Foreign keys not re-checked row by row while copying (every reference is a shifted existing row)."""
    with connection.cursor() as cursor:
        if _pg():
            cursor.execute("SET session_replication_role = replica")
            try:
                yield
            finally:
                cursor.execute("SET session_replication_role = DEFAULT")
        else:
            cursor.execute("PRAGMA foreign_keys = OFF")  # only takes effect outside a transaction
            # Nor the statistics facts' triggers (row by row; rebuilt after the copy).
            for sql in fact_sql.SQLITE_DOWN:
                cursor.execute(sql)
            try:
                yield
            finally:
                for sql in fact_sql.SQLITE_UP:
                    cursor.execute(sql)
                cursor.execute("PRAGMA foreign_keys = ON")


def amplify(copies: int, wanted: int, log=print, fix_sequences: bool = True, remap: bool = False) -> int:
    """Write `copies` copies of the base, `wanted` petitions in all (the last copy may be partial).

    `fix_sequences=False` leaves PostgreSQL's id sequences alone (setval outlives a rolled-back test);
    `remap=True` copies what bench_assign lists, each into its county (bench/province_tree.py)."""
    strides = _strides()
    stride = strides[Petition]
    base_ids = list(Petition.objects.order_by("pk").values_list("pk", flat=True))
    # The last copy takes the base petitions up to this key (all of them when it is whole).
    last_limit = base_ids[wanted - (copies - 1) * len(base_ids) - 1]
    tables = [m._meta.db_table for m in COPIED]
    rows = 0
    with _unchecked_references(), transaction.atomic():
        if _pg():
            with connection.cursor() as cursor:
                # Checks still pending from earlier in the transaction run now: CREATE INDEX refuses a table
                # with pending trigger events.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        dropped = _drop_indexes(tables)
        started = time.perf_counter()
        for first in range(1, copies + 1, COPIES_PER_STATEMENT):
            last = min(first + COPIES_PER_STATEMENT - 1, copies)
            limit = last_limit if last == copies else stride
            with connection.cursor() as cursor:
                for model in COPIED:
                    cursor.execute(_copy_sql(model, strides, first, last, limit, remap))
                    rows += cursor.rowcount
                # A repeat whose earlier petition lies beyond a partial last copy points nowhere: unlink it.
                if last == copies and limit < stride:
                    low = copies * stride
                    cursor.execute(
                        f"UPDATE petitions_petition SET repeat_of_id = NULL WHERE id > {low} "
                        f"AND repeat_of_id > {low + limit}"
                    )
            done = min(last * len(base_ids), wanted)
            log(f"    copies {first}–{last}: {done:,} petitions, {time.perf_counter() - started:.0f} s")
        index_started = time.perf_counter()
        _recreate_indexes(dropped)
        log(f"    indexes rebuilt in {time.perf_counter() - index_started:.0f} s")
        # The statistics' monthly facts: their triggers did not see the copy (PostgreSQL's replica role
        # skips them, SQLite's were dropped for it), so they are derived once from every row (stats.facts).
        facts_started = time.perf_counter()
        facts.rebuild()
        log(f"    statistics facts rebuilt in {time.perf_counter() - facts_started:.0f} s")
        if fix_sequences:
            _fix_sequences()
        _move_chain_head()
    return rows


def analyze(log=print) -> None:
    """What autovacuum does after a bulk load anyway: planner statistics, hint bits, the visibility map.

    On PostgreSQL an index rebuilt over rows updated earlier whose old versions cannot yet be removed
    (the histories' updates, while another database's long transaction holds the cluster's xmin horizon:
    another bench building at the same time) is marked `indcheckxmin` and is not used by any query until
    that transaction ends, so every query on the table becomes a sequential scan (a 200,000-petition
    dashboard took minutes). VACUUM FULL rewrites such a table and its indexes without that mark."""
    with connection.cursor() as cursor:
        if not _pg():
            cursor.execute("ANALYZE")
            return
        cursor.execute(
            "SELECT DISTINCT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
            "WHERE i.indcheckxmin AND c.relname = ANY(%s)",
            [[m._meta.db_table for m in COPIED]],
        )
        for (table,) in cursor.fetchall():
            log(f"  {table}: indexes not yet usable (indcheckxmin), rewritten by VACUUM FULL")
            cursor.execute(f"VACUUM FULL {connection.ops.quote_name(table)}")
        cursor.execute("VACUUM ANALYZE")


def _drop_indexes(tables: list[str]) -> list[str]:
    """Secondary indexes are rebuilt once after the copy rather than updated row by row (unique ones stay)."""
    with connection.cursor() as cursor:
        if _pg():
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


def _fix_sequences() -> None:
    if not _pg():
        return
    with connection.cursor() as cursor:
        for model in COPIED:
            if model is SearchDocument:
                continue
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
