from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "xinfang.portal"
    verbose_name = "群众门户"
    default_auto_field = "django.db.models.BigAutoField"
