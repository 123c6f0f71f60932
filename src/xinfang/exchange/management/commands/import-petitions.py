"""xinfang import-petitions FILE [--dry-run]: petitions with their histories from the exchange format."""

import sys

from django.core.management.base import BaseCommand, CommandError

from xinfang.exchange.importer import import_petitions


class Command(BaseCommand):
    help = (
        "导入信访事项（JSON Lines，见 exchange-format.md）：逐行登记并按时间重放办理过程；"
        "违反规则的行整行拒绝并报告行号，外部编号已存在的行跳过。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON Lines 文件路径，“-”表示标准输入")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入数据库")

    def handle(self, *args, file, dry_run, **options):
        if file == "-":
            result = import_petitions(sys.stdin, dry_run=dry_run)
        else:
            try:
                with open(file, encoding="utf-8") as handle:
                    result = import_petitions(handle, dry_run=dry_run)
            except OSError as exc:
                raise CommandError(f"无法读取文件{file}：{exc.strerror}") from None
            except UnicodeDecodeError:
                raise CommandError(f"文件{file}不是UTF-8编码。") from None
        for skipped in result.skipped:
            self.stdout.write(str(skipped))
        for rejection in result.rejected:
            self.stderr.write(str(rejection))
        self.stdout.write(result.summary)
        if result.rejected:
            raise CommandError(f"有{len(result.rejected)}行被拒绝，见上。", returncode=1)
