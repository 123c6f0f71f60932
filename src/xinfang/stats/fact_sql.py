"""The triggers that keep the facts (`fact_models`) and the statements that rebuild and compact them.

Each deadline or rating written, changed or removed appends its +1 (new key) and -1 (old key) rows, in the
writer's transaction. A petition whose ``is_repeat`` changes moves its deadlines' rows. Dates are kept per
month (see `fact_models.DeadlineFact`), but an open deadline's due day, which the rates compare with the as-of
day. Months are local (Asia/Shanghai, UTC+8 all year); a month's instant is its local midnight, so the
rates' own instant comparisons (``done_at >= period start``) read it unchanged. Every statement is built from
this module's constants (table and column names, the dialects' expressions): nothing typed reaches them,
which is what each ``# nosec B608`` says.
"""

from __future__ import annotations

from dataclasses import dataclass

from xinfang.deadlines.models import Stage

ACCEPTANCE = (Stage.ACCEPT.value, Stage.NOTIFY_DIRECT.value)
HANDLING = (Stage.HANDLE.value, Stage.SIMPLIFIED.value)
RATING = Stage.RATING.value
COLUMNS = "region_code, unit_kind, stage, status, rating_target, counts, due_on, done_at, is_repeat, n"
RATING_COLUMNS = "region_code, unit_kind, target, rating, rated_at, n"
# The unit's county (first six digits of its region code) and kind. A row without a unit has no fact: no
# jurisdiction counts it (`Scope.unit_q` names units).
UNIT_KEY = "substr(g.code, 1, 6), u.kind"
UNITS = "orgs_orgunit u JOIN orgs_region g ON g.id = u.region_id"


@dataclass(frozen=True)
class Dialect:
    month_of_date: str  # a format with {} for a date expression: the first day of its month
    month_of_instant: str  # ... for an instant: the local midnight starting its local month


SQLITE = Dialect("date({}, 'start of month')", "datetime(date({}, '+8 hours', 'start of month'), '-8 hours')")
POSTGRES = Dialect(
    "(date_trunc('month', {})::date)",
    "(date_trunc('month', {} AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai')",
)


def dialect(vendor: str) -> Dialect:
    return POSTGRES if vendor == "postgresql" else SQLITE


def _in(values) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def family_sql(row: str) -> str:
    """The overlap family of a deadline row (`FactOverlap.family`), NULL when no rate counts the stage."""
    return (
        f"CASE WHEN {row}.stage IN {_in(ACCEPTANCE)} THEN 'accept' "
        f"WHEN {row}.stage IN {_in(HANDLING)} THEN 'handle' "
        f"WHEN {row}.stage = '{RATING}' THEN 'r.' || {row}.rating_target END"
    )


def deadline_key(row: str, d: Dialect) -> str:
    """A deadline row's fact key but the unit's (`UNIT_KEY`) and the petition's (``p.is_repeat``)."""
    due = f"CASE WHEN {row}.status = 'open' THEN {row}.due_on ELSE {d.month_of_date.format(f'{row}.due_on')} END"
    done = f"CASE WHEN {row}.stage = '{RATING}' THEN {d.month_of_instant.format(f'{row}.done_at')} END"
    return f"{row}.stage, {row}.status, {row}.rating_target, {row}.counts, {due}, {done}"


def _join_unit(row: str) -> str:
    return f"JOIN orgs_orgunit u ON u.id = {row}.unit_id JOIN orgs_region g ON g.id = u.region_id"


def counted(row: str) -> str:
    """Only the stages a jurisdiction's rate reads have facts (a bureau's routing and the reviews have none)."""
    return f"{row}.stage IN {_in((*ACCEPTANCE, *HANDLING, RATING))}"


def _deadline_values(row: str, d: Dialect, sign: int) -> str:
    return (
        f"SELECT {UNIT_KEY}, {deadline_key(row, d)}, p.is_repeat, {sign} FROM petitions_petition p, {UNITS} "  # nosec B608
        f"WHERE p.id = {row}.petition_id AND u.id = {row}.unit_id AND {counted(row)}"
    )


def _rating_values(row: str, d: Dialect, sign: int) -> str:
    rated = d.month_of_instant.format(f"{row}.rated_at")
    return f"SELECT {UNIT_KEY}, {row}.target, {row}.rating, {rated}, {sign} FROM {UNITS} WHERE u.id = {row}.unit_id"  # nosec B608


def _petition_moved(d: Dialect, old_new: str) -> str:
    """A petition's deadlines moved from its old ``is_repeat`` to its new one (``v``: the value and sign)."""
    return (
        f"{_DL}SELECT {UNIT_KEY}, {deadline_key('d', d)}, v.r, v.s FROM workflow_deadline d {_join_unit('d')}, "  # nosec B608
        f"{old_new} WHERE d.petition_id = NEW.id AND {counted('d')}"
    )


