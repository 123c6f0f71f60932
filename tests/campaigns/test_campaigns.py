"""Campaigns: an imported list of 20 cases in two batches, screening, resolution by the standard, the
figures per campaign and batch, the weekly ranking; a second import of the same list is skipped."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests import factories as f
from tests.scenes import day, when
from xinfang.audit.models import Event
from xinfang.campaigns import figures, importer, services
from xinfang.campaigns.models import CampaignCase, Screening
from xinfang.campaigns.selectors import campaigns_visible_to, cases_visible_to
from xinfang.petitions.selectors import visible_to


def jsonl(items) -> str:
    return "\n".join(json.dumps(item, ensure_ascii=False) for item in items) + "\n"


@pytest.fixture
def listed(campaign, org, people):
    """20 petitions: 12 in the first batch for 清波街道, 8 in the second for 住建局 (4) and 湖滨街道 (4)."""
    petitions = [f.register(people.registrar) for _ in range(20)]
    lines = [
        {
            "registration_number": p.registration_number,
            "batch": "第一批" if i < 12 else "第二批",
            "responsible_unit": "330102001" if i < 12 else ("330102-ZJJ" if i < 16 else "330102002"),
        }
        for i, p in enumerate(petitions)
    ]
    text = jsonl(lines)
    result = importer.import_list(campaign, people.bureau_handler, text)
    assert (result.added, result.skipped_present, result.repeated_list) == (20, 0, False)
    return petitions, text


def criteria(campaign):
    return list(campaign.criteria.values_list("pk", flat=True))


def test_the_journey_of_a_campaign(campaign, listed, org, people, frozen_clock):
    petitions, text = listed
    again = importer.import_list(campaign, people.bureau_handler, text)
    assert again.repeated_list and again.message == "该清单已导入过，本次未重复导入。"
    assert CampaignCase.objects.count() == 20
    cases = {c.petition_id: c for c in CampaignCase.objects.all()}
    for p in petitions[:18]:
        services.screen(cases[p.pk], people.bureau_handler, included=True)
    for p in petitions[18:]:
        services.screen(cases[p.pk], people.bureau_handler, included=False, reason="已依法终结，不属于积案")
    # 清波街道 resolves 10 of its 12 (8 on time), 住建局 2 of 4 on time; 湖滨街道's two left are screened out.
    for i, p in enumerate(petitions[:10]):
        frozen_clock(when("2026-04-20" if i < 8 else "2026-05-10"))
        on = "2026-04-20" if i < 8 else "2026-05-10"
        services.resolve(
            cases[p.pk],
            people.township_handler,
            resolved_on=day(on),
            criteria_met=criteria(campaign),
            note="已解决",
        )
    frozen_clock(when("2026-05-20"))
    for p in petitions[12:14]:
        services.resolve(
            cases[p.pk],
            people.department_handler,
            resolved_on=day("2026-05-20"),
            criteria_met=criteria(campaign),
            note="已解决",
        )

    today = day("2026-06-01")
    all_cases = CampaignCase.objects.filter(campaign=campaign)
    total = figures.figures(all_cases, today)
    assert (total.cases, total.screened_out, total.resolved, total.remaining) == (18, 2, 12, 6)
    assert (total.township_units, total.department_units) == (2, 1)
    assert str(total.resolution_rate) == "66.67"  # 12/18, half up like every rate (xinfang.percent)
    assert (total.on_time, total.due) == (10, 18)  # both batches' deadlines have passed
    first, second = figures.by_batch(campaign, all_cases, today)
    assert first[0] == "第一批" and (first[1].cases, first[1].resolved, first[1].on_time) == (12, 10, 8)
    assert (second[1].cases, second[1].resolved, second[1].screened_out) == (6, 2, 2)
    ranking = figures.unit_ranking(all_cases, today)
    assert [(r.rank, r.unit_name, r.cases, r.resolved, str(r.rate)) for r in ranking] == [
        (1, "清波街道办事处", 12, 10, "83.33"),
        (2, "上城区住房和城乡建设局", 4, 2, "50.00"),
        (3, "湖滨街道办事处", 2, 0, "0.00"),
    ]
    assert figures.campaign_sentence(campaign, total) == (
        "中央联席办共交办我区18个案件，涉及2个乡镇办和1个区直单位，已化解12案，化解率66.67%"
    )
    with pytest.raises(ValidationError):  # pending cases are gone; closing works
        services.resolve(
            cases[petitions[18].pk],
            people.bureau_handler,
            resolved_on=today,
            criteria_met=criteria(campaign),
            note="x",
        )
    frozen_clock(when("2026-06-30"))
    services.close_campaign(campaign, people.bureau_handler)
    campaign.refresh_from_db()
    assert campaign.status == "closed"
    assert Event.objects.filter(action="import_campaign_list").count() == 1
    assert Event.objects.filter(action="resolve_campaign_case").count() == 12


def test_screening_out_needs_a_reason(campaign, listed, people):
    case = CampaignCase.objects.first()
    with pytest.raises(ValidationError) as caught:
        services.screen(case, people.bureau_handler, included=False, reason=" ")
    assert "理由" in caught.value.message_dict["reason"][0]
    case.refresh_from_db()
    assert (
        case.screening == Screening.PENDING
        and not Event.objects.filter(action="screen_campaign_case").exists()
    )


def test_resolving_needs_every_criterion(campaign, listed, people, frozen_clock):
    case = CampaignCase.objects.select_related("responsible_unit").get(petition=listed[0][0])
    services.screen(case, people.bureau_handler, included=True)
    frozen_clock(when("2026-04-01"))
    with pytest.raises(ValidationError) as caught:
        services.resolve(
            case,
            people.township_handler,
            resolved_on=day("2026-04-01"),
            criteria_met=criteria(campaign)[:2],
            note="已解决",
        )
    assert "信访人息诉罢访" in caught.value.message_dict["criteria_met"][0]
    case.refresh_from_db()
    assert case.resolved_on is None


def test_a_bad_line_refuses_the_whole_list(campaign, people):
    p = f.register(people.registrar)
    text = jsonl(
        [
            {"registration_number": p.registration_number, "batch": "第一批"},
            {"registration_number": "XF-NOPE", "batch": "第一批"},
            {"external_id": "Z-1", "batch": "第九批"},
        ]
    )
    with pytest.raises(ValidationError) as caught:
        importer.import_list(campaign, people.bureau_handler, text + "not json\n")
    assert caught.value.message_dict["file"] == ["第4行不是有效的JSON"]
    with pytest.raises(ValidationError) as caught:
        importer.import_list(campaign, people.bureau_handler, text)
    assert caught.value.message_dict["file"] == [
        "第2行：信访事项“XF-NOPE”不存在或无权查看",
        "第3行：信访事项“Z-1”不存在或无权查看",
    ]
    assert (
        not CampaignCase.objects.exists() and not Event.objects.filter(action="import_campaign_list").exists()
    )


def test_a_petition_already_in_the_campaign_is_skipped_not_duplicated(campaign, listed, people):
    petitions, _ = listed
    extra = f.register(people.registrar, external_id="ZY-2026-0001")
    result = importer.import_list(
        campaign, people.bureau_handler,
        jsonl([{"registration_number": petitions[0].registration_number, "batch": "第二批"}, {"external_id": "ZY-2026-0001", "batch": "第二批"}]),
    )  # fmt: skip
    assert (result.added, result.skipped_present) == (1, 1)
    assert CampaignCase.objects.filter(petition=petitions[0]).count() == 1
    assert CampaignCase.objects.get(petition=extra).batch.name == "第二批"


def test_a_campaign_case_that_is_a_petition_under_review(campaign, scene, people, org, frozen_clock):
    """The campaign resolves the case by its standard; the petition's review goes on untouched."""
    petition = scene.drive("under_review")
    frozen_clock(when("2026-04-12"))
    batch = campaign.batches.get(name="第一批")
    case = services.add_case(
        campaign, people.bureau_handler, petition=petition, batch=batch, responsible_unit=org.qingbo_unit
    )
    services.screen(case, people.bureau_handler, included=True)
    services.resolve(
        case,
        people.township_handler,
        resolved_on=day("2026-04-12"),
        criteria_met=criteria(campaign),
        note="复查期间达成和解",
    )
    petition.refresh_from_db()
    assert petition.status == "under_review"
    assert figures.figures(CampaignCase.objects.all(), day("2026-04-12")).resolved == 1


