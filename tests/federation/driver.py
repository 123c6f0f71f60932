"""One instance's hands for the multi-process tests and ``make federation-demo``: a long-lived process that
reads one JSON command a line on stdin and answers one JSON line on stdout (Django set up once, so each step
costs milliseconds, not a process start). Run as ``python tests/federation/driver.py`` with the instance's
environment (XF_DATA_DIR, ...)."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import sys
import time
import traceback

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.settings")
django.setup()

from django.core.management import call_command  # noqa: E402

from xinfang import clock  # noqa: E402
from xinfang.audit.models import Event  # noqa: E402
from xinfang.evaluation.models import Rating  # noqa: E402
from xinfang.federation import delivery, inbox, services  # noqa: E402
from xinfang.federation.models import InboxEvent, OutboxEvent  # noqa: E402
from xinfang.orgs.models import Level, OrgUnit, Region, Role, UnitKind, User  # noqa: E402
from xinfang.petitions import services as petitions  # noqa: E402
from xinfang.petitions.identity import make_id_number  # noqa: E402
from xinfang.petitions.models import Category, Channel, Petition, PetitionClass  # noqa: E402
from xinfang.workflow.actors import PetitionerActor  # noqa: E402
from xinfang.workflow.errors import TransitionRefused  # noqa: E402
from xinfang.workflow.services import perform  # noqa: E402

REGIONS = [
    ("100000", "全国", Level.NATIONAL, None),
    ("330000", "浙江省", Level.PROVINCE, "100000"),
    ("330100", "杭州市", Level.CITY, "330000"),
    ("330102", "上城区", Level.COUNTY, "330100"),
    ("330102001", "清波街道", Level.TOWNSHIP, "330102"),
    ("330105", "拱墅区", Level.COUNTY, "330100"),
]
BUREAUS = {
    "province": ("330000-XFJ", "浙江省信访局", "330000", None),
    "city": ("330100-XFJ", "杭州市信访局", "330100", "330000-XFJ"),
    "county": ("330102-XFJ", "上城区信访局", "330102", "330100-XFJ"),
    "county2": ("330105-XFJ", "拱墅区信访局", "330105", "330100-XFJ"),
}
# The county's township office: the county assigns matters on to it (its acceptance is the county's figure).
TOWNSHIP = ("330102001-BSC", "清波街道办事处", "330102001")
ROLES = [Role.REGISTRAR, Role.HANDLER, Role.UNIT_LEADER, Role.BUREAU_LEADER, Role.REVIEWER, Role.SUPERVISOR]


def setup(role: str, peers: list[dict]) -> dict:
    for code, name, level, parent in REGIONS:
        Region.objects.get_or_create(
            code=code,
            defaults={"name": name, "level": level, "parent": Region.objects.filter(code=parent).first()},
        )
    # Every bureau on the chain is a unit here: this instance's own, and those standing for its peers.
    for code, name, region, parent in BUREAUS.values():
        OrgUnit.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": UnitKind.BUREAU,
                "region": Region.objects.get(code=region),
                "parent": OrgUnit.objects.filter(code=parent).first(),
            },
        )
    township, _ = OrgUnit.objects.get_or_create(
        code=TOWNSHIP[0],
        defaults={
            "name": TOWNSHIP[1],
            "kind": UnitKind.TOWNSHIP,
            "region": Region.objects.get(code=TOWNSHIP[2]),
            "parent": OrgUnit.objects.get(code=BUREAUS["county"][0]),
        },
    )
    if role == "county":
        User.objects.get_or_create(
            username="township_staff",
            defaults={"unit": township, "roles": ROLES, "full_name": "清波街道工作人员"},
        )
    own = OrgUnit.objects.get(code=BUREAUS[role][0])
    user, _ = User.objects.get_or_create(
        username=f"{role}_staff", defaults={"unit": own, "roles": ROLES, "full_name": f"{own.name}工作人员"}
    )
    for peer in peers:
        services.add_peer(**peer)
    return {"unit": own.code, "user": user.username}


def _find(ref: str) -> Petition | None:
    # The first instance's number names a matter everywhere: below, it is the external id (an instance's own
    # numbers may look alike: the city's and the county's copies are both numbered by the city's region).
    return (
        Petition.objects.filter(external_id=ref).first()
        or Petition.objects.filter(registration_number=ref).first()
    )


def _petition(ref: str) -> Petition:
    petition = _find(ref)
    if petition is None:
        raise Petition.DoesNotExist(ref)
    return petition


def register(user: str, channel: str = Channel.LETTER, visit_level: str = "") -> dict:
    staff = User.objects.get(username=user)
    at = clock.now() - dt.timedelta(minutes=30)
    reg = petitions.Registration(
        channel=channel,
        visit_level=visit_level,
        received_at=at,
        petition_class=PetitionClass.CLAIM,
        category=Category.objects.get(path="城乡建设/征收拆迁"),
        issue_region=Region.objects.get(code="330102001"),
        summary="反映房屋征收补偿标准过低",
        content="本人房屋位于清波街道，征收补偿标准低于周边项目，请求依法重新评估。",
        parties=[
            petitions.PartyInput(
                name="张群众",
                id_number=make_id_number("330102", dt.date(1970, 5, 6), 7),
                phone="13800001234",
                address="上城区清波街道1号",
            )
        ],
        receiving_unit=staff.unit,
    )
    petition = petitions.register(reg, staff).petition
    return {"ref": petition.registration_number}


def act(ref: str, action: str, user: str | None = None, via: str = "", **data) -> dict:
    petition = _petition(ref)
    actor = User.objects.get(username=user) if user else PetitionerActor(via=via or "phone")
    perform(petition, action, actor, **data)
    return state(ref)


def state(ref: str) -> dict:
    petition = _find(ref)
    if petition is None:
        return {"exists": False}
    fields = ["status", "accepted_at", "replied_at", "concluded_at", "routed_at", "reply_received_on"]
    out = {"exists": True, "ref": petition.registration_number, "external_id": petition.external_id}
    for name in fields:
        value = getattr(petition, name)
        out[name] = value.isoformat() if hasattr(value, "isoformat") else value
    out["ratings"] = sorted(Rating.objects.filter(petition=petition).values_list("target", "rating"))
    out["actions"] = list(
        Event.objects.filter(petition=petition).order_by("pk").values_list("action", flat=True)
    )
    return out


def boxes() -> dict:
    return {
        "outbox": sorted(OutboxEvent.objects.values_list("type", "status")),
        "inbox": sorted(InboxEvent.objects.values_list("type", "status")),
        "inbox_keys": InboxEvent.objects.count(),
    }


def stats(region: str, day: str) -> dict:
    """``xinfang stats --region R --from D --to D --json``, run in this process (no second Django start)."""
    out = io.StringIO()
    call_command("stats", "--region", region, "--from", day, "--to", day, "--json", stdout=out)
    return json.loads(out.getvalue())


def add_peer(**peer) -> dict:
    return {"id": services.add_peer(**peer).pk}


def outbox(peer: str) -> list[dict]:
    """The pending envelopes to ``peer``, in each petition's order (the test carries them: no servers)."""
    rows = OutboxEvent.objects.filter(peer__name=peer, status="pending").order_by("petition", "seq")
    return [json.loads(row.payload) for row in rows]


