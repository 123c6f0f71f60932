"""The weekly progress bulletin of the campaigns (issue 15; seed 003: "化解进度每周进行全市通报"): per campaign
running in the bureau's area, its figures and sentence as of the week's end, and the responsible units ranked by
resolution rate, with the campaigns app's own figures and ranking (``campaigns.figures``: the same numbers as
the campaign's page and ``xinfang stats --json`` under ``campaigns``)."""

from __future__ import annotations

import datetime as dt

from xinfang.campaigns import figures
from xinfang.documents.rendering import chinese_date
from xinfang.orgs.models import OrgUnit

from .mechanisms import running_campaigns
from .metrics import Ctx
from .models import StatisticsPolicy
from .periods import Period
from .scope import Scope
from .sentences import percent_text


def rank_line(row: figures.UnitRank) -> str:
    return f"第{row.rank}名 {row.unit_name}：{row.cases}案，已化解{row.resolved}案，化解率{percent_text(row.rate)}"


def campaign_context(unit: OrgUnit, period: Period, today: dt.date) -> dict:
    # Read as the issuing bureau: no accusation against it is counted (metrics.readable).
    ctx = Ctx(period, today, StatisticsPolicy.current(), reader_unit_id=unit.pk)
    as_of = min(today, period.end)
    campaigns = []
    for campaign, cases in running_campaigns(Scope(region=unit.region), ctx):
        total = figures.figures(cases, as_of)
        ranking = figures.unit_ranking(cases, as_of)
        campaigns.append(
            {
                "name": campaign.name,
                "sentence": figures.campaign_sentence(campaign, total),
                "remaining": total.remaining,
                "figures": total.as_dict(),
                "ranking": [
                    {
                        "rank": r.rank,
                        "unit": r.unit_name,
                        "cases": r.cases,
                        "resolved": r.resolved,
                        "rate": None if r.rate is None else float(r.rate),
                    }
                    for r in ranking
                ],
                "ranking_lines": [rank_line(r) for r in ranking],
            }
        )
    return {
        "summary": f"截至{chinese_date(as_of)}，正在开展的专项活动{len(campaigns)}项，各项化解进度通报如下。",
        "campaigns": campaigns,
    }
