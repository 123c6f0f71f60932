"""xinfang similar --json: JSON lines in ({"content", "issue_region", "id_number"}; "summary" optional), one JSON
line out per line in: {"petitions": [{"number", "score"}, … up to 5]} over every petition in the database.
A line that is not a JSON object answers {"petitions": [], "error": "…"} and the rest go on."""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from xinfang.assist.lookup import lookup


class Command(BaseCommand):
    help = "按文本相似度（及身份证号码）查找数据库中的相似信访事项（JSON Lines 输入输出）。"

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="从标准输入读 JSON Lines，逐行输出 JSON")

    def handle(self, *args, **options):
        if not options["json"]:
            raise CommandError("请使用 --json：从标准输入逐行读取 JSON。")
        for number, line in enumerate(sys.stdin, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                if not isinstance(item, dict):
                    raise ValueError
            except ValueError:
                answer = {"petitions": [], "error": f"第{number}行不是 JSON 对象。"}
            else:
                answer = lookup(item)
            self.stdout.write(json.dumps(answer, ensure_ascii=False))