def receive(peer: str, envelopes: list[dict]) -> list[dict]:
    sender = services.Peer.objects.get(name=peer)
    answers = [inbox.receive(sender, envelope) for envelope in envelopes]
    inbox.release_all()
    return answers


def answered(peer: str, answers: list[dict]) -> dict:
    rows = [OutboxEvent.objects.get(key=answer["id"]) for answer in answers]
    counts = {"acked": 0, "held": 0, "quarantined": 0, "failed": 0, "dead": 0}
    delivery._answered(services.Peer.objects.get(name=peer), rows, answers, counts)
    return counts


def _period(start: str, end: str, **slice_params):
    from xinfang.stats.metrics import Ctx
    from xinfang.stats.periods import Period
    from xinfang.stats.slices import Slice

    period = Period(dt.date.fromisoformat(start), dt.date.fromisoformat(end))
    return Ctx.of(period, slice=Slice.from_params(slice_params) if slice_params else None)


def _keyed(counts: dict, rates: dict) -> dict:
    out = {
        k: [c.batches, c.persons]
        for k, c in counts.items()
        if k in ("total", "skip_level", "skip_level.city")
    }
    out |= {k: r.as_dict() for k, r in rates.items()}
    return out


def figures(region: str, start: str, end: str, **slice_params) -> dict:
    """A region's own figures (``report.figures``, what ``xinfang stats --region`` prints), keyed as a row
    of the ranking: the total, the skip-level counts and every rate the ranking shows."""
    from xinfang.stats import jurisdictions, report
    from xinfang.stats.scope import Scope

    got = report.figures(Scope.for_region(region), _period(start, end, **slice_params), heavy=False)
    volume = got.volume
    counts = {
        "total": volume.total,
        "skip_level": volume.skip_level,
        "skip_level.city": volume.skip_level_visits["city"],
    }
    return _keyed(counts, {k: got.rates[k] for k in jurisdictions.RATE_KEYS})


