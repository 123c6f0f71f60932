"""Bulletins reach the leaders they are for (seed 003: the daily bulletin "每天下午下班前呈送给市委书记、市长和
市委政法委书记"): each issued bulletin goes to the bureau's chosen leaders as an in-app message (the leader's
inbox, readable on a phone) and by e-mail where they have an address, with a read receipt per leader.

* ``recipients(bureau)``: the bureau's ``BulletinRecipient`` rows, or by default the active users of its
  region holding one of ``XF_BULLETIN_RECIPIENT_ROLES``.
* ``deliver(bulletin, actor=None)``: send to every recipient not yet sent this bulletin (one audit event per
  send; a retry finds them all served and writes nothing).
* ``send_scheduled(kind)``: the worker's job: on working days only (official calendar), issue the period's
  bulletin of each scheduled bureau unless already issued, and deliver it.
* ``open_for(user, pk)``: the user's own delivery of a bulletin, its receipt recorded (the first reading also
  as an audit event, 阅读通报); anyone else gets 404.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.urls import reverse

from xinfang import clock
from xinfang.audit import services as audit
from xinfang.deadlines import services as deadline_rules
from xinfang.notifications import services as notifications
from xinfang.orgs.models import User

from . import bulletins
from .models import Bulletin, BulletinDelivery, BulletinKind, BulletinRecipient, recipient_refusal

NOTIFICATION_KIND = "bulletin"


def recipients(bureau) -> list[User]:
    """The chosen (or by default the configured roles') leaders, checked again at every send: a unit accused
    since it was chosen stops receiving figures (``recipient_refusal``)."""
    chosen = User.objects.filter(
        pk__in=BulletinRecipient.objects.filter(bureau=bureau).values("user_id"), is_active=True
    )
    if BulletinRecipient.objects.filter(bureau=bureau).exists():
        users = list(chosen.select_related("unit__region").order_by("pk"))
    else:
        roles = getattr(settings, "XF_BULLETIN_RECIPIENT_ROLES", ("party_leader",))
        region = User.objects.filter(is_active=True, unit__region=bureau.region)
        users = [u for u in region.select_related("unit__region").order_by("pk") if u.has_role(*roles)]
    return [u for u in users if recipient_refusal(bureau, u) is None]


def deliver(bulletin: Bulletin, actor=None) -> list[BulletinDelivery]:
    """Send ``bulletin`` to its bureau's leaders who do not have it yet; the rows created."""
    with transaction.atomic():
        # The bulletin's row lock makes a retry running beside the first send wait, then find the rows.
        bulletin = Bulletin.objects.select_for_update().select_related("issuing_unit").get(pk=bulletin.pk)
        served = set(bulletin.deliveries.values_list("recipient_id", flat=True))
        new = [u for u in recipients(bulletin.issuing_unit) if u.pk not in served]
        if not new:
            return []
        now = clock.now()
        if not bulletin.delivered_html:
            # What the leaders read is what was sent: a template edited afterwards changes later bulletins only.
            bulletin.delivered_html = str(bulletins.html_of(bulletin))
            bulletin.save(update_fields=["delivered_html"])
        rows = BulletinDelivery.objects.bulk_create(
            [BulletinDelivery(bulletin=bulletin, recipient=u, sent_at=now) for u in new]
        )
        title = f"{bulletin.title}（{bulletin.context.get('number', '')}）"
        notifications.notify(
            new,
            kind=NOTIFICATION_KIND,
            title=f"请阅：{title}"[:200],
            body=bulletin.context.get("summary", "") or f"{bulletin.issuing_unit.name}呈送{title}。",
            url=reverse("stats:inbox_bulletin", args=[bulletin.pk]),
            email=getattr(settings, "XF_BULLETIN_EMAIL", True),
        )
        audit.record(
            action="deliver_bulletin",
            target=bulletin,
            actor=actor,
            at=now,
            data={"kind": bulletin.kind, "serial": bulletin.serial, "recipients": [u.pk for u in new]},
        )
    return rows


def _issued(kind: str, unit, today) -> Bulletin:
    period = bulletins.default_period(kind, today)
    existing = Bulletin.objects.filter(
        kind=kind, issuing_unit=unit, region=unit.region, period_start=period.start, period_end=period.end
    ).first()
    # A retry after a crash between issuing and sending reuses the issued bulletin: the leaders read the
    # same text whichever attempt reached them.
    return existing or bulletins.issue(kind, unit, period)


def run_scheduled(kind: str = BulletinKind.DAILY) -> tuple[list[Bulletin], list[BulletinDelivery]]:
    """The bulletins of the scheduled bureaus (issued now or earlier today) and the deliveries made."""
    today = clock.today()
    if not deadline_rules.get_calendar().is_workday(today):
        return (
            [],
            [],
        )  # holidays and weekends: no bulletin (the next working day's covers the figures by then)
    issued, sent = [], []
    for unit in bulletins.scheduled_units():
        issued.append(_issued(kind, unit, today))
        sent.extend(deliver(issued[-1]))
    return issued, sent


def send_scheduled(kind: str = BulletinKind.DAILY) -> list[BulletinDelivery]:
    return run_scheduled(kind)[1]


def inbox(user):
    return (
        BulletinDelivery.objects.filter(recipient=user)
        .select_related("bulletin", "bulletin__issuing_unit")
        .order_by("-sent_at", "-id")
    )


def open_for(user, pk: int) -> BulletinDelivery:
    """The user's delivery of bulletin ``pk``, its receipt recorded (first opening time, count)."""
    delivery = inbox(user).filter(bulletin_id=pk).first()
    if delivery is None:
        raise Http404("没有呈送给您的这期通报。")
    now = clock.now()
    with transaction.atomic():
        first = BulletinDelivery.objects.filter(pk=delivery.pk, read_at__isnull=True).update(read_at=now)
        BulletinDelivery.objects.filter(pk=delivery.pk).update(read_count=F("read_count") + 1)
        if first:
            # 全程留痕: the receipt is evidence the leader was told; later openings only count.
            audit.record(
                action="read_bulletin",
                target=delivery.bulletin,
                actor=user,
                at=now,
                data={
                    "kind": delivery.bulletin.kind,
                    "serial": delivery.bulletin.serial,
                    "delivery": delivery.pk,
                },
            )
    delivery.refresh_from_db(fields=["read_at", "read_count"])
    return delivery


def receipts(bulletin: Bulletin):
    return bulletin.deliveries.select_related("recipient", "recipient__unit").order_by("recipient__pk")
