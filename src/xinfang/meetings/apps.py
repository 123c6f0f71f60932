from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "xinfang.meetings"
    verbose_name = "信访工作联席会议"

    def ready(self):
        from xinfang.supervision import hooks
        from xinfang.workflow import labels, task_hooks

        from . import tracking

        # Decisions' deadlines in the supervision scan and board and in the to-do (both apps sit below).
        hooks.register_scanner(tracking.scan)
        hooks.register_board_section(tracking.board_section)
        task_hooks.register_task_section(tracking.todo_section)

        labels.register_event_labels(
            {
                "hold_joint_meeting": "召开联席会议",
                "decide_meeting_item": "联席会议议定事项",
                "complete_meeting_decision": "议定事项落实",
                "escalate_meeting_item": "联席会议提请上级研究",
                "settle_meeting_item": "联席会议议题化解",
            }
        )