def ranking(region: str, start: str, end: str) -> dict:
    """The region's lower jurisdictions side by side (the dashboard's table), each row keyed as ``figures``."""
    from xinfang.stats import jurisdictions
    from xinfang.stats.scope import Scope

    table = jurisdictions.jurisdiction_table(Scope.for_region(region), _period(start, end))
    return {row.region.code: _keyed(row.counts, row.rates) for row in table.rows}


def bulk(user: str, count: int, to_unit: str, report_due: str) -> dict:
    """``count`` petitions registered and assigned to ``to_unit`` (the bench's load)."""
    refs = []
    for _ in range(count):
        ref = register(user)["ref"]
        perform(
            _petition(ref), "assign", User.objects.get(username=user), to_unit=to_unit, report_due=report_due
        )
        refs.append(ref)
    return {"refs": refs}


def steady(user: str, refs: list[str], rate: float, seconds: float, count: int | None = None) -> dict:
    """Urge the petitions in turn at ``rate`` a second for ``seconds`` (or ``count`` times); each outbox key
    with its commit time."""
    staff = User.objects.get(username=user)
    petitions_ = [_petition(ref) for ref in refs]
    sent, start, n = [], time.monotonic(), 0
    while time.monotonic() - start < seconds and (count is None or n < count):
        slot = start + n / rate
        pause = slot - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        petition = petitions_[n % len(petitions_)]
        perform(petition, "urge", staff, text=f"第{n + 1}次催办。")
        committed = time.time()
        row = OutboxEvent.objects.filter(petition=petition).order_by("-seq").first()
        sent.append([str(row.key), committed])
        n += 1
    return {"sent": sent, "elapsed": time.monotonic() - start}


def applied(keys: list[str] | None = None) -> dict:
    """When each inbox event was applied here (Unix seconds), and how many there are."""
    rows = InboxEvent.objects.filter(status="applied")
    if keys is not None:
        rows = rows.filter(key__in=keys)
    return {"count": rows.count(), "at": {k: a.timestamp() for k, a in rows.values_list("key", "applied_at")}}


def password(username: str, password: str) -> dict:
    """The demo's staff log in with a known password (the tests never need one)."""
    user = User.objects.get(username=username)
    user.set_password(password)
    user.save(update_fields=["password"])
    return {}


COMMANDS = {
    "add_peer": add_peer,
    "outbox": outbox,
    "receive": receive,
    "answered": answered,
    "figures": figures,
    "ranking": ranking,
    "password": password,
    "bulk": bulk,
    "steady": steady,
    "applied": applied,
    "stats": stats,
    "setup": setup,
    "register": register,
    "act": act,
    "state": state,
    "boxes": boxes,
}


def main() -> None:
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            command = json.loads(line)
            answer = {"ok": True, "result": COMMANDS[command.pop("cmd")](**command)}
        except TransitionRefused as exc:
            answer = {"ok": False, "error": exc.reason}
        except Exception as exc:  # the harness shows it; the driver keeps serving
            answer = {"ok": False, "error": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc()}
        sys.stdout.write(json.dumps(answer, ensure_ascii=False, default=str) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
