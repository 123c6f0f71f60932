"""xinfang import-orgs FILE: regions and units from the organisations JSON Lines format."""

import sys

from django.core.management.base import BaseCommand, CommandError

from xinfang.orgs.importer import import_orgs


class Command(BaseCommand):
    help = "导入行政区划和单位（JSON Lines，见 exchange-format.md）；按代码幂等，可重复导入。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON Lines 文件路径，“-”表示标准输入")

    def handle(self, *args, file, **options):
        if file == "-":
            result = import_orgs(sys.stdin)
        else:
            try:
                with open(file, encoding="utf-8") as handle:
                    result = import_orgs(handle)
            except OSError as exc:
                raise CommandError(f"无法读取文件{file}：{exc.strerror}") from None
            except UnicodeDecodeError:
                raise CommandError(f"文件{file}不是UTF-8编码。") from None
        for rejection in result.rejected:
            self.stderr.write(str(rejection))
        self.stdout.write(result.summary)
