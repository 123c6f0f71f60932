"""The mechanisms' figures in `xinfang stats --json`: ``meetings``, ``assistance``, ``disputes``, ``campaigns``,
and the outcomes beyond conclusion, ``settlement`` (definitions: docs/statistics.md). Each app defines its figures; this module only picks the scope and period.

A unit's scope: the meetings it convened and the decisions it leads, the grants it made, the disputes it handles now, the campaign cases it is responsible for.
A jurisdiction's: grants of units inside it, disputes that arose inside it, the campaigns its units run."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from xinfang.assistance import figures as assistance
from xinfang.campaigns import figures as campaign_figures
from xinfang.campaigns.models import Campaign, CampaignCase
from xinfang.disputes import figures as disputes
from xinfang.meetings import figures as meetings
from xinfang.petitions.selectors import without_accusations_of

from .metrics import Ctx, readable
from .scope import Scope
from .settlement import settlement_json


def assistance_json(scope: Scope, ctx: Ctx) -> dict:
    start, end = ctx.period.start, ctx.period.end
    if scope.unit is not None:
        paid = assistance.paid(start, end, unit=scope.unit, hidden_from=ctx.reader_unit_id)
    else:
        paid = assistance.paid(start, end, region_prefix=scope.prefix, hidden_from=ctx.reader_unit_id)
    return assistance.totals(paid).as_dict()


def disputes_json(scope: Scope, ctx: Ctx) -> dict:
    hidden = ctx.reader_unit_id
    if scope.unit is not None:
        return disputes.totals(ctx.period.start, ctx.period.end, unit=scope.unit, hidden_from=hidden)
    return disputes.totals(ctx.period.start, ctx.period.end, scope.prefix, hidden_from=hidden)


def running_campaigns(scope: Scope, ctx: Ctx) -> list[tuple[Campaign, QuerySet]]:
    """Every campaign running during the period with its cases the reader may count (never an accusation
    against the reader's unit, ``metrics.readable``): the figures' and the weekly bulletin's one selection."""
    running = Campaign.objects.filter(assigned_on__lte=ctx.period.end).filter(
        Q(closed_at__isnull=True) | Q(closed_at__date__gte=ctx.period.start)
    )
    cases = without_accusations_of(CampaignCase.objects.filter(readable(ctx, "petition")), (scope.unit,))
    if scope.unit is not None:
        cases = cases.filter(responsible_unit=scope.unit)
        running = running.filter(pk__in=cases.values("campaign_id"))
    else:
        running = running.filter(unit__region__code__startswith=scope.prefix)
    return [
        (campaign, cases.filter(campaign=campaign))
        for campaign in running.select_related("unit__region").order_by("assigned_on", "id")
    ]


def campaigns_json(scope: Scope, ctx: Ctx) -> list[dict]:
    """Every campaign running during the period, its figures as of the period's end (or today, if sooner)."""
    as_of = min(ctx.today, ctx.period.end)
    out = []
    for campaign, of_campaign in running_campaigns(scope, ctx):
        total = campaign_figures.figures(of_campaign, as_of)
        out.append(
            {
                "id": campaign.pk,
                "name": campaign.name,
                "assigning_body": campaign.assigning_body,
                "as_of": as_of.isoformat(),
                **total.as_dict(),
                "sentence": campaign_figures.campaign_sentence(campaign, total),
                "batches": {
                    name: f.as_dict() for name, f in campaign_figures.by_batch(campaign, of_campaign, as_of)
                },
            }
        )
    return out


def meetings_json(scope: Scope, ctx: Ctx) -> dict:
    start, end = ctx.period.start, ctx.period.end
    hidden = ctx.reader_unit_id
    if scope.unit is not None:
        return meetings.totals(start, end, unit=scope.unit, today=ctx.today, hidden_from=hidden)
    return meetings.totals(start, end, scope.prefix, today=ctx.today, hidden_from=hidden)


def as_json(scope: Scope, ctx: Ctx) -> dict:
    return {
        "meetings": meetings_json(scope, ctx),
        "assistance": assistance_json(scope, ctx),
        "disputes": disputes_json(scope, ctx),
        "campaigns": campaigns_json(scope, ctx),
        "settlement": settlement_json(scope, ctx),
    }


def sentences(scope: Scope, ctx: Ctx) -> list[str]:
    """The mechanisms' work-report sentences in the seeds' forms, for the figures that have any data."""
    data = as_json(scope, ctx)
    out = []
    # The outcomes of the period's concluded matters first: they continue the rates' paragraph.
    if data["settlement"]["settled"]["denominator"]:
        out.append(data["settlement"]["sentence"] + "。")
    if data["meetings"]["meetings"]["total"]:
        out.append(data["meetings"]["sentence"] + "。")
    if data["assistance"]["grants"]:
        out.append(data["assistance"]["sentence"] + "。")
    out.extend(campaign["sentence"] + "。" for campaign in data["campaigns"] if campaign["cases"])
    return out
