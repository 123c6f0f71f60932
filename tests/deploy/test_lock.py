"""The lock (requirements*.txt) must agree with pyproject.toml: scripts/check-lock, which `make test` runs."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _copy(tmp_path: Path) -> Path:
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "check-lock", tmp_path / "scripts" / "check-lock")
    for name in ("pyproject.toml", "requirements.txt", "requirements-test.txt"):
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def _run(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(root / "scripts" / "check-lock")], capture_output=True, text=True, check=False
    )


def test_the_lock_agrees_with_pyproject():
    result = _run(ROOT)
    assert result.returncode == 0, result.stderr


def test_every_pin_is_hashed_and_names_no_machine_path():
    for name in ("requirements.txt", "requirements-test.txt"):
        text = (ROOT / name).read_text(encoding="utf-8")
        assert "--hash=sha256:" in text
        assert "file:" not in text and "/opt/" not in text and "--index-url" not in text


def test_a_dependency_added_without_relocking_fails(tmp_path):
    root = _copy(tmp_path)
    pyproject = root / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text(encoding="utf-8").replace('"jieba>=0.42",', '"jieba>=0.42",\n  "requests>=2",'),
        encoding="utf-8",
    )
    result = _run(root)
    assert result.returncode == 1
    assert "requests>=2 is in pyproject.toml but not locked" in result.stderr


def test_a_removed_or_tightened_dependency_fails(tmp_path):
    root = _copy(tmp_path)
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(
        text.replace('"Django>=5.2,<5.3"', '"Django>=6"').replace('  "filetype>=1.2",\n', ""),
        encoding="utf-8",
    )
    result = _run(root)
    assert result.returncode == 1
    assert "does not satisfy pyproject.toml's Django>=6" in result.stderr
    assert "filetype is locked as a direct dependency" in result.stderr


def test_an_unhashed_pin_fails(tmp_path):
    root = _copy(tmp_path)
    lock = root / "requirements.txt"
    lock.write_text(lock.read_text(encoding="utf-8") + "six==1.17.0\n", encoding="utf-8")
    result = _run(root)
    assert result.returncode == 1
    assert "six has no hash" in result.stderr
