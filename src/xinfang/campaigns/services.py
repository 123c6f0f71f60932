"""Campaign changes, each one transaction and one audit event. A campaign never moves a petition: its case
is resolved in the campaign's sense (the standard met), whatever the petition's own state.

* ``create_campaign(actor, *, name, assigning_body, assigned_on, deadline, criteria) -> Campaign``
* ``add_batch(campaign, actor, *, name, assigned_on, due_on) -> Batch``
* ``add_case(campaign, actor, *, petition, batch, responsible_unit=None, due_on=None) -> CampaignCase``
* ``screen(case, actor, *, included, reason="") -> CampaignCase``
* ``assign(case, actor, *, responsible_unit, owning_leader=None) -> CampaignCase``
* ``resolve(case, actor, *, resolved_on, criteria_met, note) -> CampaignCase``
* ``close_campaign(campaign, actor) -> Campaign``
The import of the assigning body's list is ``importer.import_list``.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from xinfang import clock
from xinfang.audit.services import record
from xinfang.orgs.models import OrgUnit, Role, UnitKind
from xinfang.petitions.models import Petition, PetitionClass
from xinfang.petitions.selectors import visible_to

from .models import AssigningBody, Batch, Campaign, CampaignCase, CampaignStatus, Criterion, Screening

MANAGING_ROLES = (Role.SUPERVISOR, Role.BUREAU_LEADER, Role.HANDLER)
RESOLVING_ROLES = (Role.HANDLER, Role.UNIT_LEADER)


def can_manage(user, campaign: Campaign | None = None) -> bool:
    """Staff of a bureau (the campaign's own, or one above it)."""
    unit = getattr(user, "unit", None)
    if unit is None or unit.kind != UnitKind.BUREAU or not user.has_role(*MANAGING_ROLES):
        return False
    return campaign is None or unit.region.contains(campaign.unit.region)


def _text(value) -> str:
    return (value or "").strip()


def create_campaign(
    actor,
    *,
    name: str,
    assigning_body: str,
    assigned_on: dt.date,
    deadline: dt.date,
    criteria: list[str],
    at: dt.datetime | None = None,
    ip_address: str | None = None,
) -> Campaign:
    at = at or clock.now()
    if not can_manage(actor):
        raise PermissionDenied("只有信访部门的工作人员可以创建专项活动。")
    errors = {}
    if not _text(name):
        errors["name"] = "请填写活动名称。"
    if assigning_body not in AssigningBody.values:
        errors["assigning_body"] = "请选择交办机关。"
    if assigned_on is None or deadline is None or deadline < assigned_on:
        errors["deadline"] = "完成期限不能早于交办日期。"
    items = [_text(c) for c in criteria or [] if _text(c)]
    if not items:
        errors["criteria"] = "请至少填写一条化解标准。"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        campaign = Campaign.objects.create(
            name=_text(name),
            assigning_body=assigning_body,
            unit=actor.unit,
            assigned_on=assigned_on,
            deadline=deadline,
            created_by=actor,
            created_at=at,
        )
        Criterion.objects.bulk_create(
            Criterion(campaign=campaign, position=i, text=text) for i, text in enumerate(items, 1)
        )
        record(
            action="create_campaign",
            target=campaign,
            actor=actor,
            at=at,
            ip_address=ip_address,
            data={"name": campaign.name, "assigning_body": assigning_body, "criteria": items},
        )
    return campaign


def managed_for_update(campaign: Campaign, actor) -> Campaign:
    campaign = Campaign.objects.select_for_update().select_related("unit__region").get(pk=campaign.pk)
    if campaign.status != CampaignStatus.OPEN:
        raise ValidationError({"campaign": "专项活动已结束。"})
    if not can_manage(actor, campaign):
        raise PermissionDenied("无权管理该专项活动。")
    return campaign


def add_batch(
    campaign: Campaign,
    actor,
    *,
    name: str,
    assigned_on: dt.date,
    due_on: dt.date,
    at: dt.datetime | None = None,
    ip_address: str | None = None,
) -> Batch:
    at = at or clock.now()
    with transaction.atomic():
        campaign = managed_for_update(campaign, actor)
        errors = {}
        if not _text(name):
            errors["name"] = "请填写批次名称（如“第一批”）。"
        elif campaign.batches.filter(name=_text(name)).exists():
            errors["name"] = "该批次已存在。"
        if assigned_on is None or due_on is None or due_on < assigned_on:
            errors["due_on"] = "化解期限不能早于交办日期。"
        if errors:
            raise ValidationError(errors)
        batch = Batch.objects.create(
            campaign=campaign, name=_text(name), assigned_on=assigned_on, due_on=due_on
        )
        record(
            action="add_campaign_batch",
            target=batch,
            actor=actor,
            at=at,
            ip_address=ip_address,
            data={"campaign": campaign.pk, "name": batch.name, "due_on": due_on},
        )
    return batch


def check_responsible_unit(petition: Petition, unit: OrgUnit | None, campaign: Campaign) -> str:
    """The refusal for this unit as the case's responsible unit, or ''."""
    if unit is None:
        return "请明确责任单位。"
    if not campaign.unit.region.contains(unit.region):
        return "责任单位不在专项活动牵头单位的辖区内。"
    if petition.petition_class == PetitionClass.ACCUSATION and petition.subject_unit_id == unit.pk:
        return "检举控告事项不得交由被检举单位办理。"
    return ""


def new_case(campaign: Campaign, actor, petition: Petition, batch: Batch, unit, due_on) -> CampaignCase:
    """An unsaved case, checked: for ``add_case`` and the importer."""
    if batch.campaign_id != campaign.pk:
        raise ValidationError({"batch": "批次不属于该专项活动。"})
    unit = unit or petition.responsible_unit or petition.receiving_unit
    problem = check_responsible_unit(petition, unit, campaign)
    if problem:
        raise ValidationError({"responsible_unit": problem})
    return CampaignCase(
        campaign=campaign,
        batch=batch,
        petition=petition,
        responsible_unit=unit,
        due_on=due_on or batch.due_on,
    )


def add_case(
    campaign: Campaign,
    actor,
    *,
    petition: Petition,
    batch: Batch,
    responsible_unit: OrgUnit | None = None,
    due_on: dt.date | None = None,
    at: dt.datetime | None = None,
    ip_address: str | None = None,
) -> CampaignCase:
    at = at or clock.now()
    with transaction.atomic():
        campaign = managed_for_update(campaign, actor)
        if not visible_to(actor).filter(pk=petition.pk).exists():
            raise PermissionDenied("无权查看该信访事项。")
        if campaign.cases.filter(petition=petition).exists():
            raise ValidationError({"petition": "该信访事项已在本专项活动中。"})
        case = new_case(campaign, actor, petition, batch, responsible_unit, due_on)
        case.save()
        record(
            action="add_campaign_case",
            target=case,
            petition=petition,
            actor=actor,
            at=at,
            ip_address=ip_address,
            data={"campaign": campaign.pk, "batch": batch.name, "responsible_unit": case.responsible_unit_id},
        )
    return case


def _locked_case(case: CampaignCase) -> CampaignCase:
    return (
        CampaignCase.objects.select_for_update(of=("self",))
        .select_related("campaign__unit__region", "petition", "responsible_unit")
        .get(pk=case.pk)
    )


def screen(
    case: CampaignCase,
    actor,
    *,
    included: bool,
    reason: str = "",
    at: dt.datetime | None = None,
    ip_address: str | None = None,
) -> CampaignCase:
    """甄别: in, or out with the reason (not this campaign's kind of case, already settled, a duplicate...)."""
    at = at or clock.now()
    if not included and not _text(reason):
        raise ValidationError({"reason": "甄别为不纳入的，须说明理由。"})
    with transaction.atomic():
        case = _locked_case(case)
        managed_for_update(case.campaign, actor)
        if case.resolved_on is not None:
            raise ValidationError({"screening": "已化解的案件不能重新甄别。"})
        before = case.screening
        case.screening = Screening.IN if included else Screening.OUT
        case.screening_reason = _text(reason)
        case.save(update_fields=["screening", "screening_reason"])
        record(
            action="screen_campaign_case",
            target=case,
            petition=case.petition,
            actor=actor,
            at=at,
            ip_address=ip_address,
            from_status=before,
            to_status=case.screening,
            reason=case.screening_reason,
        )
    return case


def assign(
    case: CampaignCase,
    actor,
    *,
    responsible_unit: OrgUnit,
    owning_leader=None,
    at: dt.datetime | None = None,
    ip_address: str | None = None,
) -> CampaignCase:
    at = at or clock.now()
    with transaction.atomic():
        case = _locked_case(case)
        managed_for_update(case.campaign, actor)
        problem = check_responsible_unit(case.petition, responsible_unit, case.campaign)
        if problem:
            raise ValidationError({"responsible_unit": problem})
        if owning_leader is not None and not owning_leader.has_role(
            Role.PARTY_LEADER, Role.BUREAU_LEADER, Role.UNIT_LEADER
        ):
            raise ValidationError({"owning_leader": "包案领导须为领导干部。"})
        before = [case.responsible_unit_id, case.owning_leader_id]
        case.responsible_unit, case.owning_leader = responsible_unit, owning_leader
        case.save(update_fields=["responsible_unit", "owning_leader"])
        record(
            action="assign_campaign_case",
            target=case,
            petition=case.petition,
            actor=actor,
            at=at,
            ip_address=ip_address,
            changes={
                "responsible_unit": [before[0], responsible_unit.pk],
                "owning_leader": [before[1], getattr(owning_leader, "pk", None)],
            },
        )
    return case


def resolve(
    case: CampaignCase,
    actor,
    *,
    resolved_on: dt.date,
    criteria_met: list[int],
    note: str,
    at: dt.datetime | None = None,
    ip_address: str | None = None,
) -> CampaignCase:
    """The case resolved by the campaign's standard: every criterion must be ticked."""
    at = at or clock.now()
    with transaction.atomic():
        case = _locked_case(case)
        if case.campaign.status != CampaignStatus.OPEN:
            raise ValidationError({"campaign": "专项活动已结束。"})
        unit_id = getattr(actor, "unit_id", None)
        if not (
            (unit_id == case.responsible_unit_id and actor.has_role(*RESOLVING_ROLES))
            or can_manage(actor, case.campaign)
        ):
            raise PermissionDenied("只有责任单位或牵头信访部门可以报送化解。")
        errors = {}
        if case.screening != Screening.IN:
            errors["screening"] = "甄别纳入后才能报送化解。"
        if case.resolved_on is not None:
            errors["resolved_on"] = "该案件已化解。"
        required = set(case.campaign.criteria.values_list("pk", flat=True))
        ticked = {int(c) for c in criteria_met or [] if str(c).isdigit()}
        if ticked - required:
            errors["criteria_met"] = "化解标准与本专项活动不符。"
        elif missing := required - ticked:
            texts = "；".join(case.campaign.criteria.filter(pk__in=missing).values_list("text", flat=True))
            errors["criteria_met"] = f"尚未达到化解标准：{texts}"
        if not _text(note):
            errors["note"] = "请填写化解情况。"
        if (
            resolved_on is None
            or resolved_on > clock.local_date(at)
            or resolved_on < case.campaign.assigned_on
        ):
            errors["resolved_on"] = "化解日期应在交办之后、不晚于今天。"
        if errors:
            raise ValidationError(errors)
        case.resolved_on, case.resolution_note, case.criteria_met = resolved_on, _text(note), sorted(ticked)
        case.save(update_fields=["resolved_on", "resolution_note", "criteria_met"])
        record(
            action="resolve_campaign_case",
            target=case,
            petition=case.petition,
            actor=actor,
            at=at,
            ip_address=ip_address,
            reason=case.resolution_note,
            data={"resolved_on": resolved_on, "on_time": resolved_on <= case.due_on},
        )
    return case


def close_campaign(
    campaign: Campaign, actor, *, at: dt.datetime | None = None, ip_address: str | None = None
) -> Campaign:
    at = at or clock.now()
    with transaction.atomic():
        campaign = managed_for_update(campaign, actor)
        if campaign.cases.filter(screening=Screening.PENDING).exists():
            raise ValidationError({"campaign": "尚有未甄别的案件，不能结束专项活动。"})
        campaign.status, campaign.closed_at = CampaignStatus.CLOSED, at
        campaign.save(update_fields=["status", "closed_at"])
        record(
            action="close_campaign",
            target=campaign,
            actor=actor,
            at=at,
            ip_address=ip_address,
            from_status=CampaignStatus.OPEN,
            to_status=CampaignStatus.CLOSED,
        )
    return campaign
