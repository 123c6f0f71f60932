"""xinfang peers add NAME --url URL --units CODE[,CODE] --key-id ID --secret S --peer-key-id ID --peer-secret S
xinfang peers list
xinfang peers disable NAME  (enable NAME)

Secrets may be given as @FILE (read from that file) so they stay out of the process list."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from xinfang.federation import services
from xinfang.federation.models import Peer


def _secret(value: str) -> str:
    if value.startswith("@"):
        try:
            return Path(value[1:]).read_text().strip()
        except OSError as exc:
            raise CommandError(f"无法读取密钥文件：{exc}") from None
    return value


class Command(BaseCommand):
    help = "登记、列出、停用联网实例（上下级信访系统）。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        add = sub.add_parser("add", help="登记联网实例")
        add.add_argument("name")
        add.add_argument("--url", default="", help="对端地址；只用文件交换时可不填")
        add.add_argument(
            "--units", required=True, help="对端单位代码，逗号分隔；本实例须有同代码的单位代表它们"
        )
        add.add_argument("--key-id", required=True, help="本端签名用的密钥编号（对端据此识别本端）")
        add.add_argument("--secret", required=True, help="本端签名密钥（或 @文件）")
        add.add_argument("--peer-key-id", required=True, help="对端签名用的密钥编号")
        add.add_argument("--peer-secret", required=True, help="对端签名密钥（或 @文件）")
        sub.add_parser("list", help="列出联网实例")
        for name, text in (("disable", "停用联网实例"), ("enable", "启用联网实例")):
            one = sub.add_parser(name, help=text)
            one.add_argument("name")

    def handle(self, *args, what, **options):
        if what == "add":
            try:
                peer = services.add_peer(
                    name=options["name"],
                    base_url=options["url"],
                    unit_codes=options["units"].split(","),
                    outbound_key_id=options["key_id"],
                    outbound_secret=_secret(options["secret"]),
                    inbound_key_id=options["peer_key_id"],
                    inbound_secret=_secret(options["peer_secret"]),
                )
            except ValidationError as exc:
                raise CommandError("；".join(exc.messages)) from None
            self.stdout.write(f"已登记联网实例“{peer.name}”（服务账号 {peer.service_user.username}）。")
        elif what == "list":
            for peer in Peer.objects.order_by("name"):
                state = "启用" if peer.is_active else "停用"
                self.stdout.write(
                    f"{peer.name}\t{state}\t{peer.base_url or '-'}\t{','.join(peer.unit_codes)}"
                )
        else:
            peer = Peer.objects.filter(name=options["name"]).first()
            if peer is None:
                raise CommandError(f"没有名为“{options['name']}”的联网实例。")
            services.set_active(peer, what == "enable")
            self.stdout.write(f"已{'启用' if what == 'enable' else '停用'}联网实例“{peer.name}”。")
