"""The campaigns' weekly progress bulletin (issue 15 item 3, seed 003: 化解进度每周进行全市通报) on known
numbers: per campaign its figures as of the week's end and its units ranked by resolution rate, issued by
`xinfang bulletin campaign`, listed with the bureau's bulletins and delivered to the leaders."""

from __future__ import annotations

import datetime as dt
import io

import docx
from django.core.management import call_command
from django.urls import reverse

from tests import factories as f
from tests.scenes import day, make_leaders, when
from tests.viewtests import get
from xinfang.campaigns.models import CampaignCase, Screening
from xinfang.petitions.services import register_many
from xinfang.stats.models import Bulletin, BulletinDelivery, BulletinKind


def _cases(campaign, people, plan):
    """plan: (unit, resolved on) per case; None = not resolved."""
    outcomes = register_many([f.registration() for _ in plan], people.registrar)
    batch = campaign.batches.get(name="第一批")
    CampaignCase.objects.bulk_create(
        CampaignCase(
            campaign=campaign,
            batch=batch,
            petition=outcome.petition,
            screening=Screening.IN,
            responsible_unit=unit,
            due_on=batch.due_on,
            resolved_on=resolved,
        )
        for outcome, (unit, resolved) in zip(outcomes, plan, strict=True)
    )


def test_the_weekly_bulletin_ranks_units_by_resolution_rate(campaign, org, people, frozen_clock, client):
    leaders = make_leaders(org)
    done, later = day("2026-04-01"), day("2026-04-08")  # later: after the week, not yet resolved by its end
    _cases(
        campaign,
        people,
        [(org.hubin_unit, done)] * 2
        + [(org.hubin_unit, None)]
        + [(org.qingbo_unit, done)] * 4
        + [(org.housing, done), (org.housing, later), (org.housing, None)],
    )
    frozen_clock(when("2026-04-09 09:00"))  # Thursday; the week of 2026-03-30 to 04-05
    out = io.StringIO()
    call_command(
        "bulletin", "campaign", "--unit", org.bureau.code, "--from", "2026-03-30", "--to", "2026-04-05",
        "--send", stdout=out,
    )  # fmt: skip
    bulletin = Bulletin.objects.get(kind=BulletinKind.CAMPAIGN, issuing_unit=org.bureau)
    (progress,) = bulletin.context["campaigns"]
    assert progress["figures"]["cases"] == 10 and progress["figures"]["resolved"] == 7
    assert progress["remaining"] == 3
    assert progress["sentence"] == (
        "中央联席办共交办我区10个案件，涉及2个乡镇办和1个区直单位，已化解7案，化解率70%"
    )
    assert progress["ranking_lines"] == [
        f"第1名 {org.qingbo_unit.name}：4案，已化解4案，化解率100%",
        f"第2名 {org.hubin_unit.name}：3案，已化解2案，化解率66.67%",
        f"第3名 {org.housing.name}：3案，已化解1案，化解率33.33%",
    ]
    with bulletin.docx.open("rb") as handle:
        text = "\n".join(p.text for p in docx.Document(io.BytesIO(handle.read())).paragraphs)
    assert "专项活动化解进度周通报" in text and "一、集中治理重复信访化解信访积案专项工作" in text
    assert f"第3名 {org.housing.name}：3案，已化解1案，化解率33.33%" in text
    assert "尚未化解3案" in text

    # Delivered like the others, and on the bureau's list of bulletins.
    assert set(BulletinDelivery.objects.filter(bulletin=bulletin).values_list("recipient", flat=True)) == {
        leaders.secretary.pk,
        leaders.mayor.pk,
        leaders.pl_secretary.pk,
    }
    listing = get(client, reverse("stats:bulletins"), people.registrar).content.decode()
    assert "专项活动化解进度周通报" in listing


def test_a_week_without_campaigns_says_so(org, people, frozen_clock):
    from xinfang.stats import bulletins

    frozen_clock(when("2026-04-06 09:00"))
    bulletin = bulletins.issue(BulletinKind.CAMPAIGN, org.bureau)
    assert (bulletin.period_start, bulletin.period_end) == (dt.date(2026, 3, 30), dt.date(2026, 4, 5))
    assert bulletin.context["campaigns"] == []
    with bulletin.docx.open("rb") as handle:
        text = "\n".join(p.text for p in docx.Document(io.BytesIO(handle.read())).paragraphs)
    assert "本周无正在开展的专项活动。" in text
