"""The dispute ledger's changes: record, escalate, mediate, close. Each is one transaction and one audit
event; a dispute that enters the petition procedure links a petition registered the usual way.

* ``record_dispute(actor, *, kind, region, title, parties, matter, risk_level, found_via, found_on, level,
  handling_unit=None, at=None) -> Dispute``
* ``escalate(dispute, actor, *, to_level, to_unit, reason, skip_reason="", at=None) -> Escalation``
* ``mediate(dispute, actor, *, kind, body, mediated_on, agreed, agreement="", at=None) -> Mediation``
* ``close(dispute, actor, *, outcome, note="", petition=None, at=None) -> Dispute``
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from xinfang import clock
from xinfang.audit.services import record
from xinfang.orgs.models import OrgUnit, Region, Role
from xinfang.petitions.models import Petition
from xinfang.petitions.selectors import visible_to

from .models import (
    LEVEL_PATH,
    Dispute,
    DisputeKind,
    DisputeStatus,
    Escalation,
    FoundVia,
    HandlingLevel,
    Mediation,
    MediationKind,
    Outcome,
    RiskLevel,
)

WORKING_ROLES = (Role.HANDLER, Role.UNIT_LEADER, Role.BUREAU_LEADER, Role.PARTY_LEADER, Role.SUPERVISOR)


def _in_jurisdiction(unit: OrgUnit, region: Region) -> bool:
    return unit.region.contains(region)


def can_work_on(user, dispute: Dispute) -> bool:
    """Staff of the handling unit, or of a bureau or leadership unit whose region holds the dispute."""
    unit = getattr(user, "unit", None)
    if unit is None or not user.has_role(*WORKING_ROLES):
        return False
    return unit.pk == dispute.handling_unit_id or (
        unit.sees_jurisdiction and dispute.region_code.startswith(unit.region.prefix)
    )


def _text(value) -> str:
    return (value or "").strip()


def record_dispute(
    actor,
    *,
    kind: str,
    region: Region,
    title: str,
    parties: str,
    matter: str,
    risk_level: str,
    found_via: str,
    found_on: dt.date,
    level: str,
    handling_unit: OrgUnit | None = None,
    at: dt.datetime | None = None,
    ip_address: str | None = None,
) -> Dispute:
    at = at or clock.now()
    unit = getattr(actor, "unit", None)
    if unit is None or not actor.has_role(*WORKING_ROLES):
        raise PermissionDenied("只有承办人员或负责人可以登记矛盾纠纷。")
    handling_unit = handling_unit or unit
    errors = {}
    if kind not in DisputeKind.values:
        errors["kind"] = "请选择纠纷类型。"
    if risk_level not in RiskLevel.values:
        errors["risk_level"] = "请选择风险等级。"
    if found_via not in FoundVia.values:
        errors["found_via"] = "请选择发现途径。"
    if level not in HandlingLevel.values:
        errors["level"] = "请选择化解层级。"
    texts = {
        "title": (title, "纠纷名称"),
        "parties": (parties, "当事各方情况"),
        "matter": (matter, "争议事项"),
    }
    for field, (value, label) in texts.items():
        if not _text(value):
            errors[field] = f"请填写{label}。"
    if found_on is None or found_on > clock.local_date(at):
        errors["found_on"] = "发现日期不能晚于今天。"
    if region is None:
        errors["region"] = "请选择发生地。"
    elif not (_in_jurisdiction(unit, region) or _in_jurisdiction(handling_unit, region)):
        errors["region"] = "发生地不在本单位辖区内。"
    if handling_unit.pk != unit.pk and not (
        unit.sees_jurisdiction and unit.region.contains(handling_unit.region)
    ):
        errors["handling_unit"] = "只能交由本辖区内的单位化解。"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        dispute = Dispute.objects.create(
            kind=kind,
            region=region,
            title=_text(title),
            parties=_text(parties),
            matter=_text(matter),
            risk_level=risk_level,
            found_via=found_via,
            found_on=found_on,
            recorded_unit=unit,
            recorded_by=actor,
            recorded_at=at,
            handling_unit=handling_unit,
            level=level,
        )
        record(
            action="record_dispute",
            target=dispute,
            actor=actor,
            at=at,
            ip_address=ip_address,
            to_status=dispute.status,
            data={"kind": kind, "region": region.code, "level": level, "handling_unit": handling_unit.pk},
        )
    return dispute


def _locked(dispute: Dispute) -> Dispute:
    return (
        Dispute.objects.select_for_update(of=("self",))
        .select_related("handling_unit__region")
        .get(pk=dispute.pk)
    )


def _open_and_mine(dispute: Dispute, actor) -> None:
    if dispute.status != DisputeStatus.OPEN:
        raise ValidationError({"status": "该矛盾纠纷已办结。"})
    if not can_work_on(actor, dispute):
        raise PermissionDenied("无权处理该矛盾纠纷。")


def escalate(
    dispute: Dispute,
    actor,
    *,
    to_level: str,
    to_unit: OrgUnit,
    reason: str,
    skip_reason: str = "",
    at: dt.datetime | None = None,
    ip_address: str | None = None,
) -> Escalation:
    at = at or clock.now()
    if to_level not in HandlingLevel.values:
        raise ValidationError({"to_level": "请选择提级后的层级。"})
    with transaction.atomic():
        dispute = _locked(dispute)
        _open_and_mine(dispute, actor)
        step = LEVEL_PATH.index(HandlingLevel(to_level)) - LEVEL_PATH.index(HandlingLevel(dispute.level))
        errors = {}
        if step <= 0:
            errors["to_level"] = "只能向上一级提级。"
        elif step > 1 and not _text(skip_reason):
            skipped = "、".join(
                level.label
                for level in LEVEL_PATH[LEVEL_PATH.index(dispute.level) + 1 : LEVEL_PATH.index(to_level)]
            )
            errors["skip_reason"] = f"越过{skipped}提级，须说明理由。"
        if not _text(reason):
            errors["reason"] = "请填写提级理由。"
        if to_unit is None:
            errors["to_unit"] = "请选择提级后的责任单位。"
        elif not dispute.region_code.startswith(to_unit.region.prefix):
            errors["to_unit"] = "提级后的责任单位须管辖纠纷发生地。"
        if errors:
            raise ValidationError(errors)
        escalation = Escalation.objects.create(
            dispute=dispute,
            from_level=dispute.level,
            to_level=to_level,
            from_unit=dispute.handling_unit,
            to_unit=to_unit,
            reason=_text(reason),
            skip_reason=_text(skip_reason),
            by=actor,
            at=at,
        )
        before = (dispute.level, dispute.handling_unit_id)
        dispute.level, dispute.handling_unit = to_level, to_unit
        dispute.save(update_fields=["level", "handling_unit"])
        record(
            action="escalate_dispute",
            target=dispute,
            actor=actor,
            at=at,
            ip_address=ip_address,
            reason=escalation.reason,
            changes={"level": [before[0], to_level], "handling_unit": [before[1], to_unit.pk]},
            data={"escalation": escalation.pk, "skip_reason": escalation.skip_reason},
        )
    return escalation


def mediate(
    dispute: Dispute,
    actor,
    *,
    kind: str,
    body: str,
    mediated_on: dt.date,
    agreed: bool,
    agreement: str = "",
    at: dt.datetime | None = None,
    ip_address: str | None = None,
) -> Mediation:
    at = at or clock.now()
    errors = {}
    if kind not in MediationKind.values:
        errors["kind"] = "请选择调解类型（人民调解、行政调解或司法调解）。"
    if not _text(body):
        errors["body"] = "请填写调解组织。"
    if mediated_on is None or mediated_on > clock.local_date(at):
        errors["mediated_on"] = "调解日期不能晚于今天。"
    if agreed and not _text(agreement):
        errors["agreement"] = "达成协议的，请填写协议内容。"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        dispute = _locked(dispute)
        _open_and_mine(dispute, actor)
        mediation = Mediation.objects.create(
            dispute=dispute,
            kind=kind,
            body=_text(body),
            mediated_on=mediated_on,
            agreed=bool(agreed),
            agreement=_text(agreement),
            by=actor,
            at=at,
        )
        record(
            action="mediate_dispute",
            target=dispute,
            actor=actor,
            at=at,
            ip_address=ip_address,
            data={"mediation": mediation.pk, "kind": kind, "agreed": mediation.agreed},
        )
    return mediation


def close(
    dispute: Dispute,
    actor,
    *,
    outcome: str,
    note: str = "",
    petition: Petition | None = None,
    at: dt.datetime | None = None,
    ip_address: str | None = None,
) -> Dispute:
    """Close with one of three outcomes; 化解 and 导入法定途径 say what happened, 转入信访程序 names the petition."""
    at = at or clock.now()
    errors = {}
    if outcome not in Outcome.values:
        errors["outcome"] = "请选择办结方式。"
    elif outcome == Outcome.RESOLVED and not _text(note):
        errors["note"] = "以“化解”办结的，须填写化解结果。"
    elif outcome == Outcome.LEGAL_ROUTE and not _text(note):
        errors["note"] = "请写明导入的法定途径（诉讼、仲裁、行政复议等）。"
    elif outcome == Outcome.PETITION:
        if petition is None:
            errors["petition"] = "转入信访程序的，须关联已登记的信访事项。"
        elif not visible_to(actor).filter(pk=petition.pk).exists():
            errors["petition"] = "信访事项不存在或无权查看。"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        dispute = _locked(dispute)
        _open_and_mine(dispute, actor)
        dispute.status = DisputeStatus.CLOSED
        dispute.outcome, dispute.outcome_note = outcome, _text(note)
        dispute.petition = petition if outcome == Outcome.PETITION else None
        dispute.closed_at, dispute.closed_by = at, actor
        dispute.save(
            update_fields=["status", "outcome", "outcome_note", "petition", "closed_at", "closed_by"]
        )
        record(
            action="close_dispute",
            target=dispute,
            petition=dispute.petition,
            actor=actor,
            at=at,
            ip_address=ip_address,
            from_status=DisputeStatus.OPEN,
            to_status=DisputeStatus.CLOSED,
            reason=dispute.outcome_note,
            data={"outcome": outcome},
        )
    return dispute
