"""Assistance grants: apply, approve, pay, record whether the matter ended with it. Each change is one
transaction and one audit event; none of them moves the petition (only the workflow does that).

* ``apply(actor, petition, *, fund, amount, applicant_name, beneficiary_count, reason, at=None) -> Grant``
* ``approve(grant, actor, *, rule, at=None) -> Grant``
* ``pay(grant, actor, *, paid_on, reference="", ended_petitioning=None, at=None) -> Grant``
* ``record_ending(grant, actor, *, ended_petitioning, at=None) -> Grant``
* ``issue_agreement(grant, actor, *, at=None) -> Grant``: the assistance agreement (救助协议书), docx and PDF

A grant that ended the matter (救助息访) on a concluded petition records its outcome 救助息访 through the
workflow (``settlement.record_if_ended``), in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from xinfang import clock
from xinfang.audit.services import record
from xinfang.documents import services as documents
from xinfang.documents.models import DocumentKind
from xinfang.orgs.models import Role
from xinfang.petitions.models import Petition
from xinfang.petitions.selectors import visible_to

from . import agreement
from .models import Fund, Grant, GrantStatus
from .settlement import record_if_ended

APPLYING_ROLES = (Role.HANDLER, Role.UNIT_LEADER, Role.BUREAU_LEADER)
APPROVING_ROLES = (Role.UNIT_LEADER, Role.BUREAU_LEADER, Role.PARTY_LEADER)
DEFAULT_MAX_AMOUNT = Decimal("1000000")


def max_amount() -> Decimal:
    return Decimal(str(getattr(settings, "XF_ASSISTANCE_MAX_AMOUNT", DEFAULT_MAX_AMOUNT)))


def _amount(value) -> Decimal | None:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return None
    return amount if amount.is_finite() else None


def can_apply(user) -> bool:
    return getattr(user, "unit_id", None) is not None and user.has_role(*APPLYING_ROLES)


def can_approve(user, grant: Grant) -> bool:
    """A leader of the granting unit, or of a bureau or leadership unit whose region holds it; never the
    person who applied (two people see every grant)."""
    unit = getattr(user, "unit", None)
    if grant.status != GrantStatus.APPLIED or unit is None or not user.has_role(*APPROVING_ROLES):
        return False
    if user.pk == grant.applied_by_id:
        return False
    return unit.pk == grant.unit_id or (unit.sees_jurisdiction and unit.region.contains(grant.unit.region))


def can_pay(user, grant: Grant) -> bool:
    return (
        grant.status == GrantStatus.APPROVED
        and getattr(user, "unit_id", None) == grant.unit_id
        and user.has_role(*APPLYING_ROLES)
    )


def apply(
    actor,
    petition: Petition,
    *,
    fund: str,
    amount,
    applicant_name: str,
    beneficiary_count: int,
    reason: str,
    at: dt.datetime | None = None,
    ip_address: str | None = None,
) -> Grant:
    at = at or clock.now()
    if not can_apply(actor):
        raise PermissionDenied("只有承办人或单位负责人可以申请信访救助。")
    if not visible_to(actor).filter(pk=petition.pk).exists():
        raise PermissionDenied("无权对该信访事项申请救助。")
    errors = {}
    value = _amount(amount)
    if value is None or value <= 0:
        errors["amount"] = "救助金额必须大于零。"
    elif value > max_amount():
        errors["amount"] = f"救助金额超过单笔上限{max_amount():,.0f}元，请核实。"
    elif value != value.quantize(Decimal("0.01")):
        errors["amount"] = "救助金额最多保留两位小数。"
    if fund not in Fund.values:
        errors["fund"] = "请选择资金渠道。"
    if not (applicant_name or "").strip():
        errors["applicant_name"] = "请填写申请人。"
    if not isinstance(beneficiary_count, int) or beneficiary_count < 1:
        errors["beneficiary_count"] = "受助人数至少为1人。"
    if not (reason or "").strip():
        errors["reason"] = "请填写救助事由。"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        grant = Grant.objects.create(
            petition=petition,
            unit=actor.unit,
            fund=fund,
            amount=value,
            applicant_name=applicant_name.strip(),
            beneficiary_count=beneficiary_count,
            reason=reason.strip(),
            applied_by=actor,
            applied_at=at,
        )
        record(
            action="apply_assistance",
            target=grant,
            petition=petition,
            actor=actor,
            at=at,
            ip_address=ip_address,
            reason=grant.reason,
            to_status=grant.status,
            data={
                "unit": grant.unit_id,
                "fund": fund,
                "amount": str(value),
                "beneficiaries": beneficiary_count,
            },
        )
    return grant


def _locked(grant: Grant) -> Grant:
    return Grant.objects.select_for_update(of=("self",)).select_related("unit__region").get(pk=grant.pk)


def approve(
    grant: Grant, actor, *, rule: str, at: dt.datetime | None = None, ip_address: str | None = None
) -> Grant:
    at = at or clock.now()
    if actor is None or not getattr(actor, "pk", None):
        raise ValidationError({"approved_by": "审批须有审批人。"})
    if not (rule or "").strip():
        raise ValidationError({"approval_rule": "请填写审批依据（救助办法及条款）。"})
    with transaction.atomic():
        grant = _locked(grant)
        if grant.status != GrantStatus.APPLIED:
            raise ValidationError({"status": "该救助已审批，不能重复审批。"})
        if not can_approve(actor, grant):
            raise PermissionDenied("只有救助单位或上级信访部门的负责人可以审批，且申请人不能审批本人的申请。")
        grant.status = GrantStatus.APPROVED
        grant.approved_by, grant.approved_at, grant.approval_rule = actor, at, rule.strip()
        grant.save(update_fields=["status", "approved_by", "approved_at", "approval_rule"])
        record(
            action="approve_assistance",
            target=grant,
            petition=grant.petition,
            actor=actor,
            at=at,
            ip_address=ip_address,
            from_status=GrantStatus.APPLIED,
            to_status=grant.status,
            reason=grant.approval_rule,
        )
    return grant


def pay(
    grant: Grant,
    actor,
    *,
    paid_on: dt.date,
    reference: str = "",
    ended_petitioning: bool | None = None,
    at: dt.datetime | None = None,
    ip_address: str | None = None,
) -> Grant:
    at = at or clock.now()
    with transaction.atomic():
        grant = _locked(grant)
        if grant.status != GrantStatus.APPROVED:
            raise ValidationError({"status": "只有已审批的救助才能发放。"})
        if not can_pay(actor, grant):
            raise PermissionDenied("只有救助单位的承办人可以登记发放。")
        if paid_on is None or paid_on < clock.local_date(grant.approved_at) or paid_on > clock.local_date(at):
            raise ValidationError({"paid_on": "发放日期应在审批之后、不晚于今天。"})
        grant.status = GrantStatus.PAID
        grant.paid_by, grant.paid_on, grant.payment_reference = actor, paid_on, (reference or "").strip()
        grant.ended_petitioning = ended_petitioning
        grant.save(update_fields=["status", "paid_by", "paid_on", "payment_reference", "ended_petitioning"])
        record(
            action="pay_assistance",
            target=grant,
            petition=grant.petition,
            actor=actor,
            at=at,
            ip_address=ip_address,
            from_status=GrantStatus.APPROVED,
            to_status=grant.status,
            data={"paid_on": paid_on, "reference": grant.payment_reference, "ended": ended_petitioning},
        )
        record_if_ended(grant, actor, at)
    return grant


def record_ending(
    grant: Grant,
    actor,
    *,
    ended_petitioning: bool,
    at: dt.datetime | None = None,
    ip_address: str | None = None,
) -> Grant:
    """Whether the petitioner stopped petitioning with this grant (救助息访), known some time after payment."""
    at = at or clock.now()
    if not isinstance(ended_petitioning, bool):
        raise ValidationError({"ended_petitioning": "请选择是否救助息访。"})
    with transaction.atomic():
        grant = _locked(grant)
        if grant.status != GrantStatus.PAID:
            raise ValidationError({"status": "救助发放后才能记录是否息访。"})
        if getattr(actor, "unit_id", None) != grant.unit_id or not actor.has_role(*APPLYING_ROLES):
            raise PermissionDenied("只有救助单位的工作人员可以记录。")
        before = grant.ended_petitioning
        grant.ended_petitioning = ended_petitioning
        grant.save(update_fields=["ended_petitioning"])
        record(
            action="record_assistance_ending",
            target=grant,
            petition=grant.petition,
            actor=actor,
            at=at,
            ip_address=ip_address,
            changes={"ended_petitioning": [before, ended_petitioning]},
        )
        record_if_ended(grant, actor, at)
    return grant


def can_issue_agreement(user, grant: Grant) -> bool:
    """Staff of the granting unit, once the grant is approved, while it has no agreement yet."""
    return (
        grant.status in (GrantStatus.APPROVED, GrantStatus.PAID)
        and grant.agreement_id is None
        and getattr(user, "unit_id", None) == grant.unit_id
        and user.has_role(*APPLYING_ROLES)
    )


def issue_agreement(grant: Grant, actor, *, at: dt.datetime | None = None) -> Grant:
    """Issue the assistance agreement of an approved grant as a document of its petition (docx and PDF, one
    audit event: the document's), numbered by the granting unit."""
    at = at or clock.now()
    with transaction.atomic():
        grant = _locked(grant)
        if grant.agreement_id is not None:
            raise ValidationError({"agreement": "该救助已出具救助协议书。"})
        if grant.status == GrantStatus.APPLIED:
            raise ValidationError({"agreement": "救助经审批后才能出具救助协议书。"})
        if not can_issue_agreement(actor, grant):
            raise PermissionDenied("只有救助单位的承办人或负责人可以出具救助协议书。")
        grant.agreement = documents.issue(
            grant.petition,
            DocumentKind.ASSISTANCE_AGREEMENT,
            unit=grant.unit,
            actor=actor,
            at=at,
            context=agreement.context(grant),
        )
        grant.save(update_fields=["agreement"])
    return grant
