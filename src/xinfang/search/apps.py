from django.apps import AppConfig


class SearchConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "xinfang.search"
    verbose_name = "全文检索"

    def ready(self):
        from xinfang.petitions import hooks

        from . import signals  # noqa: F401
        from .index import index_new

        # Registration inserts petitions in bulk, without post_save: the worker writes their documents after
        # commit (petitions.deferral); a petition waiting for it is still found by its number.
        hooks.register_deferred(index_new)
