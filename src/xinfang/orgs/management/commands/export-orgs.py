"""xinfang export-orgs [-o FILE]: every region and unit in the organisations JSON Lines format."""

from django.core.management.base import BaseCommand

from xinfang.orgs.importer import export_orgs


class Command(BaseCommand):
    help = "导出全部行政区划和单位（JSON Lines，可再用 import-orgs 导入）。"

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", help="输出文件路径；缺省写到标准输出")

    def handle(self, *args, output=None, **options):
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                count = sum(1 for line in export_orgs() if handle.write(line + "\n"))
            self.stderr.write(f"已导出{count}条记录到{output}。")
        else:
            for line in export_orgs():
                self.stdout.write(line)
