from django.apps import AppConfig


class PetitionsConfig(AppConfig):
    name = "xinfang.petitions"
    verbose_name = "信访事项"

    def ready(self):
        from xinfang.orgs import hooks

        from .bureau_setup import ensure_category_routes

        hooks.register_after_setup(ensure_category_routes)
