import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from xinfang.supervision.scan import scan_deadlines


class Command(BaseCommand):
    help = "扫描办理期限：发送临期、超期预警，按规则升级提醒，并发送督办催办。可重复运行，不会重复发送。"

    def add_arguments(self, parser):
        parser.add_argument("--today", help="按该日期扫描（YYYY-MM-DD），默认今天（北京时间）")

    def handle(self, *args, **options):
        today = None
        if options["today"]:
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError("日期格式应为 YYYY-MM-DD") from None
        result = scan_deadlines(today)
        self.stdout.write(result.summary())
