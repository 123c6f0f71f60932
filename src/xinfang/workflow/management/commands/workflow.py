"""``xinfang workflow table`` / ``handovers``: print the transition table or its hand-overs as Markdown
(docs/workflow.md embeds both)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from xinfang.workflow import handovers, transitions


class Command(BaseCommand):
    help = "流转办理：打印状态转换表（Markdown）"

    def add_arguments(self, parser):
        parser.add_argument(
            "what", choices=["table", "handovers"], help="table: 状态转换表；handovers: 办理交接及通知对象"
        )

    def handle(self, *args, **options):
        source = handovers if options["what"] == "handovers" else transitions
        self.stdout.write(source.as_markdown(), ending="")
