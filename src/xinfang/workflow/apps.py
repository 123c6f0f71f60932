from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "xinfang.workflow"
    verbose_name = "流转办理"

    def ready(self) -> None:
        from xinfang.deadlines import hooks

        from .petition_deadlines import recompute_open_deadlines

        # When the calendar or a policy changes, the open deadlines of every petition move with it.
        hooks.register(recompute_open_deadlines)

        from xinfang.petitions import selectors as petition_selectors

        from .selectors import sent_to

        # Petitions do not import the workflow: a unit's scope learns of routings through this hook.
        petition_selectors.register_unit_scope(sent_to)
