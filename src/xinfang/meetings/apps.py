from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "xinfang.meetings"
    verbose_name = "信访工作联席会议"

    def ready(self):
        from xinfang.workflow import labels

        labels.register_event_labels(
            {
                "hold_joint_meeting": "召开联席会议",
                "decide_meeting_item": "联席会议议定事项",
                "complete_meeting_decision": "议定事项落实",
                "escalate_meeting_item": "联席会议提请上级研究",
                "settle_meeting_item": "联席会议议题化解",
            }
        )
