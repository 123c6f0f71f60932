from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "xinfang.workflow"
    verbose_name = "流转办理"
