from django.apps import AppConfig


class AssistConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "xinfang.assist"
    verbose_name = "智能辅助"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from xinfang.petitions import hooks
        from xinfang.petitions.models import Petition
        from xinfang.workflow.labels import register_event_labels

        from . import signatures

        # Registration writes petitions in bulk: the worker signs them after commit (petitions.deferral); the
        # panel compares those still waiting from their text (similar.py).
        hooks.register_deferred(signatures.sign_new)
        # A corrected summary or content is signed again (correct_details saves the row).
        post_save.connect(signatures.resign_saved, sender=Petition, dispatch_uid="assist-resign")
        register_event_labels({"link_related": "关联相关事项", "train_suggestions": "训练建议模型"})
