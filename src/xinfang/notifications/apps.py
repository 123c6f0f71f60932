from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "xinfang.notifications"
    verbose_name = "消息通知"

    def ready(self) -> None:
        from . import receivers

        receivers.connect()
