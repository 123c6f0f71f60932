from django.apps import AppConfig


class LeadersConfig(AppConfig):
    name = "xinfang.leaders"
    verbose_name = "领导接访与包案"

    def ready(self):
        from xinfang.supervision import hooks
        from xinfang.workflow import labels

        from . import ownership_deadlines

        # Ownership deadlines in the supervision scan and board (supervision sits below this app).
        hooks.register_scanner(ownership_deadlines.scan)
        hooks.register_board_section(ownership_deadlines.board_section)

        labels.register_event_labels(
            {
                "create_reception_schedule": "制定领导接访安排",
                "update_reception_schedule": "修改领导接访安排",
                "create_reception_session": "安排领导接访",
                "set_reception_units": "确定接访参加单位",
                "cancel_reception_session": "取消领导接访",
                "record_reception_work": "记录无访时开展的工作",
                "link_reception_petition": "在领导接访中登记",
                "set_reception_outcome": "记录领导接访结果",
                "request_appointment": "提出约访",
                "confirm_appointment": "确认约访",
                "move_appointment": "约访改期",
                "decline_appointment": "约访不予安排",
                "attend_appointment": "约访已接待",
                "open_ownership": "领导包案",
                "record_ownership_progress": "记录包案进展",
                "resolve_ownership": "包案化解",
                "hand_on_ownership": "移交包案",
                "submit_to_leader": "提交领导阅批",
                "write_instruction": "领导批示",
                "answer_instruction": "回复领导批示",
                "edit_resolution_standard": "修改化解标准",
            }
        )
