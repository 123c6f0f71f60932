"""xinfang export-petitions [--unit CODE | --region CODE] [--from DATE] [--to DATE] [-o FILE]"""

import contextlib
import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError

from xinfang.exchange.exporter import export_petitions, select


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{value}") from None


class Command(BaseCommand):
    help = "导出信访事项及其办理过程（JSON Lines，可再用 import-petitions 导入）。文件含未脱敏的身份信息，请妥善保管。"

    def add_arguments(self, parser):
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument("--unit", help="只导出该单位可见的信访事项（单位代码）")
        scope.add_argument("--region", help="只导出该行政区划内单位登记或承办的信访事项（区划代码）")
        parser.add_argument("--from", dest="start", help="收到日期起 YYYY-MM-DD（含）")
        parser.add_argument("--to", dest="end", help="收到日期止 YYYY-MM-DD（含）")
        parser.add_argument("-o", "--output", help="输出文件路径；缺省写到标准输出")

    def handle(self, *args, unit, region, start, end, output, **options):
        start, end = _date(start), _date(end)
        if start and end and start > end:
            raise CommandError("--from 不能晚于 --to。")
        try:
            petitions = select(unit=unit, region=region, start=start, end=end)
        except LookupError as exc:
            raise CommandError(str(exc)) from None
        began = time.perf_counter()
        count = 0
        with open(output, "w", encoding="utf-8") if output else contextlib.nullcontext(self.stdout) as handle:
            for line in export_petitions(petitions):
                handle.write(line + "\n")
                count += 1
        seconds = time.perf_counter() - began
        rate = count / seconds if seconds else 0.0
        where = f"到{output}" if output else ""
        self.stderr.write(f"已导出{count}件信访事项{where}；用时{seconds:.1f}秒，每秒{rate:.1f}件。")
