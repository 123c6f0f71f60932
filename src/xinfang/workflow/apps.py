from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "xinfang.workflow"
    verbose_name = "流转办理"

    def ready(self) -> None:
        from xinfang.deadlines import hooks
        from xinfang.petitions import hooks as registration_hooks
        from xinfang.petitions import selectors as petition_selectors

        from . import intake_deadlines
        from .petition_deadlines import recompute_open_deadlines
        from .selectors import sent_to

        # When the calendar or a policy changes, the open deadlines of every petition move with it.
        hooks.register(recompute_open_deadlines)
        # Petitions do not import the workflow: a unit's scope learns of routings through this hook.
        petition_selectors.register_unit_scope(sent_to)
        # Registration starts the periods that run from receipt (the route/notify periods, an assigned report).
        registration_hooks.register_before_insert(intake_deadlines.start)
        registration_hooks.register_after_insert(intake_deadlines.insert)