def test_a_responsible_unit_sees_its_cases_and_petitions_only(campaign, listed, org, people):
    petitions, _ = listed
    dept_petition = petitions[12]
    assert visible_to(people.department_handler).filter(pk=dept_petition.pk).exists()  # the campaign's scope
    assert not visible_to(people.department_handler).filter(pk=petitions[0].pk).exists()
    assert cases_visible_to(people.department_handler).count() == 4
    assert cases_visible_to(people.bureau_leader).count() == 20
    assert list(campaigns_visible_to(people.department_handler)) == [campaign]
    assert not campaigns_visible_to(people.other_county_registrar).exists()


def test_an_accusation_never_goes_to_the_accused_unit(campaign, people, org):
    accusation = f.register(people.registrar, petition_class="accusation", subject_unit=org.housing)
    batch = campaign.batches.get(name="第一批")
    with pytest.raises(ValidationError) as caught:
        services.add_case(
            campaign, people.bureau_handler, petition=accusation, batch=batch, responsible_unit=org.housing
        )
    assert "被检举单位" in caught.value.message_dict["responsible_unit"][0]
    services.add_case(
        campaign, people.bureau_handler, petition=accusation, batch=batch, responsible_unit=org.discipline
    )
    assert not cases_visible_to(people.department_handler).exists()
    assert figures.figures(cases_visible_to(people.department_handler), day("2026-04-01")).cases == 0


def test_only_bureau_staff_run_campaigns(people):
    with pytest.raises(PermissionDenied):
        services.create_campaign(
            people.township_handler,
            name="x",
            assigning_body="city",
            assigned_on=day("2026-03-01"),
            deadline=day("2026-04-01"),
            criteria=["a"],
        )
