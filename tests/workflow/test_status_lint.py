"""Nothing but the workflow service sets a petition's status (design.md: "a lint or test that fails on
`.status =` outside the workflow").

The scan parses every module under src/ and reports, outside the workflow app, migrations, the registration
service's initial REGISTERED and the demo data generator:
* an assignment to ``<something petition>.status`` (also ``setattr(petition, "status", …)``);
* a ``status=`` keyword to ``Petition(...)`` or to a ``create``/``update``/``get_or_create``/
  ``update_or_create`` call on something named like a petition (``Petition.objects``, ``petitions``, ...);
* ``bulk_update(..., ["status", ...])`` on such a receiver.
Other models' own ``status`` fields (supervisions, notifications) are not petitions and are not reported.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "xinfang"
WRITE_METHODS = {"create", "update", "get_or_create", "update_or_create"}
PETITIONISH = re.compile(r"petition", re.IGNORECASE)


def _allowed(path: Path) -> bool:
    rel = path.relative_to(SRC).as_posix()
    return rel.startswith(("workflow/", "demo/")) or "/migrations/" in rel


def violations(source: str, filename: str = "<src>") -> list[str]:
    found = []
    tree = ast.parse(source, filename)
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            petition_status = isinstance(target, ast.Attribute) and target.attr == "status"
            if petition_status and PETITIONISH.search(ast.unparse(target.value)):
                found.append(f"{filename}:{node.lineno}: {ast.unparse(target)} = …")
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id == "setattr" and len(node.args) >= 2:
            name, field = node.args[0], node.args[1]
            if (
                isinstance(field, ast.Constant)
                and field.value == "status"
                and PETITIONISH.search(ast.unparse(name))
            ):
                found.append(f"{filename}:{node.lineno}: setattr(…, 'status', …)")
        receiver = ""
        if isinstance(func, ast.Name) and func.id == "Petition":
            receiver = "Petition"
        elif isinstance(func, ast.Attribute) and (func.attr in WRITE_METHODS or func.attr == "bulk_update"):
            receiver = ast.unparse(func.value) if PETITIONISH.search(ast.unparse(func.value)) else ""
        if not receiver:
            continue
        for keyword in node.keywords:
            if keyword.arg == "status":
                value = ast.unparse(keyword.value)
                if filename.endswith("petitions/services.py") and value == "Status.REGISTERED":
                    continue  # registration creates every petition in its first state
                found.append(f"{filename}:{node.lineno}: {receiver}…(status={value})")
        if isinstance(func, ast.Attribute) and func.attr == "bulk_update":
            fields = node.args[1:2] + [k.value for k in node.keywords if k.arg == "fields"]
            if any("'status'" in ast.unparse(f) or '"status"' in ast.unparse(f) for f in fields):
                found.append(f"{filename}:{node.lineno}: {receiver}.bulk_update(…status…)")
    return found


def test_the_scan_finds_what_it_looks_for():
    sample = """
petition.status = "accepted"
self.petition.status = Status.CONCLUDED
setattr(petition, "status", "closed")
Petition.objects.filter(pk=1).update(status="closed")
Petition(status="accepted")
petitions.update(status="x")
Petition.objects.bulk_update(rows, ["status"])
supervision.status = "answered"
Notification.objects.create(status="sent")
Response(data, status=201)
"""
    assert len(violations(sample)) == 7


def test_only_the_workflow_sets_a_petition_status():
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if _allowed(path):
            continue
        found += violations(path.read_text(encoding="utf-8"), path.relative_to(SRC).as_posix())
    assert found == [], "status set outside xinfang.workflow.services.perform:\n" + "\n".join(found)
