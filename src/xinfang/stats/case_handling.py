"""The figures of seed 003's case-handling paragraph (舞钢市信访局, 2020), for visits alone and for letters,
calls and online matters (网信电) alone:

    现场协调群众来访案件共710起，立案交办144件，已办结114件，正在办理30件，来访事项及时受理率100%，按期办结率100%；
    …我市共受理群众来信来电短信及网上信访611件，到期应结439件，按期办结率100%。

Nothing is defined here: each number is an existing figure computed under a slice (`slices.Slice`) that keeps
one channel group, the reader's other filters kept. The visits' 现场协调 and 立案交办 are the volumes'
``local_on_spot`` and ``local_handed``; 已办结 is the handed ones concluded (``concluded_at``) by the as-of
day, 正在办理 the rest; the rates are ``timely_acceptance`` and ``on_time_conclusion``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from xinfang.petitions.models import Channel

from .metrics import Ctx, as_of_end
from .rates import ON_TIME_CONCLUSION, TIMELY_ACCEPTANCE, Rate, rate
from .scope import Scope
from .volumes import Volume, volume, volume_petitions


@dataclass(frozen=True)
class CaseHandling:
    visits: Volume  # under the visits' slice
    handed_concluded: int  # of visits.local_handed, concluded by the as-of day
    visit_acceptance: Rate
    visit_on_time: Rate
    letters: Volume  # under the 网信电 slice
    letters_on_time: Rate

    @property
    def handed_in_progress(self) -> int:
        return self.visits.local_handed.batches - self.handed_concluded


def by_channel(ctx: Ctx, *, channels: tuple[str, ...] = (), group: str = "") -> Ctx:
    """The context narrowed to one channel group, whatever channels the reader's slice named."""
    return replace(ctx, slice=replace(ctx.slice, channels=channels, channel_group=group))


def case_handling(scope: Scope, ctx: Ctx) -> CaseHandling:
    visits_ctx = by_channel(ctx, channels=(Channel.VISIT,))
    letters_ctx = by_channel(ctx, group="wxd")
    handed = volume_petitions(scope, visits_ctx, "local_visit", "handed")
    return CaseHandling(
        visits=volume(scope, visits_ctx),
        handed_concluded=handed.filter(concluded_at__lt=as_of_end(ctx)).count(),
        visit_acceptance=rate(TIMELY_ACCEPTANCE, scope, visits_ctx),
        visit_on_time=rate(ON_TIME_CONCLUSION, scope, visits_ctx),
        letters=volume(scope, letters_ctx),
        letters_on_time=rate(ON_TIME_CONCLUSION, scope, letters_ctx),
    )
