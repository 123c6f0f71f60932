"""Import of the assigning body's case list: JSON Lines, one case a line,

    {"registration_number": "XF-330102-2026-000001", "batch": "第一批", "responsible_unit": "330102001"}
    {"external_id": "ZY-2026-0001", "batch": "第二批"}

A line names a registered petition by its registration number or external id (the exchange format's ids),
and a batch of the campaign by name; the responsible unit (unit code) is optional. Every line is checked
before anything is written: one bad line refuses the whole list, with every bad line's number. The same list
(same content) a second time is skipped; a petition already in the campaign (from another list) is skipped,
never duplicated. One import is one transaction and one audit event.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from xinfang import clock
from xinfang.audit.services import record
from xinfang.orgs.models import OrgUnit
from xinfang.petitions.selectors import visible_to

from .models import Campaign, CampaignCase, ListImport
from .services import managed_for_update, new_case

MAX_LINES = 10_000


@dataclass(frozen=True)
class ImportResult:
    added: int
    skipped_present: int  # already in the campaign
    repeated_list: bool  # the same list was imported before: nothing done

    @property
    def message(self) -> str:
        if self.repeated_list:
            return "该清单已导入过，本次未重复导入。"
        extra = f"，{self.skipped_present}件已在本专项活动中，未重复纳入" if self.skipped_present else ""
        return f"导入{self.added}件{extra}。"


def _parse(text: str) -> list[tuple[int, dict]]:
    lines, errors = [], []
    for number, raw in enumerate(text.splitlines(), 1):
        if not raw.strip():
            continue
        try:
            item = json.loads(raw)
        except json.JSONDecodeError:
            errors.append(f"第{number}行不是有效的JSON")
            continue
        if not isinstance(item, dict) or not (item.get("registration_number") or item.get("external_id")):
            errors.append(f"第{number}行缺少登记编号（registration_number）或外部编号（external_id）")
            continue
        lines.append((number, item))
    if errors:
        raise ValidationError({"file": errors})
    if not lines:
        raise ValidationError({"file": "清单为空。"})
    if len(lines) > MAX_LINES:
        raise ValidationError({"file": f"一次最多导入{MAX_LINES}行。"})
    return lines


def import_list(
    campaign: Campaign, actor, text: str, *, at: dt.datetime | None = None, ip_address: str | None = None
) -> ImportResult:
    at = at or clock.now()
    digest = hashlib.sha256(text.strip().encode("utf-8")).hexdigest()
    lines = _parse(text)
    with transaction.atomic():
        campaign = managed_for_update(campaign, actor)
        if ListImport.objects.filter(campaign=campaign, digest=digest).exists():
            return ImportResult(0, 0, True)
        numbers = {str(i["registration_number"]) for _, i in lines if i.get("registration_number")}
        externals = {str(i["external_id"]) for _, i in lines if i.get("external_id")}
        found = visible_to(actor).filter(Q(registration_number__in=numbers) | Q(external_id__in=externals))
        by_number, by_external = {}, {}
        for p in found.select_related("responsible_unit", "receiving_unit"):
            by_number[p.registration_number] = p
            if p.external_id:
                by_external[p.external_id] = p
        batches = {b.name: b for b in campaign.batches.all()}
        unit_codes = {str(i["responsible_unit"]) for _, i in lines if i.get("responsible_unit")}
        units = {u.code: u for u in OrgUnit.objects.filter(code__in=unit_codes).select_related("region")}
        present = set(campaign.cases.values_list("petition_id", flat=True))
        errors, cases, skipped = [], [], 0
        for number, item in lines:
            key = item.get("registration_number") or item.get("external_id")
            petition = (
                by_number.get(str(item["registration_number"]))
                if item.get("registration_number")
                else by_external.get(str(item["external_id"]))
            )
            batch = batches.get(str(item.get("batch", "")))
            unit = units.get(str(item["responsible_unit"])) if item.get("responsible_unit") else None
            if petition is None:
                errors.append(f"第{number}行：信访事项“{key}”不存在或无权查看")
            elif batch is None:
                errors.append(f"第{number}行：批次“{item.get('batch', '')}”不存在")
            elif item.get("responsible_unit") and unit is None:
                errors.append(f"第{number}行：单位“{item['responsible_unit']}”不存在")
            elif petition.pk in present:
                skipped += 1
            else:
                try:
                    cases.append(new_case(campaign, actor, petition, batch, unit, None))
                except ValidationError as exc:
                    errors.append(f"第{number}行：{'；'.join(exc.messages)}")
                    continue
                present.add(petition.pk)
        if errors:
            raise ValidationError({"file": errors})
        CampaignCase.objects.bulk_create(cases)
        imported = ListImport.objects.create(
            campaign=campaign,
            digest=digest,
            lines=len(lines),
            added=len(cases),
            imported_by=actor,
            imported_at=at,
        )
        record(
            action="import_campaign_list",
            target=imported,
            actor=actor,
            at=at,
            ip_address=ip_address,
            data={"campaign": campaign.pk, "lines": len(lines), "added": len(cases), "skipped": skipped},
        )
    return ImportResult(len(cases), skipped, False)


__all__ = ["ImportResult", "import_list"]
