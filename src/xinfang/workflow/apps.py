from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "xinfang.workflow"
    verbose_name = "流转办理"

    def ready(self) -> None:
        from xinfang.deadlines import hooks
        from xinfang.petitions import hooks as registration_hooks

        from . import intake_deadlines
        from .petition_deadlines import recompute_open_deadlines

        # When the calendar or a policy changes, the open deadlines of every petition move with it.
        hooks.register(recompute_open_deadlines)
        # Registration starts the periods that run from receipt (the route/notify periods, an assigned report).
        registration_hooks.register_before_insert(intake_deadlines.start)
        registration_hooks.register_after_insert(intake_deadlines.insert)
