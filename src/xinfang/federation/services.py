"""Registering and disabling peers (the system administrator's work: the admin and ``xinfang peers``), each
in one transaction with its audit event. A peer's service user is the actor of everything the inbox applies
for it here: it holds the staff roles the transitions a peer may send need (登记员, 承办人, 单位负责人,
信访局领导, 复查复核人员, 督查员), belongs to the unit standing for the peer's first unit code, and cannot
log in (no usable password)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction

from xinfang import clock
from xinfang.audit import services as audit
from xinfang.orgs.models import OrgUnit, Role, User

from . import registry
from .models import Peer

SERVICE_ROLES = [
    Role.REGISTRAR,
    Role.HANDLER,
    Role.UNIT_LEADER,
    Role.BUREAU_LEADER,
    Role.REVIEWER,
    Role.SUPERVISOR,
]


def add_peer(
    *,
    name: str,
    base_url: str,
    unit_codes: list[str],
    outbound_key_id: str,
    outbound_secret: str,
    inbound_key_id: str,
    inbound_secret: str,
    actor=None,
) -> Peer:
    name = (name or "").strip()
    codes = [code.strip() for code in unit_codes if code and code.strip()]
    if not name:
        raise ValidationError("请填写联网实例名称。")
    if not codes:
        raise ValidationError("请至少填写一个对端单位代码。")
    if base_url.strip() and urlsplit(base_url.strip()).scheme not in ("http", "https"):
        raise ValidationError("对端地址应以 https:// 或 http:// 开头。")
    if len(outbound_secret or "") < 32 or len(inbound_secret or "") < 32:
        raise ValidationError("签名密钥至少32个字符。")
    missing = sorted(set(codes) - set(OrgUnit.objects.filter(code__in=codes).values_list("code", flat=True)))
    if missing:
        raise ValidationError(f"本实例没有代表这些对端单位的单位：{'、'.join(missing)}。请先建立单位。")
    if Peer.objects.filter(name=name).exists():
        raise ValidationError(f"联网实例“{name}”已经登记。")
    if Peer.objects.filter(inbound_key_id=inbound_key_id).exists():
        raise ValidationError(f"对端密钥编号“{inbound_key_id}”已被使用。")
    with transaction.atomic():
        user = User(
            username=f"peer-{name}"[:150],
            unit=OrgUnit.objects.get(code=codes[0]),
            roles=list(SERVICE_ROLES),
            full_name=f"{name}联网服务账号"[:50],
        )
        user.set_unusable_password()
        user.save()
        peer = Peer.objects.create(
            name=name,
            base_url=base_url.strip(),
            unit_codes=codes,
            outbound_key_id=outbound_key_id,
            outbound_secret=outbound_secret,
            inbound_key_id=inbound_key_id,
            inbound_secret=inbound_secret,
            service_user=user,
            created_at=clock.now(),
        )
        audit.record(
            action="federation_peer",
            target=peer,
            actor=actor,
            data={"name": name, "base_url": peer.base_url, "unit_codes": codes, "created": True},
        )
        _forget()
    return peer


def _forget() -> None:
    # Now, for this transaction's own later reads, and after commit, for what others cached meanwhile.
    registry.forget()
    transaction.on_commit(registry.forget)


def set_active(peer: Peer, active: bool, actor=None) -> Peer:
    with transaction.atomic():
        peer.is_active = active
        peer.save(update_fields=["is_active"])
        audit.record(
            action="federation_peer", target=peer, actor=actor, data={"name": peer.name, "is_active": active}
        )
        _forget()
    return peer
