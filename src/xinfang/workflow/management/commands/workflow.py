"""``xinfang workflow table``: print the transition table as Markdown (docs/workflow.md embeds it)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from xinfang.workflow import transitions


class Command(BaseCommand):
    help = "流转办理：打印状态转换表（Markdown）"

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["table"], help="table: 状态转换表")

    def handle(self, *args, **options):
        self.stdout.write(transitions.as_markdown(), ending="")
