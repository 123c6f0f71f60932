from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "xinfang.stats"
    verbose_name = "统计分析"

    def ready(self):
        from xinfang.workflow import labels

        labels.register_event_labels(
            {
                "deliver_bulletin": "呈送通报",
                "read_bulletin": "阅读通报",
                "set_target": "设定年度目标",
                "set_creation_indicator": "设定创建指标",
            }
        )
