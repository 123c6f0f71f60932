"""xinfang rebuild_search_index: segment every petition again (after unit names change)."""

import time

from django.core.management.base import BaseCommand

from xinfang.search.index import rebuild
from xinfang.search.segment import reload_dictionary


class Command(BaseCommand):
    help = "重建全文检索索引（按最新的单位名称词典重新分词）。"

    def handle(self, *args, **options):
        started = time.perf_counter()
        reload_dictionary()
        count = rebuild()
        self.stdout.write(f"已重建{count}件信访事项的检索索引，用时{time.perf_counter() - started:.1f}秒。")