def _overlap(day_conflict: str) -> str:
    """Record NEW's petition as overlapping in NEW's family once it has two rows of it."""
    family = family_sql("d")
    return (
        "INSERT INTO stats_factoverlap (petition_id, family, first_on, last_on) "  # nosec B608
        f"SELECT d.petition_id, {family}, MIN(d.due_on), MAX(d.due_on) FROM workflow_deadline d "
        f"WHERE d.petition_id = NEW.petition_id AND ({family}) = ({family_sql('NEW')}) "
        f"GROUP BY d.petition_id, {family} HAVING COUNT(*) > 1 "
        f"ON CONFLICT (petition_id, family) DO UPDATE SET {day_conflict}"
    )


_DEADLINE_FIELDS = ("unit_id", "stage", "status", "rating_target", "counts", "due_on", "done_at")
_CHANGED = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in _DEADLINE_FIELDS)
_RATING_CHANGED = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in ("unit_id", "target", "rating", "rated_at"))
_DL = f"INSERT INTO stats_deadlinefact ({COLUMNS}) "
_RT = f"INSERT INTO stats_ratingfact ({RATING_COLUMNS}) "
_SQLITE_OVERLAP = _overlap(
    "first_on = MIN(first_on, excluded.first_on), last_on = MAX(last_on, excluded.last_on)"
)
_PG_OVERLAP = _overlap(
    "first_on = LEAST(stats_factoverlap.first_on, excluded.first_on), "
    "last_on = GREATEST(stats_factoverlap.last_on, excluded.last_on)"
)
TRIGGERS = {
    "stats_fact_dl_ins": "workflow_deadline",
    "stats_fact_dl_upd": "workflow_deadline",
    "stats_fact_dl_del": "workflow_deadline",
    "stats_fact_pet_upd": "petitions_petition",
    "stats_fact_rt_ins": "evaluation_rating",
    "stats_fact_rt_upd": "evaluation_rating",
    "stats_fact_rt_del": "evaluation_rating",
}

SQLITE_UP = [
    "CREATE TRIGGER stats_fact_dl_ins AFTER INSERT ON workflow_deadline BEGIN "
    f"{_DL}{_deadline_values('NEW', SQLITE, 1)}; {_SQLITE_OVERLAP}; END",
    f"CREATE TRIGGER stats_fact_dl_upd AFTER UPDATE ON workflow_deadline WHEN {_CHANGED} BEGIN "
    f"{_DL}{_deadline_values('OLD', SQLITE, -1)}; {_DL}{_deadline_values('NEW', SQLITE, 1)}; "
    f"{_SQLITE_OVERLAP}; END",
    "CREATE TRIGGER stats_fact_dl_del AFTER DELETE ON workflow_deadline BEGIN "
    f"{_DL}{_deadline_values('OLD', SQLITE, -1)}; END",
    "CREATE TRIGGER stats_fact_pet_upd AFTER UPDATE OF is_repeat ON petitions_petition "
    "WHEN OLD.is_repeat IS NOT NEW.is_repeat BEGIN "
    f"{_petition_moved(SQLITE, '(SELECT OLD.is_repeat AS r, -1 AS s UNION ALL SELECT NEW.is_repeat, 1) v')}; END",
    f"CREATE TRIGGER stats_fact_rt_ins AFTER INSERT ON evaluation_rating BEGIN "
    f"{_RT}{_rating_values('NEW', SQLITE, 1)}; END",
    f"CREATE TRIGGER stats_fact_rt_upd AFTER UPDATE ON evaluation_rating WHEN {_RATING_CHANGED} BEGIN "
    f"{_RT}{_rating_values('OLD', SQLITE, -1)}; {_RT}{_rating_values('NEW', SQLITE, 1)}; END",
    "CREATE TRIGGER stats_fact_rt_del AFTER DELETE ON evaluation_rating BEGIN "
    f"{_RT}{_rating_values('OLD', SQLITE, -1)}; END",
]
SQLITE_DOWN = [f"DROP TRIGGER IF EXISTS {name}" for name in TRIGGERS]

