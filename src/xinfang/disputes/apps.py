from django.apps import AppConfig


class DisputesConfig(AppConfig):
    name = "xinfang.disputes"
    verbose_name = "矛盾纠纷排查化解"

    def ready(self):
        from xinfang.workflow import labels

        labels.register_event_labels(
            {
                "record_dispute": "登记矛盾纠纷",
                "escalate_dispute": "矛盾纠纷提级化解",
                "mediate_dispute": "记录矛盾纠纷调解",
                "close_dispute": "矛盾纠纷办结",
            }
        )
