"""xinfang rebuild_facts [--compact]"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.db import transaction

from xinfang.stats import facts
from xinfang.stats.fact_models import DeadlineFact, FactOverlap, RatingFact


class Command(BaseCommand):
    help = (
        "重新生成统计月度事实表（由全部办理期限和满意度评价重新汇总；批量导入且未触发触发器后运行）；"
        "--compact 只合并增量行。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--compact", action="store_true", help="只合并触发器写入的增量行")

    def handle(self, *args, **options):
        started = time.perf_counter()
        with transaction.atomic():
            facts.compact() if options["compact"] else facts.rebuild()
        self.stdout.write(
            f"{'合并' if options['compact'] else '重新生成'}完成：办理期限事实 {DeadlineFact.objects.count()} 行，"
            f"评价事实 {RatingFact.objects.count()} 行，重叠事项 {FactOverlap.objects.count()} 件，"
            f"用时 {time.perf_counter() - started:.1f} 秒。"
        )
