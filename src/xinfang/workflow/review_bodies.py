"""Who reviews and re-reviews a petition, by name (process.md §4, Regulation Arts. 35-36).

Review (复查) is decided by the unit one level above the original handler, re-review (复核) by the unit one
level above the reviewer (``units.reviewing_unit`` / ``re_reviewing_unit``: whose staff act). Where the
petition bureau's review office prepares the decision in the name of the government of its level
(``OrgUnit.review_office`` / ``review_authority``), the decision is the government's: the detail page, the
portal and the opinion documents name both, through ``review_body`` alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from xinfang.deadlines.models import Stage
from xinfang.evaluation.models import ReviewLevel
from xinfang.orgs.models import OrgUnit
from xinfang.petitions.models import Petition

from .units import re_reviewing_unit, reviewing_unit, reviews_of


@dataclass(frozen=True)
class ReviewBody:
    unit: OrgUnit  # the unit whose staff act (permissions, deadlines)
    authority: str  # in whose name the opinion is given
    office: str = ""  # the office that prepares it in the authority's name, if any

    @property
    def name(self) -> str:
        """“伏牛县人民政府（伏牛县信访局复查复核办公室承办）”, or the unit's own name."""
        return f"{self.authority}（{self.office}承办）" if self.office else self.authority

    def __str__(self) -> str:
        return self.name


def body_of(unit: OrgUnit | None) -> ReviewBody | None:
    """The body that reviews when ``unit``'s staff do the work."""
    if unit is None:
        return None
    office, authority = unit.review_office.strip(), unit.review_authority.strip()
    if office and authority:
        return ReviewBody(unit, authority, office)
    return ReviewBody(unit, unit.name)


def review_body(
    petition: Petition, level: str = ReviewLevel.REVIEW, reviews: dict | None = None
) -> ReviewBody | None:
    """The body that reviews (``level`` review) or re-reviews (re_review) ``petition``: the one requested, or
    the one that would be. None when there is none (no unit above, or no review yet for a re-review)."""
    if level == ReviewLevel.REVIEW:
        return body_of(reviewing_unit(petition, reviews))
    return body_of(re_reviewing_unit(petition, reviews))


def body_name(unit: OrgUnit | None) -> str:
    body = body_of(unit)
    return body.name if body else ""


REVIEW_STAGES = frozenset({Stage.REVIEW, Stage.RE_REVIEW})


def duty_unit_name(stage: str, unit: OrgUnit | None) -> str:
    """The name a deadline's unit is shown by: a review or re-review period is the review body's."""
    if unit is None:
        return ""
    return body_name(unit) if stage in REVIEW_STAGES else unit.name


def bodies_of(petition: Petition) -> list[tuple[str, ReviewBody]]:
    """[("复查机关", body), ("复核机关", body)] as far as the petition has come: the review body once the reply
    was received (the petitioner may appeal to it), the re-review body once a review was requested."""
    if not petition.reply_received_on:  # no appeal before the reply was received (and no query)
        return []
    reviews = reviews_of(petition)
    reviewed = ReviewLevel.REVIEW in reviews
    out = []
    body = review_body(petition, ReviewLevel.REVIEW, reviews)
    if body is not None:
        out.append(("复查机关", body))
    if reviewed:
        body = review_body(petition, ReviewLevel.RE_REVIEW, reviews)
        if body is not None:
            out.append(("复核机关", body))
    return out


__all__ = ["ReviewBody", "bodies_of", "body_name", "body_of", "duty_unit_name", "review_body"]
