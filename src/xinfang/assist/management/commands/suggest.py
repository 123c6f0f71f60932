"""xinfang suggest train: train the category and unit models on the database's history and print the held-out
accuracy as JSON. xinfang suggest --json: JSON lines in ({"content", "issue_region"}; "summary" and "category"
optional), one line out per line in: {"categories": [{"path", "score"}, …3], "units": [{"code", "score"}, …3],
"urgent": bool}. docs/assist.md says what they learn from."""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from xinfang.assist import training
from xinfang.assist.suggestions import active_model, suggest_many

BATCH = 500


class Command(BaseCommand):
    help = "信访事项内容分类和责任单位建议：train 训练并输出留出集准确率；--json 逐行给出建议。"

    def add_arguments(self, parser):
        parser.add_argument("action", nargs="?", choices=["train"], help="train：用本库历史训练建议模型")
        parser.add_argument("--json", action="store_true", help="从标准输入读 JSON Lines，逐行输出建议")
        parser.add_argument("--limit", type=int, default=None, help="train：只用最早的若干件（测量用）")

    def handle(self, *args, **options):
        if options["action"] == "train":
            record = training.train(limit=options["limit"])
            self.stdout.write(json.dumps(training.summary_json(record), ensure_ascii=False))
            return
        if not options["json"]:
            raise CommandError("请指定 train，或使用 --json 从标准输入逐行读取 JSON。")
        record = active_model()
        batch: list = []
        for number, line in enumerate(sys.stdin, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                if not isinstance(item, dict):
                    raise ValueError
            except ValueError:
                item = f"第{number}行不是 JSON 对象。"
            batch.append(item)
            if len(batch) >= BATCH:
                self._answer(batch, record)
                batch = []
        self._answer(batch, record)

    def _answer(self, batch: list, record) -> None:
        items = [item for item in batch if isinstance(item, dict)]
        answers = iter(suggest_many(items, record=record)) if items else iter(())
        for item in batch:
            if isinstance(item, str):
                out = {"categories": [], "units": [], "urgent": False, "error": item}
            else:
                out = next(answers).as_json()
            self.stdout.write(json.dumps(out, ensure_ascii=False))
