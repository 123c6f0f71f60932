"""The Chinese name of every action the audit trail records, from one source.

A transition's name is its row's ``label`` in the transition table; the events recorded outside the table
(registration, documents, supervision, bulletins, deadline recomputation) are named here. An action nobody
named is shown as its code, so a new one is visible (and ``tests/workflow/test_labels.py`` fails).
"""

from __future__ import annotations

from .transitions import row_for

EVENT_LABELS = {
    "register": "登记",
    "create_petitioner": "建立信访人档案",
    "update_petitioner": "补充信访人信息",
    "rotate_field_keys": "轮换字段加密密钥",
    "add_party": "添加信访人",
    "add_attachment": "上传附件",
    "disclose_identity": "查看受保护的信访人身份",
    "correct_details": "更正登记信息",
    "open_supervision": "督办",
    "answer_supervision": "回复督办",
    "remind_supervision": "督办催办",
    "close_supervision": "结束督办",
    "issue_document": "出具文书",
    "deliver_document": "文书送达",
    "edit_document_template": "修改文书模板",
    "issue_bulletin": "发布通报",
    "recompute_deadlines": "重算期限",
    "create_category_route": "设置问题类别的默认承办单位",
    "issue_api_token": "签发接口令牌",
    "revoke_api_token": "吊销接口令牌",
    "create_reception_schedule": "制定领导接访安排",
    "update_reception_schedule": "修改领导接访安排",
    "create_reception_session": "安排领导接访",
    "set_reception_units": "确定接访参加单位",
    "cancel_reception_session": "取消领导接访",
    "record_reception_work": "记录无访时开展的工作",
    "link_reception_petition": "在领导接访中登记",
    "set_reception_outcome": "记录领导接访结果",
    "open_ownership": "领导包案",
    "record_ownership_progress": "记录包案进展",
    "resolve_ownership": "包案化解",
    "hand_on_ownership": "移交包案",
    "submit_to_leader": "提交领导阅批",
    "write_instruction": "领导批示",
    "answer_instruction": "回复领导批示",
    "edit_resolution_standard": "修改化解标准",
}


def register_event_labels(labels: dict[str, str]) -> None:
    """Apps above the workflow name the events they record (in their ``AppConfig.ready()``)."""
    EVENT_LABELS.update(labels)


def action_label(action: str) -> str:
    """The action's Chinese name; its code when it has none."""
    row = row_for(action)
    if row is not None:
        return row.label
    return EVENT_LABELS.get(action, action)
