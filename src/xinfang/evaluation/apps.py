from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "xinfang.evaluation"
    verbose_name = "评价与复查复核"