_PG_CHANGED = _CHANGED.replace(" IS NOT ", " IS DISTINCT FROM ")
_PG_RATING_CHANGED = _RATING_CHANGED.replace(" IS NOT ", " IS DISTINCT FROM ")
PG_UP = [
    f"""CREATE OR REPLACE FUNCTION stats_fact_deadline() RETURNS trigger AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN {_DL}{_deadline_values("OLD", POSTGRES, -1)}; END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') THEN {_DL}{_deadline_values("NEW", POSTGRES, 1)}; {_PG_OVERLAP}; END IF;
      RETURN NULL;
    END; $$ LANGUAGE plpgsql""",
    "CREATE TRIGGER stats_fact_dl_ins AFTER INSERT ON workflow_deadline "
    "FOR EACH ROW EXECUTE FUNCTION stats_fact_deadline()",
    f"CREATE TRIGGER stats_fact_dl_upd AFTER UPDATE ON workflow_deadline FOR EACH ROW WHEN ({_PG_CHANGED}) "
    "EXECUTE FUNCTION stats_fact_deadline()",
    "CREATE TRIGGER stats_fact_dl_del AFTER DELETE ON workflow_deadline "
    "FOR EACH ROW EXECUTE FUNCTION stats_fact_deadline()",
    f"""CREATE OR REPLACE FUNCTION stats_fact_petition() RETURNS trigger AS $$
    BEGIN
      {_petition_moved(POSTGRES, "(VALUES (OLD.is_repeat, -1), (NEW.is_repeat, 1)) AS v (r, s)")};
      RETURN NULL;
    END; $$ LANGUAGE plpgsql""",
    "CREATE TRIGGER stats_fact_pet_upd AFTER UPDATE OF is_repeat ON petitions_petition FOR EACH ROW "
    "WHEN (OLD.is_repeat IS DISTINCT FROM NEW.is_repeat) EXECUTE FUNCTION stats_fact_petition()",
    f"""CREATE OR REPLACE FUNCTION stats_fact_rating() RETURNS trigger AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN {_RT}{_rating_values("OLD", POSTGRES, -1)}; END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') THEN {_RT}{_rating_values("NEW", POSTGRES, 1)}; END IF;
      RETURN NULL;
    END; $$ LANGUAGE plpgsql""",
    "CREATE TRIGGER stats_fact_rt_ins AFTER INSERT ON evaluation_rating "
    "FOR EACH ROW EXECUTE FUNCTION stats_fact_rating()",
    f"CREATE TRIGGER stats_fact_rt_upd AFTER UPDATE ON evaluation_rating FOR EACH ROW "
    f"WHEN ({_PG_RATING_CHANGED}) EXECUTE FUNCTION stats_fact_rating()",
    "CREATE TRIGGER stats_fact_rt_del AFTER DELETE ON evaluation_rating "
    "FOR EACH ROW EXECUTE FUNCTION stats_fact_rating()",
]
PG_DOWN = [f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table in TRIGGERS.items()] + [
    f"DROP FUNCTION IF EXISTS {name}()"
    for name in ("stats_fact_deadline", "stats_fact_petition", "stats_fact_rating")
]


def rebuild_statements(vendor: str) -> list[str]:
    """Empty the facts and derive them again from every deadline and rating, grouped by key."""
    d = dialect(vendor)
    key = f"{UNIT_KEY}, {deadline_key('d', d)}, p.is_repeat"
    rating_key = f"{UNIT_KEY}, r.target, r.rating, {d.month_of_instant.format('r.rated_at')}"
    family = family_sql("d")
    return [
        "DELETE FROM stats_deadlinefact",
        "DELETE FROM stats_ratingfact",
        "DELETE FROM stats_factoverlap",
        f"{_DL}SELECT {key}, COUNT(*) FROM workflow_deadline d JOIN petitions_petition p ON p.id = d.petition_id "  # nosec B608
        f"{_join_unit('d')} WHERE {counted('d')} GROUP BY {key}",
        f"{_RT}SELECT {rating_key}, COUNT(*) FROM evaluation_rating r {_join_unit('r')} GROUP BY {rating_key}",  # nosec B608
        "INSERT INTO stats_factoverlap (petition_id, family, first_on, last_on) "  # nosec B608
        f"SELECT d.petition_id, {family}, MIN(d.due_on), MAX(d.due_on) FROM workflow_deadline d "
        f"WHERE ({family}) IS NOT NULL GROUP BY d.petition_id, {family} HAVING COUNT(*) > 1",
    ]


def compact_statements(vendor: str) -> list[str]:
    """Fold the delta rows into one row per key (keys summing to 0 vanish). On PostgreSQL one statement, so one
    snapshot: a delta committed meanwhile is neither deleted nor summed. SQLite has one writer at a time."""
    out = []
    for table, columns in (("stats_deadlinefact", COLUMNS), ("stats_ratingfact", RATING_COLUMNS)):
        keys = columns.removesuffix(", n")
        if vendor == "postgresql":
            out.append(
                f"WITH moved AS (DELETE FROM {table} RETURNING {columns}) "  # nosec B608
                f"INSERT INTO {table} ({columns}) SELECT {keys}, SUM(n) FROM moved GROUP BY {keys} "
                "HAVING SUM(n) <> 0"
            )
        else:
            out += [
                f"CREATE TEMP TABLE fact_moved AS SELECT {keys}, SUM(n) AS n FROM {table} GROUP BY {keys}",  # nosec B608
                f"DELETE FROM {table}",  # nosec B608
                f"INSERT INTO {table} ({columns}) SELECT {columns} FROM fact_moved WHERE n <> 0",  # nosec B608
                "DROP TABLE fact_moved",
            ]
    return out
