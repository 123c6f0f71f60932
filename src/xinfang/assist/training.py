"""Training the suggestion models on the bureau's own history, measuring them on a held-out slice.

Labels: each petition's category (``category.path``) and the unit it was finally transferred or assigned to
(the latest ``Routing`` of those two kinds, by its unit's code). The held-out slice is the newest fifth of the
labelled petitions by receipt — the models are asked about matters arriving after their history, so that is
what is measured — and the models kept are then fitted again on everything. With fewer labelled petitions
than ``XF_SUGGEST_MIN_LABELLED`` nothing is fitted: the row says so and suggestions fall back to the
category → unit table.
"""

from __future__ import annotations

import hashlib
import time
from collections import defaultdict
from pathlib import Path

import joblib
from django.conf import settings
from django.db.models import OuterRef, Subquery

from xinfang import clock
from xinfang.audit import services as audit
from xinfang.petitions.models import Petition
from xinfang.workflow.models import Routing, RoutingAction

from .features import RegionTextModel, TextModel, region_tokens, text_of
from .models import SuggestionModel

HOLD_OUT = 0.2
MIN_TEST = 10  # a held-out slice smaller than this measures nothing worth printing


def model_dir() -> Path:
    path = Path(settings.DATA_DIR) / "models"
    path.mkdir(parents=True, exist_ok=True)
    return path


def history(limit: int | None = None):
    """(text, region tokens, category path, final unit code or "") per petition, oldest first."""
    final_unit = (
        Routing.objects.filter(
            petition=OuterRef("pk"), action__in=[RoutingAction.TRANSFER, RoutingAction.ASSIGN]
        )
        .order_by("-sent_at", "-id")
        .values("to_unit__code")[:1]
    )
    qs = (
        Petition.objects.filter(merged_into__isnull=True)
        .annotate(final_unit=Subquery(final_unit))
        .order_by("received_at", "pk")
        .values_list("summary", "content", "issue_region_code", "category__path", "final_unit")
    )
    if limit:
        qs = qs[:limit]
    for summary, content, region, category, unit in qs.iterator(chunk_size=5000):
        yield text_of(summary, content), region_tokens(region), category or "", unit or ""


def _measure(model, texts, regions, labels, groups) -> dict:
    """Top-1 and top-3 accuracy overall and per group (the true category)."""
    tops = model.top(texts, regions, k=3)
    per = defaultdict(lambda: [0, 0, 0])
    hit1 = hit3 = 0
    for top, label, group in zip(tops, labels, groups, strict=True):
        names = [name for name, _ in top]
        one, three = int(names[:1] == [label]), int(label in names)
        hit1, hit3 = hit1 + one, hit3 + three
        row = per[group]
        row[0], row[1], row[2] = row[0] + 1, row[1] + one, row[2] + three
    n = len(labels)
    return {
        "n": n,
        "top1": round(hit1 / n, 4) if n else None,
        "top3": round(hit3 / n, 4) if n else None,
        "per_category": {
            group: {"n": c, "top1": round(a / c, 4), "top3": round(b / c, 4)}
            for group, (c, a, b) in sorted(per.items())
        },
    }


def _split(rows: list) -> tuple[list, list]:
    cut = len(rows) - max(int(len(rows) * HOLD_OUT), 0)
    return rows[:cut], rows[cut:]


def _fit_and_measure(factory, rows: list, label_index: int) -> tuple[object, dict]:
    train, test = _split(rows)
    accuracy = {"n": 0, "top1": None, "top3": None, "per_category": {}}
    if len(test) >= MIN_TEST and len({r[label_index] for r in train}) > 1:
        measured = factory().fit(
            [r[0] for r in train], [r[1] for r in train], [r[label_index] for r in train]
        )
        accuracy = _measure(
            measured,
            [r[0] for r in test],
            [r[1] for r in test],
            [r[label_index] for r in test],
            [r[2] for r in test],
        )
    if len({r[label_index] for r in rows}) < 2:
        return None, accuracy
    final = factory().fit([r[0] for r in rows], [r[1] for r in rows], [r[label_index] for r in rows])
    return final, accuracy


def train(*, actor=None, limit: int | None = None) -> SuggestionModel:
    started = time.perf_counter()
    rows = [row for row in history(limit) if row[2]]
    routed = [row for row in rows if row[3]]
    labelled = len(rows)
    minimum = settings.XF_SUGGEST_MIN_LABELLED
    trained_at = clock.now()
    record = SuggestionModel(trained_at=trained_at, labelled=labelled)
    if labelled < minimum:
        record.accuracy = {
            "note": f"有标注的历史事项{labelled}件，少于{minimum}件：不训练，按分类对应单位表建议。"
        }
    else:
        category_model, category_accuracy = _fit_and_measure(TextModel, rows, 2)
        unit_model, unit_accuracy = (None, {"n": 0})
        if len(routed) >= minimum:
            unit_model, unit_accuracy = _fit_and_measure(RegionTextModel, routed, 3)
        train_rows, test_rows = _split(rows)
        record.train_size, record.test_size = len(train_rows), len(test_rows)
        record.enough = category_model is not None
        record.accuracy = {"category": category_accuracy, "unit": unit_accuracy, "routed": len(routed)}
        if record.enough:
            path = model_dir() / f"suggest-{trained_at:%Y%m%dT%H%M%S%f}.joblib"
            joblib.dump({"category": category_model, "unit": unit_model}, path, compress=3)
            record.path = str(path)
            record.sha256 = file_sha256(path)
    record.seconds = round(time.perf_counter() - started, 3)
    record.save()
    audit.record(
        action="train_suggestions",
        target=record,
        actor=actor,
        data={"labelled": labelled, "enough": record.enough, "sha256": record.sha256},
    )
    return record


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def summary_json(record: SuggestionModel) -> dict:
    return {
        "trained_at": record.trained_at.isoformat(),
        "seconds": record.seconds,
        "labelled": record.labelled,
        "train_size": record.train_size,
        "test_size": record.test_size,
        "enough": record.enough,
        "accuracy": record.accuracy,
        "sha256": record.sha256,
    }
