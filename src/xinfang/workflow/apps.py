from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "xinfang.workflow"
    verbose_name = "流转办理"

    def ready(self) -> None:
        from xinfang.deadlines import hooks
        from xinfang.petitions import hooks as registration_hooks
        from xinfang.petitions import selectors as petition_selectors

        from . import co_handling_forms, intake_deadlines, merge_forms, upper_review_forms
        from .co_handling import supported_by
        from .petition_deadlines import recompute_open_deadlines
        from .selectors import sent_to

        # When the calendar or a policy changes, the open deadlines of every petition move with it.
        hooks.register(recompute_open_deadlines)
        # Petitions do not import the workflow: a unit's scope learns of routings through this hook.
        petition_selectors.register_unit_scope(sent_to)
        # ... and of the matters it supports (协办).
        petition_selectors.register_unit_scope(supported_by)
        # Registration starts the periods that run from receipt (the route/notify periods, an assigned report).
        registration_hooks.register_before_insert(intake_deadlines.start)
        registration_hooks.register_after_insert(intake_deadlines.insert)
        # forms.py keeps the older actions' forms; co-handling and settlement bring their own.
        co_handling_forms.register()
        upper_review_forms.register()
        merge_forms.register()
