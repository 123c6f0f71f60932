"""Every action the audit trail records has a Chinese name (``workflow.labels.action_label``)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from xinfang.workflow.labels import action_label
from xinfang.workflow.transitions import TABLE

SRC = Path(__file__).resolve().parents[2] / "src" / "xinfang"
CJK = re.compile(r"[\u4e00-\u9fff]")


def recorded_actions() -> set[str]:
    """Every literal ``action="..."`` passed to ``audit.record(...)`` / ``audit.build(...)`` (or ``record`` and
    ``build`` imported from the audit services), or to an ``Event(...)`` built directly."""
    found = set()
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name not in {"record", "build", "Event"}:
                continue
            for keyword in node.keywords:
                if keyword.arg == "action" and isinstance(keyword.value, ast.Constant):
                    found.add(keyword.value.value)
    return found


def test_the_scan_finds_the_actions_recorded_outside_the_table():
    assert {"register", "issue_document", "open_supervision", "recompute_deadlines"} <= recorded_actions()


def test_every_recorded_action_has_a_chinese_label():
    unlabelled = {
        action
        for action in set(TABLE) | recorded_actions()
        if action_label(action) == action or not CJK.search(action_label(action))
    }
    assert not unlabelled


def test_a_transitions_label_is_its_rows():
    for action, row in TABLE.items():
        assert action_label(action) == row.label


def test_an_unknown_action_shows_its_code():
    assert action_label("no_such_action") == "no_such_action"
