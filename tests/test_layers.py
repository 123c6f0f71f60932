"""scripts/check-layers: the layer order of docs/architecture.md holds, and a breach of it is caught."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "check-layers"

LAYERS = """# Architecture

<!-- layers -->
```
clock
orgs
petitions
workflow
```
"""


def run(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--root", str(root)], capture_output=True, text=True, check=False
    )


def tree(tmp_path: Path, files: dict[str, str]) -> Path:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "architecture.md").write_text(LAYERS, encoding="utf-8")
    for name, text in files.items():
        path = tmp_path / "src" / "xinfang" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def test_the_repository_imports_only_downwards():
    result = run(ROOT)
    assert result.returncode == 0, result.stdout
    assert "every import runs downwards" in result.stdout


def test_an_import_of_a_higher_app_fails(tmp_path):
    root = tree(
        tmp_path,
        {
            "petitions/selectors.py": "from xinfang.workflow.models import Routing\n",
            "workflow/models.py": "from xinfang.petitions import selectors\n",
        },
    )
    result = run(root)
    assert result.returncode == 1
    assert "src/xinfang/petitions/selectors.py:1: petitions imports workflow, drawn above it" in result.stdout
    assert "workflow/models.py" not in result.stdout  # downwards is fine


def test_a_function_level_import_must_say_which_cycle_it_breaks(tmp_path):
    silent = "def f():\n    from xinfang.orgs import models\n"
    said = "def f():\n    # breaks the cycle orgs.models -> petitions.models at import time\n    from xinfang.orgs import models\n"
    ready = "class C:\n    def ready(self):\n        from xinfang.orgs import models\n"
    root = tree(tmp_path, {"petitions/a.py": silent, "petitions/b.py": said, "petitions/apps.py": ready})
    result = run(root)
    assert result.returncode == 1
    assert "petitions/a.py:2: function-level import of xinfang.orgs" in result.stdout
    assert "petitions/b.py" not in result.stdout
    assert "petitions/apps.py" not in result.stdout


def test_loading_project_code_by_name_fails(tmp_path):
    root = tree(
        tmp_path, {"workflow/hooks.py": "import importlib\nimportlib.import_module('xinfang.petitions.x')\n"}
    )
    result = run(root)
    assert result.returncode == 1
    assert "workflow/hooks.py:2: imports xinfang.petitions.x by name at run time" in result.stdout


def test_an_app_missing_from_the_drawing_fails(tmp_path):
    root = tree(tmp_path, {"leaders/models.py": "x = 1\n"})
    result = run(root)
    assert result.returncode == 1
    assert "'leaders' is not drawn in the layer order" in result.stdout
