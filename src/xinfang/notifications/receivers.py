"""Workflow events someone must hear about, on ``workflow.hooks.after_transition`` (run after commit).

* transferred or assigned → the handlers of the unit it was sent to;
* a unit objects → the routing staff of the bureau it went back to;
* a petitioner is dissatisfied → the supervisors of the bureau that received the petition.
"""

from __future__ import annotations

import logging

from django.urls import reverse

from xinfang.orgs.models import OrgUnit, Role

from . import services
from .models import Kind
from .recipients import handlers_of, staff_by_unit

logger = logging.getLogger(__name__)

ROUTING_ROLES = (Role.REGISTRAR, Role.HANDLER)
SUPERVISING_ROLES = (Role.SUPERVISOR,)


def connect() -> None:
    try:
        from xinfang.workflow import hooks
    except ImportError:  # the workflow app is not installed
        return
    hooks.register_after_transition(on_transition)


def on_transition(performed) -> None:
    # Runs after the transition committed: a failure here must not reach the user whose action succeeded.
    try:
        _dispatch(performed)
    except Exception:
        logger.exception("notifying about %s on petition %s failed", performed.action, performed.petition.pk)


def _unit(code) -> OrgUnit | None:
    return OrgUnit.objects.filter(code=code).first() if code else None


def _dispatch(performed) -> None:
    petition, data = performed.petition, performed.data or {}
    url = reverse("petitions:detail", args=[petition.pk])
    number = petition.registration_number
    if performed.action in ("transfer", "assign"):
        unit = _unit(data.get("to_unit")) or petition.responsible_unit
        label = "交办" if performed.action == "assign" else "转送"
        due = f"，请于{petition.report_due_on:%Y年%m月%d日}前报告办理结果" if petition.report_due_on else ""
        services.notify(
            handlers_of(unit),
            kind=Kind.ROUTED,
            title=f"收到{label}信访事项 {number}",
            body=f"{petition.summary}\n请在收到之日起15日内决定是否受理{due}。",
            petition=petition,
            url=url,
        )
    elif performed.action == "object":
        bureau = _unit(data.get("returned_to"))
        if bureau is not None:
            services.notify(
                staff_by_unit([bureau.pk], ROUTING_ROLES)[bureau.pk],
                kind=Kind.OBJECTED,
                title=f"信访事项 {number} 被退回：承办单位提出异议",
                body=f"异议理由：{performed.event.reason}\n请重新分类处理。",
                petition=petition,
                url=url,
            )
    elif performed.action == "rate" and data.get("dissatisfied"):
        receiving = petition.receiving_unit
        bureau = receiving.bureau() or receiving
        people = staff_by_unit([bureau.pk], SUPERVISING_ROLES, fallback=[Role.BUREAU_LEADER])[bureau.pk]
        services.notify(
            people,
            kind=Kind.DISSATISFIED,
            title=f"信访事项 {number} 评价为不满意",
            body=f"评价理由：{performed.event.reason or '未说明'}",
            petition=petition,
            url=url,
        )
