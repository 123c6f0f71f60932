from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "xinfang.deadlines"
    verbose_name = "办理时限"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the receivers)
