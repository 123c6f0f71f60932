"""Category and unit suggestions for one matter: the latest model trained with enough history, else the
category → unit table (``CategoryRoute``, through ``workflow.forms.suggested_unit``), never applied by
themselves (the forms offer them; the person chooses)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import joblib

from xinfang.orgs.models import OrgUnit, Region
from xinfang.petitions.models import Category
from xinfang.supervision.urgency import active_phrases, urgent_phrases
from xinfang.workflow.forms import suggested_unit

from .features import region_tokens, text_of
from .models import SuggestionModel
from .training import file_sha256

TOP = 3
_lock = threading.Lock()
_loaded: dict[tuple[int, str], dict] = {}


@dataclass
class Suggestion:
    categories: list[dict] = field(default_factory=list)  # {"path", "id", "score"}
    units: list[dict] = field(default_factory=list)  # {"code", "id", "name", "score"}
    urgent: bool = False
    model: SuggestionModel | None = None
    note: str = ""

    @property
    def categories_json(self) -> str:
        return json.dumps(
            [{"path": c["path"], "score": c["score"]} for c in self.categories], ensure_ascii=False
        )

    @property
    def units_json(self) -> str:
        return json.dumps([{"code": u["code"], "score": u["score"]} for u in self.units], ensure_ascii=False)

    def as_json(self) -> dict:
        return {
            "categories": [{"path": c["path"], "score": c["score"]} for c in self.categories],
            "units": [{"code": u["code"], "score": u["score"]} for u in self.units],
            "urgent": self.urgent,
        }


def active_model() -> SuggestionModel | None:
    return SuggestionModel.objects.filter(enough=True).exclude(path="").order_by("-trained_at", "-id").first()


def load(record: SuggestionModel) -> dict | None:
    """The fitted models of ``record``, read once per process; None when the file is gone or is not the one
    trained (its SHA-256 differs): a file swapped under XF_DATA_DIR is never unpickled."""
    key = (record.pk, record.sha256)
    with _lock:
        if key in _loaded:
            return _loaded[key]
        path = Path(record.path)
        if not path.is_file() or file_sha256(path) != record.sha256:
            return None
        # Our own file, its hash checked against the row just above.
        models = joblib.load(path)  # nosec B301
        _loaded.clear()
        _loaded[key] = models
        return models


def suggest_many(items: list[dict], *, record: SuggestionModel | None = ...) -> list[Suggestion]:
    """``items``: dicts with ``summary``, ``content``, ``issue_region`` (a code) and optionally ``category``
    (a path: the registrar's choice, for the fallback table)."""
    if record is ...:
        record = active_model()
    models = load(record) if record is not None else None
    phrases = active_phrases()
    texts = [text_of(i.get("summary") or "", i.get("content") or "") for i in items]
    regions = [region_tokens(str(i.get("issue_region") or "")) for i in items]
    categories = models["category"].top(texts, regions, TOP) if models else [[] for _ in items]
    units = models["unit"].top(texts, regions, TOP) if models and models.get("unit") else None
    paths = {name for top in categories for name, _ in top} | {i.get("category") or "" for i in items}
    by_path = {c.path: c for c in Category.objects.filter(path__in=paths - {""})}
    codes = {name for top in units or [] for name, _ in top}
    by_code = {u.code: u for u in OrgUnit.objects.filter(code__in=codes)} if codes else {}
    out = []
    for index, item in enumerate(items):
        s = Suggestion(model=record if models else None)
        s.urgent = bool(urgent_phrases(f"{item.get('summary') or ''}\n{item.get('content') or ''}", phrases))
        s.categories = [
            {"path": name, "id": by_path[name].pk if name in by_path else None, "score": round(score, 4)}
            for name, score in categories[index]
        ]
        if units is not None:
            s.units = [
                {"code": code, "id": by_code[code].pk, "name": by_code[code].name, "score": round(score, 4)}
                for code, score in units[index]
                if code in by_code and by_code[code].is_active
            ]
        if not models:
            s.note = "历史数据不足，尚未训练建议模型：责任单位按分类对应单位表建议。"
        if not s.units:
            s.units = _from_table(item, by_path, s.categories)
            if models and s.units:
                s.note = "转交办历史不足：责任单位按分类对应单位表建议。"
        out.append(s)
    return out


def _from_table(item: dict, by_path: dict, categories: list[dict]) -> list[dict]:
    """The category → unit table's unit for the registrar's category, else for the top suggested one."""
    path = item.get("category") or (categories[0]["path"] if categories else "")
    category = by_path.get(path)
    region = Region.objects.filter(code=str(item.get("issue_region") or "")).first()
    if category is None or region is None:
        return []
    unit = suggested_unit(
        SimpleNamespace(issue_region=region, category=category), OrgUnit.objects.filter(is_active=True)
    )
    return [{"code": unit.code, "id": unit.pk, "name": unit.name, "score": None}] if unit else []


def suggest(**item) -> Suggestion:
    return suggest_many([item])[0]
