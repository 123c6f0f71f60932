"""xinfang federation deliver [--peer NAME] [--loop SECONDS]
xinfang federation dead-letters
xinfang federation replay ID
xinfang federation export-bundle --peer NAME DIR
xinfang federation import-bundle FILE
xinfang federation inbox [--status held|quarantined|applied]"""

import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from xinfang import clock
from xinfang.federation import delivery
from xinfang.federation.models import InboxEvent, OutboxEvent, OutboxStatus, Peer
from xinfang.federation.signing import Refused


def _peer(name: str) -> Peer:
    peer = Peer.objects.filter(name=name).first()
    if peer is None:
        raise CommandError(f"没有名为“{name}”的联网实例。")
    return peer


class Command(BaseCommand):
    help = "联网事件：发送待发事件、查看和重发失败事件、写入和读取交换文件。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        deliver = sub.add_parser("deliver", help="发送到期的待发事件")
        deliver.add_argument("--peer")
        deliver.add_argument("--loop", type=float, default=0, help="每隔这么多秒再发一次，直到被停止")
        sub.add_parser("dead-letters", help="列出发送失败和被对端拒收的事件")
        replay = sub.add_parser("replay", help="重新发送一个失败或被拒收的事件")
        replay.add_argument("id", type=int)
        export = sub.add_parser("export-bundle", help="把待发事件写入交换文件")
        export.add_argument("--peer", required=True)
        export.add_argument("dir")
        imp = sub.add_parser("import-bundle", help="读取对端的交换文件")
        imp.add_argument("file")
        box = sub.add_parser("inbox", help="列出收到的事件")
        box.add_argument("--status")

    def handle(self, *args, what, **options):
        getattr(self, "do_" + what.replace("-", "_"))(**options)

    def do_deliver(self, peer=None, loop=0, **_):
        one = _peer(peer) if peer else None
        while True:
            counts = delivery.deliver(one)
            self.stdout.write(json.dumps(counts, ensure_ascii=False))
            self.stdout.flush()
            if not loop:
                return
            time.sleep(loop)

    def do_dead_letters(self, **_):
        rows = OutboxEvent.objects.filter(status__in=[OutboxStatus.DEAD, OutboxStatus.QUARANTINED])
        for row in rows.select_related("peer", "petition").order_by("pk"):
            self.stdout.write(
                f"{row.pk}\t{row.peer.name}\t{row.petition.registration_number}\t{row.seq}\t{row.type}\t"
                f"{row.get_status_display()}\t{row.attempts}\t{row.last_error}"
            )

    def do_replay(self, id, **_):
        row = OutboxEvent.objects.select_related("peer", "petition").filter(pk=id).first()
        if row is None:
            raise CommandError(f"没有编号为{id}的待发事件。")
        if row.status not in (OutboxStatus.DEAD, OutboxStatus.QUARANTINED):
            raise CommandError("只有发送失败或被对端拒收的事件可以重发。")
        delivery.replay(row, actor=None)
        self.stdout.write(f"事件{id}已重新排队。")

    def do_export_bundle(self, peer, dir, **_):
        one = _peer(peer)
        folder = Path(dir)
        folder.mkdir(parents=True, exist_ok=True)
        stamp = clock.now().strftime("%Y%m%dT%H%M%S%f")
        path = folder / f"xf-{one.outbound_key_id}-{stamp}.jsonl"
        with path.open("w", encoding="utf-8") as stream:
            count = delivery.export_bundle(one, stream)
        self.stdout.write(f"已写入{count}个事件：{path}")

    def do_import_bundle(self, file, **_):
        try:
            with open(file, encoding="utf-8") as stream:
                answers = delivery.import_bundle(stream)
        except OSError as exc:
            raise CommandError(f"无法读取交换文件：{exc}") from None
        except Refused as exc:
            raise CommandError(exc.reason) from None
        for answer in answers:
            self.stdout.write(json.dumps(answer, ensure_ascii=False))

    def do_inbox(self, status=None, **_):
        rows = InboxEvent.objects.select_related("peer").order_by("pk")
        if status:
            rows = rows.filter(status=status)
        for row in rows:
            self.stdout.write(
                f"{row.pk}\t{row.peer.name}\t{row.stream}\t{row.seq}\t{row.type}\t{row.status}\t{row.reason}"
            )
