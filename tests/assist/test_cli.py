"""The command-line contract of issue 18 (docs/assist.md): `xinfang suggest train`, `xinfang suggest --json`,
`xinfang similar --json` — JSON shapes exactly as specified, one output line per input line."""

from __future__ import annotations

import io
import json
import sys

import pytest
from django.core.management import CommandError, call_command

from tests import factories as f

from . import history
from .pairs import MATTERS


def run(command: str, *args, stdin: str = "") -> list[dict]:
    out = io.StringIO()
    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        call_command(command, *args, stdout=out)
    finally:
        sys.stdin = old
    return [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]


def lines(*items) -> str:
    return "\n".join(json.dumps(i, ensure_ascii=False) if not isinstance(i, str) else i for i in items) + "\n"


@pytest.fixture
def history_db(org, people, settings, tmp_path, silence_notices):
    settings.DATA_DIR = tmp_path
    settings.XF_SUGGEST_MIN_LABELLED = 40
    return history.build(org, people)


def test_suggest_train_prints_the_held_out_accuracy(history_db):
    (answer,) = run("suggest", "train")
    assert answer["enough"] is True and answer["labelled"] == 60
    assert set(answer["accuracy"]["category"]) == {"n", "top1", "top3", "per_category"}
    assert 0 <= answer["accuracy"]["category"]["top1"] <= 1
    assert set(answer["accuracy"]["unit"]) == {"n", "top1", "top3", "per_category"}
    assert answer["seconds"] >= 0 and len(answer["sha256"]) == 64


def test_suggest_json_answers_one_line_per_line(history_db, org):
    run("suggest", "train")
    answers = run(
        "suggest",
        "--json",
        stdin=lines(
            {"content": "拖欠农民工工资一年，包工头讨薪无果", "issue_region": org.hubin.code},
            "not json",
            {"content": "化工厂污水河水发臭", "issue_region": org.qingbo.code},
        ),
    )
    assert len(answers) == 3
    first = answers[0]
    assert set(first) == {"categories", "units", "urgent"}
    assert 1 <= len(first["categories"]) <= 3 and set(first["categories"][0]) == {"path", "score"}
    assert first["categories"][0]["path"] == "劳动和社会保障/拖欠工资"
    assert 1 <= len(first["units"]) <= 3 and set(first["units"][0]) == {"code", "score"}
    assert first["urgent"] is False
    assert "error" in answers[1] and answers[1]["categories"] == []
    assert answers[2]["categories"][0]["path"] == "生态环境/环境污染"


def test_suggest_needs_train_or_json(db):
    with pytest.raises(CommandError):
        run("suggest")


def test_similar_json_finds_the_earlier_petition(people, org):
    matter = MATTERS[3]
    person = f.person(777)
    earlier = f.register(people.registrar, summary=matter["earlier"][0], content=matter["earlier"][1])
    mine = f.register(people.registrar, parties=[person], summary="另一件事", content="楼道灯坏了。")
    answers = run(
        "similar",
        "--json",
        stdin=lines(
            # The whole telling in "content" (the contract has no summary field; it is optional).
            {"content": "，".join(matter["paraphrase"]), "issue_region": org.qingbo.code, "id_number": None},
            {"content": "楼道灯", "issue_region": "", "id_number": person.id_number},
            [1, 2],
        ),
    )
    assert len(answers) == 3
    assert set(answers[0]) == {"petitions"}
    top = answers[0]["petitions"]
    assert top[0]["number"] == earlier.registration_number and 0 < top[0]["score"] <= 1
    assert set(top[0]) == {"number", "score"} and len(top) <= 5
    assert answers[1]["petitions"][0]["number"] == mine.registration_number
    assert answers[2]["petitions"] == [] and "error" in answers[2]


def test_similar_needs_json(db):
    with pytest.raises(CommandError):
        run("similar")
