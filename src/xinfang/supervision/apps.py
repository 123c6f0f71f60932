from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "xinfang.supervision"
    verbose_name = "督查督办"

    def ready(self) -> None:
        from xinfang.petitions import hooks

        from . import urgency

        # Urgent flags (扬言) are set on the rows before they are written; the leaders hear once they exist.
        hooks.register_before_insert(urgency.flag_urgent)
        hooks.register_after_insert(urgency.tell_leaders)
