"""What the leaders services share: input checks that raise the same Chinese messages everywhere."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from xinfang.orgs.models import OrgUnit

from .. import access
from ..models import LEADER_LEVELS


def require_bureau(actor) -> OrgUnit:
    bureau = access.bureau_of(actor)
    if bureau is None:
        raise PermissionDenied("只有信访部门的工作人员可以办理此项工作。")
    return bureau


def check_leader(errors: dict, bureau: OrgUnit, leader, post: str, level: str, field: str = "leader") -> None:
    if leader is None:
        errors[field] = "请选择领导。"
    elif not access.leader_in_jurisdiction(bureau, leader):
        errors[field] = "该领导不在本信访部门的管辖范围内。"
    if not (post or "").strip():
        errors["leader_post"] = "请填写领导职务。"
    if level not in dict(LEADER_LEVELS):
        errors["leader_level"] = "请选择领导层级。"


def check_units(errors: dict, bureau: OrgUnit, units, field: str) -> None:
    outside = [unit.name for unit in units if not access.unit_in_jurisdiction(bureau, unit)]
    if outside:
        errors[field] = f"单位不在本信访部门的管辖范围内：{'、'.join(outside)}。"


def raise_if(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def text(value) -> str:
    return (value or "").strip()
