"""案结事了率 and 息诉息访率: how many of the matters concluded in a period have ended for good (process.md §4,
"Outcomes beyond conclusion"; defined in docs/statistics.md, since process.md names the outcome but
defines neither rate).

Both are `RateDef`s over the petitions **concluded** (办结: ``concluded_at``, the reply delivered or the matter
concluded on the spot) in the period, counted for the unit answerable for them (the responsible unit: the
lead unit of a co-handled matter, never a supporting one):

* ``settled`` (案结事了率): those recorded 案结事了 / 息诉息访 (``record_settlement``: any of the five ways) by
  the as-of day;
* ``petitioning_ended`` (息诉息访率): those after whose conclusion no repeat petition (重复信访 linked to it)
  was received, up to the as-of day: the petitioner actually stopped petitioning on the matter.

``settlement_json`` adds ``by_kind``, the recorded ones by how they ended, and the report's sentence.
"""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q

from xinfang.petitions.models import Petition, Settlement

from .metrics import Ctx, as_of_end
from .rates import RateDef, rate
from .scope import Scope
from .sentences import percent_text


def concluded_in(ctx: Ctx, per_unit: bool = True) -> Q:
    return Q(concluded_at__gte=ctx.period.start_at, concluded_at__lt=ctx.period.end_before)


def recorded_settled(ctx: Ctx) -> Q:
    return Q(settled_at__isnull=False, settled_at__lt=as_of_end(ctx))


def no_repeat_after_conclusion(ctx: Ctx) -> Q:
    later = Petition.objects.filter(
        repeat_of=OuterRef("pk"), received_at__gt=OuterRef("concluded_at"), received_at__lt=as_of_end(ctx)
    )
    return ~Q(Exists(later))


def _everything(ctx: Ctx) -> Q:
    return Q()


SETTLED = RateDef(
    "settlement.settled",
    "案结事了率",
    Petition,
    concluded_in,
    numerator=recorded_settled,
    denominator=_everything,
    petition_field="pk",
    numerator_label="案结事了",
    denominator_label="办结",
)
PETITIONING_ENDED = RateDef(
    "settlement.petitioning_ended",
    "息诉息访率",
    Petition,
    concluded_in,
    numerator=no_repeat_after_conclusion,
    denominator=_everything,
    petition_field="pk",
    numerator_label="未再重复信访",
    denominator_label="办结",
)
SETTLEMENT_RATES = {"settled": SETTLED, "petitioning_ended": PETITIONING_ENDED}


def by_kind(scope: Scope, ctx: Ctx) -> dict[str, int]:
    """The recorded ones (``settled``'s numerator) by how they ended: every kind named, zero when none."""
    rows = (
        SETTLED.queryset(scope, ctx)
        .filter(recorded_settled(ctx))
        .order_by()
        .values("settlement")
        .annotate(n=Count("pk"))
        .values_list("settlement", "n")
    )
    found = dict(rows)
    return {kind: found.get(kind, 0) for kind in Settlement.values}


def settlement_json(scope: Scope, ctx: Ctx) -> dict:
    figures = {key: rate(defn, scope, ctx) for key, defn in SETTLEMENT_RATES.items()}
    return {
        **{key: value.as_dict() for key, value in figures.items()},
        "by_kind": by_kind(scope, ctx),
        "sentence": sentence(figures["settled"], figures["petitioning_ended"]),
    }


def sentence(settled, ended) -> str:
    """案结事了率为90%（共办结100件，案结事了90件），息诉息访率为95%: the reports' form (seed 004's
    "案结事了率达90%以上" is a claim about the first figure)."""
    return (
        f"案结事了率为{percent_text(settled.percent)}（共办结{settled.denominator}件，案结事了{settled.numerator}件），"
        f"息诉息访率为{percent_text(ended.percent)}"
    )


def rate_of(key: str, scope: Scope, ctx: Ctx):
    return rate(SETTLEMENT_RATES[key], scope, ctx)
