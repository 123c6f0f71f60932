from django.apps import AppConfig


class SearchConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "xinfang.search"
    verbose_name = "全文检索"

    def ready(self):
        from . import signals  # noqa: F401
