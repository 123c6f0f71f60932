"""The figures of seed 003's case-handling paragraph (舞钢市信访局, 2020), for visits alone and for letters,
calls and online matters (网信电) alone:

    现场协调群众来访案件共710起，立案交办144件，已办结114件，正在办理30件，来访事项及时受理率100%，按期办结率100%；
    纳入满意度评价来访事项中，信访部门、责任单位参评率均为100%；信访部门满意率为100%，责任单位满意率100%。我市共受理群众来信来电短信及网上信访611件，到期应结439件，按期办结率100%。

Nothing is defined here. The counts are the volumes' (``local_on_spot``, ``local_handed``: visits by their
definition; 网信电 = every channel but the visit), and of the handed visits those concluded (``concluded_at``)
by the as-of day; the rates are ``timely_acceptance``, ``on_time_conclusion`` and the participation and
satisfaction rates under a slice that keeps one channel group. A slice only narrows: the reader's own slice stays, and a channel group it leaves out gives
nothing (a reader's ``channel=online`` has no visits).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from xinfang.petitions.models import ONLINE_LETTER_PHONE, Channel

from .metrics import Ctx, as_of_end
from .rates import (
    ON_TIME_CONCLUSION,
    PARTICIPATION_BUREAU,
    PARTICIPATION_UNIT,
    SATISFACTION_BUREAU,
    SATISFACTION_UNIT,
    TIMELY_ACCEPTANCE,
    ZERO,
    Rate,
    rate,
)
from .scope import Scope
from .slices import CHANNEL_GROUPS
from .volumes import volume_petitions


@dataclass(frozen=True)
class CaseHandling:
    handed_concluded: int  # of the volume's local_handed, concluded by the as-of day
    visit_acceptance: Rate
    visit_on_time: Rate
    visit_rating: dict[str, Rate]  # participation.bureau, participation.unit, satisfaction.bureau, ...unit
    letters_on_time: Rate


def within_channels(ctx: Ctx, allowed: list[str]) -> Ctx | None:
    """The context narrowed to the `allowed` channels that the reader's slice admits; None if it admits none."""
    s = ctx.slice
    if s.channels or s.channel_group:
        admitted = set(s.channels) | set(CHANNEL_GROUPS[s.channel_group][1] if s.channel_group else ())
        allowed = [c for c in allowed if c in admitted]
    if not allowed:
        return None
    return replace(ctx, slice=replace(s, channels=tuple(allowed), channel_group=""))


def _rate(defn, scope: Scope, ctx: Ctx | None) -> Rate:
    return ZERO if ctx is None else rate(defn, scope, ctx)


def case_handling(scope: Scope, ctx: Ctx) -> CaseHandling:
    visits = within_channels(ctx, [Channel.VISIT])
    letters = within_channels(ctx, list(ONLINE_LETTER_PHONE))
    handed = volume_petitions(scope, ctx, "local_visit", "handed")
    return CaseHandling(
        handed_concluded=handed.filter(concluded_at__lt=as_of_end(ctx)).count(),
        visit_acceptance=_rate(TIMELY_ACCEPTANCE, scope, visits),
        visit_on_time=_rate(ON_TIME_CONCLUSION, scope, visits),
        visit_rating={
            defn.key: _rate(defn, scope, visits)
            for defn in (PARTICIPATION_BUREAU, PARTICIPATION_UNIT, SATISFACTION_BUREAU, SATISFACTION_UNIT)
        },
        letters_on_time=_rate(ON_TIME_CONCLUSION, scope, letters),
    )
