"""Suggestions: training on a small synthetic history, the held-out accuracy, the model file checked by its
hash, the fallback to the category → unit table with too little history, the choice recorded, the forms."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.urls import reverse

from tests import factories as f
from xinfang.assist import training
from xinfang.assist.models import SuggestionChoice, SuggestionModel
from xinfang.assist.suggestions import active_model, load, suggest_many
from xinfang.petitions.models import CategoryRoute

from . import history


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def trained(org, people, settings, data_dir, silence_notices):
    settings.XF_SUGGEST_MIN_LABELLED = 40
    history.build(org, people)
    return training.train()


def test_training_measures_the_held_out_slice_and_keeps_the_file(trained, data_dir):
    assert trained.enough and trained.labelled == 60
    assert (trained.train_size, trained.test_size) == (48, 12)
    category = trained.accuracy["category"]
    assert category["n"] == 12 and category["top1"] >= 0.75 and category["top3"] == 1.0
    assert set(category["per_category"]) <= set(history.KINDS)
    assert Path(trained.path).parent == data_dir / "models"
    assert len(trained.sha256) == 64
    assert trained.seconds > 0


def test_suggestions_learn_the_unit_from_the_region(trained, org):
    land = "拆迁补偿款未发放，房屋征收协议的补偿标准过低"
    at_qingbo, at_hubin = suggest_many(
        [
            {"content": land, "issue_region": org.qingbo.code},
            {"content": land, "issue_region": org.hubin.code},
        ]
    )
    assert at_qingbo.categories[0]["path"] == "城乡建设/征收拆迁"
    assert (
        len(at_qingbo.categories) == 3 and at_qingbo.categories[0]["score"] > at_qingbo.categories[1]["score"]
    )
    assert at_qingbo.units[0]["code"] == org.qingbo_unit.code
    assert at_hubin.units[0]["code"] == org.housing.code
    assert not at_qingbo.urgent


def test_a_model_file_that_is_not_the_one_trained_is_never_loaded(trained):
    Path(trained.path).write_bytes(b"not a model")
    from xinfang.assist import suggestions

    suggestions._loaded.clear()
    assert load(trained) is None


def test_too_little_history_says_so_and_falls_back_to_the_table(org, people, settings, data_dir):
    settings.XF_SUGGEST_MIN_LABELLED = 200
    f.register(people.registrar)
    record = training.train()
    assert not record.enough and "少于200件" in record.accuracy["note"] and record.path == ""
    assert active_model() is None
    category = f.category("城乡建设/征收拆迁")
    CategoryRoute.objects.create(category=category, region=org.county, unit=org.housing)
    (s,) = suggest_many([{"content": "征收补偿", "issue_region": org.qingbo.code, "category": category.path}])
    assert s.categories == [] and "历史数据不足" in s.note
    assert s.units == [
        {"code": org.housing.code, "id": org.housing.pk, "name": org.housing.name, "score": None}
    ]


def test_urgent_flag_follows_the_phrase_list(db, org):
    from xinfang.supervision.models import UrgentPhrase

    UrgentPhrase.objects.get_or_create(phrase="跳楼")
    (s,) = suggest_many([{"content": "再不解决我就去跳楼", "issue_region": org.qingbo.code}], record=None)
    assert s.urgent


def test_a_chosen_suggestion_is_recorded(client, people, trained, org):
    client.force_login(people.registrar)
    offered = json.dumps([{"path": "城乡建设/征收拆迁", "score": 0.8}], ensure_ascii=False)
    response = client.post(
        reverse("assist:choice"), {"kind": "category", "offered": offered, "chosen": "城乡建设/征收拆迁"}
    )
    assert response.status_code == 204
    choice = SuggestionChoice.objects.get()
    assert choice.chosen == "城乡建设/征收拆迁" and choice.chosen_by == people.registrar
    assert client.post(reverse("assist:choice"), {"kind": "x", "offered": "[]"}).status_code == 400


def test_the_transfer_form_offers_the_units_in_one_click(client, people, trained, org):
    petition = f.register(
        people.registrar, summary="拆迁补偿款未发放", content="房屋征收协议补偿标准过低，安置房未交付。"
    )
    client.force_login(people.registrar)
    page = client.get(reverse("assist:units", args=[petition.pk])).content.decode()
    assert f'data-apply-select="id_to_unit" data-value="{org.qingbo_unit.pk}"' in page
    action = client.get(reverse("workflow:action", args=[petition.pk, "transfer"])).content.decode()
    assert reverse("assist:units", args=[petition.pk]) in action


def test_admin_page_shows_accuracy_and_training_time(client, trained):
    from tests.factories import UserFactory
    from xinfang.orgs.models import Role

    admin = UserFactory(username="sysadmin", roles=[Role.ADMIN], is_staff=True)
    client.force_login(admin)
    response = client.get(reverse("admin:assist_suggestionmodel_changelist"))
    assert response.status_code == 200
    assert "分类 top-1" in response.content.decode()
    assert SuggestionModel.objects.count() == 1
