from django.apps import AppConfig


class SearchConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "xinfang.search"
    verbose_name = "全文检索"

    def ready(self):
        from xinfang.petitions import hooks

        from . import signals  # noqa: F401
        from .index import index_bulk

        # Registration inserts petitions in bulk, without post_save: their documents are written with them.
        hooks.register_after_insert(index_bulk)
