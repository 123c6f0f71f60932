"""Personas: the people of a small county, so each test reads like a scene.

上城区 (330102) under 杭州市 (330100): the county bureau, two townships, a department, the discipline
organ, and the city bureau above. Named users hold the roles of process.md §1.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from types import SimpleNamespace

import pytest
from django.db import transaction
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from xinfang import clock
from xinfang.notifications import sms as sms_gateway
from xinfang.orgs.models import Level, Role, UnitKind
from xinfang.workflow import hooks

from . import dbroles
from . import factories as f

# The owner makes the test databases, the tests run as the application's role (tests/dbroles.py).
django_db_modify_db_settings = dbroles.django_db_modify_db_settings
django_db_setup = dbroles.django_db_setup

# Property tests judge correctness, not speed: a loaded CI machine must not turn them into deadline failures.
hypothesis_settings.register_profile(
    "xinfang",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
hypothesis_settings.load_profile("xinfang")


def _force_login_counts_as_fresh(sender, request, user, **kwargs):
    """Client.force_login checks no password; tests that use it test something other than re-authentication."""
    from xinfang.accounts import reauth

    if request is not None and request.method is None:  # the test client's bare HttpRequest
        reauth.mark(request.session)


def pytest_configure(config):
    from django.conf import settings

    dbroles.install_flush_guards()
    # Tasks run where they are queued (XF_HUEY_IMMEDIATE): a notice's files are written when the
    # transition's commit callbacks run (django_capture_on_commit_callbacks), not by a worker nobody started.
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True

    # Password hashing by design is slow; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # What the gateway receives (codes included) stays in memory: `sms_outbox`.
    settings.XF_SMS_BACKEND = "xinfang.notifications.sms.LocmemSmsBackend"
    # Most tests log in with force_login and test something else; tests/accounts turns the 2FA gate on.
    settings.XF_2FA_ENFORCED = False
    # Scenes move the clock by days between the requests of one session; tests/accounts sets the real limits.
    settings.XF_SESSION_IDLE_MINUTES = settings.XF_SESSION_ABSOLUTE_MINUTES = 100 * 365 * 24 * 60
    settings.XF_REAUTH_MINUTES = 100 * 365 * 24 * 60
    from django.contrib.auth.signals import user_logged_in

    user_logged_in.connect(_force_login_counts_as_fresh, dispatch_uid="tests.force_login_fresh")
    # The manifest storage needs `collectstatic`; tests (and the browser tests' live server) serve from finders.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def sms_outbox():
    """The messages handed to the SMS gateway in this test, as (phone, Sms), secrets in clear."""
    sms_gateway.outbox.clear()
    yield sms_gateway.outbox
    sms_gateway.outbox.clear()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # Templates call {% static %}; the manifest storage of production needs collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    return bool({"live_server", "transactional_db"} & set(getattr(item, "fixturenames", ())))


@pytest.hookimpl(tryfirst=True)  # before pytest-django sorts the items and xdist reads their groups
def pytest_collection_modifyitems(config, items):
    """Transactional tests (threads, the browser tests' live server) empty the database when they end, seed
    rows from data migrations included (categories, deadline policies, document templates...). Serialized
    rollback puts the migrated state back before each of them, so no test depends on which ran first; and
    pytest-django runs them after every other database test, which must still find the seed rows.

    Under xdist (`--dist loadgroup`, without reordering) that order must hold on each worker: the tests of a
    module go to one worker together (its module-scoped fixtures are built once), its transactional tests
    in a group of their own, which comes after all the non-transactional groups in the queue because it
    comes so in the collection; a worker takes groups in the queue's order, so it runs the transactional
    ones last."""
    for item in items:
        if _is_transactional(item):
            marker = item.get_closest_marker("django_db")
            extra = {k: v for k, v in (marker.kwargs if marker else {}).items() if k not in {"transaction"}}
            extra["serialized_rollback"] = True
            item.add_marker(pytest.mark.django_db(transaction=True, **extra), append=False)
    _module_rows_last(items)
    # Always: on an xdist worker `hasplugin("xdist")` answered no, so no group was ever set and module
    # fixtures were built once per worker. The mark is harmless without -n.
    for item in items:
        item.add_marker(pytest.mark.xdist_group(_xdist_group(item)))


def _module_rows_last(items) -> None:
    """Within a module, the tests that use its `module_rows` run after those that do not."""
    first_seen: dict[str, int] = {}
    for index, item in enumerate(items):
        first_seen.setdefault(str(item.path), index)
    items.sort(
        key=lambda item: (
            first_seen[str(item.path)],
            bool(MODULE_ROWS & set(getattr(item, "fixturenames", ()))),
        )
    )


def _xdist_group(item) -> str:
    module = item.nodeid.split("::", 1)[0]
    return f"{module}#transactional" if _is_transactional(item) else module


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    from xinfang.api import lookups

    cache.clear()  # rate limits and lockouts must not leak from one test into the next
    lookups.clear_all()  # nor reference rows cached per process from a test whose rows were rolled back
    yield


@pytest.fixture(autouse=True)
def _reset_clock():
    yield
    clock.reset()


def silence(patch: pytest.MonkeyPatch) -> None:
    """Transitions issue no notice document: rendering PDFs is the documents app's business and slow.
    The registered issuer does nothing (an empty registry would not mean the same)."""
    patch.setattr(hooks, "notice_issuers", [lambda *args, **kwargs: None])


@pytest.fixture
def silence_notices(monkeypatch):
    """No notice documents for this test (see `silence`; module fixtures call `silence` themselves)."""
    silence(monkeypatch)


def stop_clock(instant: dt.datetime) -> dt.datetime:
    """Stop the clock at ``instant`` (a naive one is in Asia/Shanghai) until it is moved or reset."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=clock.SHANGHAI)
    clock.set_source(lambda: instant)
    return instant


@pytest.fixture
def frozen_clock():
    """Stop the clock; `frozen_clock(datetime)` moves it."""
    yield stop_clock
    clock.reset()


MODULE_ROWS: set[str] = set()


def module_rows(build: Callable[[], Iterator]):
    """A module-scoped fixture of rows built once for all the tests of a module that use it.

    ``build`` is a generator function: it builds, yields the fixture's value, then tidies up. It runs in one
    transaction, rolled back after the module, so every test runs inside it (pytest-django's per-test
    transaction becomes a savepoint) and leaves the database as it found it; the same on SQLite and
    PostgreSQL, and per xdist worker (a module runs on one worker, see `_xdist_group`). Tests of the module
    that do not use the rows run before those that do (see `pytest_collection_modifyitems`), so they find
    the database without them. Nothing in the module may be transactional: a flush would empty it."""
    name = build.__name__
    MODULE_ROWS.add(name)

    @pytest.fixture(scope="module", name=name)
    def fixture(django_db_setup, django_db_blocker):
        with django_db_blocker.unblock(), transaction.atomic():
            yield from build()
            transaction.set_rollback(True)

    return fixture


@pytest.fixture
def org(db):
    national = f.region("100000", "全国", Level.NATIONAL)
    province = f.region("330000", "浙江省", Level.PROVINCE, national)
    city = f.region("330100", "杭州市", Level.CITY, province)
    county = f.region("330102", "上城区", Level.COUNTY, city)
    qingbo = f.region("330102001", "清波街道", Level.TOWNSHIP, county)
    hubin = f.region("330102002", "湖滨街道", Level.TOWNSHIP, county)
    other_county = f.region("330105", "拱墅区", Level.COUNTY, city)
    city_bureau = f.unit("330100-XFJ", "杭州市信访局", UnitKind.BUREAU, city)
    bureau = f.unit("330102-XFJ", "上城区信访局", UnitKind.BUREAU, county, city_bureau)
    other_bureau = f.unit("330105-XFJ", "拱墅区信访局", UnitKind.BUREAU, other_county, city_bureau)
    housing = f.unit("330102-ZJJ", "上城区住房和城乡建设局", UnitKind.DEPARTMENT, county, bureau)
    discipline = f.unit("330102-JW", "上城区纪委监委", UnitKind.DISCIPLINE, county, bureau)
    qingbo_unit = f.unit("330102001", "清波街道办事处", UnitKind.TOWNSHIP, qingbo, bureau)
    hubin_unit = f.unit("330102002", "湖滨街道办事处", UnitKind.TOWNSHIP, hubin, bureau)
    return SimpleNamespace(
        national=national,
        province=province,
        city=city,
        county=county,
        qingbo=qingbo,
        hubin=hubin,
        other_county=other_county,
        city_bureau=city_bureau,
        bureau=bureau,
        other_bureau=other_bureau,
        housing=housing,
        discipline=discipline,
        qingbo_unit=qingbo_unit,
        hubin_unit=hubin_unit,
    )


def _user(username, unit, *roles, full_name=""):
    return f.UserFactory(username=username, unit=unit, roles=list(roles), full_name=full_name or username)


@pytest.fixture
def people(org):
    return SimpleNamespace(
        registrar=_user("registrar", org.bureau, Role.REGISTRAR, full_name="王登记"),
        bureau_handler=_user("bureau_handler", org.bureau, Role.HANDLER, Role.SUPERVISOR),
        bureau_leader=_user("bureau_leader", org.bureau, Role.BUREAU_LEADER, full_name="李局长"),
        reviewer=_user("reviewer", org.bureau, Role.REVIEWER),
        township_handler=_user("qingbo_handler", org.qingbo_unit, Role.HANDLER, full_name="赵承办"),
        township_leader=_user("qingbo_leader", org.qingbo_unit, Role.UNIT_LEADER),
        other_township_handler=_user("hubin_handler", org.hubin_unit, Role.HANDLER),
        department_handler=_user("zjj_handler", org.housing, Role.HANDLER),
        department_leader=_user("zjj_leader", org.housing, Role.UNIT_LEADER),
        discipline_handler=_user("jw_handler", org.discipline, Role.HANDLER),
        city_registrar=_user("city_registrar", org.city_bureau, Role.REGISTRAR),
        other_county_registrar=_user("gs_registrar", org.other_bureau, Role.REGISTRAR),
        auditor=_user("auditor", org.bureau, Role.AUDITOR),
    )
