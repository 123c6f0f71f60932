from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "xinfang.assistance"
    verbose_name = "救助帮扶"

    def ready(self):
        from xinfang.workflow import labels

        labels.register_event_labels(
            {
                "apply_assistance": "申请信访救助",
                "approve_assistance": "审批信访救助",
                "pay_assistance": "发放信访救助",
                "record_assistance_ending": "记录救助息访",
            }
        )
