from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "xinfang.portal"
    verbose_name = "群众门户"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from xinfang.workflow import labels

        labels.register_event_labels({"edit_mailbox_leader": "修改门户领导信箱"})
