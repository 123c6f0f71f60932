"""The intake assistance in a browser: registering a petition that paraphrases an earlier one shows the earlier
one in the related-cases panel as the registrar types; linking it sets `repeat_of`; on the transfer form the
suggested unit is one click away."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import factories as f
from tests.assist import history
from tests.assist.pairs import MATTERS
from xinfang.assist import training
from xinfang.assist.models import SuggestionChoice
from xinfang.orgs.models import Region
from xinfang.petitions.models import Category, PartyRole, Petition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_paraphrase_is_found_linked_as_repeat_and_routed_by_suggestion(
    page, shoot, log_in, org, people, settings, tmp_path, silence_notices
):
    settings.DATA_DIR = tmp_path
    settings.XF_SUGGEST_MIN_LABELLED = 40
    history.build(org, people)
    assert training.train().enough
    matter = MATTERS[
        0
    ]  # 城东村 house demolition: the history's land matters of 清波街道 went to the township
    earlier = f.register(
        people.registrar,
        category=Category.objects.get(path=matter["category"]),
        summary=matter["earlier"][0],
        content=matter["earlier"][1],
    )

    log_in(people.registrar)
    page.goto("/petitions/register/letter/")
    person = f.person(9001)
    page.locator("#id_parties-0-name").fill(person.name)
    page.locator("#id_parties-0-id_number").fill(person.id_number)
    page.locator("#id_parties-0-phone").fill(person.phone)
    page.locator("#id_parties-0-role").select_option(PartyRole.PRINCIPAL)
    page.get_by_label("申诉求决类").check()
    page.locator("#id_issue_region").select_option(str(Region.objects.get(code="330102001").pk))
    page.locator("#id_summary").fill(matter["paraphrase"][0])
    page.locator("#id_content").fill(matter["paraphrase"][1])

    panel = page.locator("#related-panel")
    similar = panel.locator('[data-related-section="similar_text"]')
    expect(similar).to_contain_text(earlier.registration_number)
    # The category suggestion: one click selects it in the form.
    suggestion = page.locator("#category-suggestions").get_by_role("button").first
    expect(suggestion).to_contain_text("城乡建设/征收拆迁")
    suggestion.click()
    expect(page.locator("#id_category")).to_have_value(str(Category.objects.get(path="城乡建设/征收拆迁").pk))
    shoot("panel")
    similar.locator(f'[data-related-number="{earlier.registration_number}"]').get_by_role(
        "button", name="关联为重复件"
    ).click()
    expect(page.locator("#repeat-of-display")).to_contain_text(earlier.registration_number)
    page.get_by_role("button", name="提交登记").click()
    expect(page.locator("#registration-receipt")).to_contain_text("登记成功")
    petition = Petition.objects.get(summary=matter["paraphrase"][0])
    assert petition.repeat_of == earlier
    # The detail page's card lists the earlier petition too.
    expect(page.locator("#related-panel")).to_contain_text(earlier.registration_number)
    shoot("detail")

    page.goto(f"/workflow/petitions/{petition.pk}/actions/transfer/")
    units = page.locator("#unit-suggestions")
    first = units.get_by_role("button").first
    expect(first).to_contain_text(org.qingbo_unit.name)
    page.locator("#id_to_unit").select_option("")
    first.click()
    expect(page.locator("#id_to_unit")).to_have_value(str(org.qingbo_unit.pk))
    shoot("transfer-suggested")
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    assert SuggestionChoice.objects.filter(
        kind="unit", chosen=org.qingbo_unit.code, petition=petition
    ).exists()
    assert SuggestionChoice.objects.filter(kind="category").exists()
    assert not page.failed_requests, page.failed_requests
