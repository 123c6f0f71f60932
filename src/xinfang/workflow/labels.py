"""The Chinese name of every action the audit trail records, from one source.

A transition's name is its row's ``label`` in the transition table; the events recorded outside the table
(registration, documents, supervision, bulletins, deadline recomputation) are named here, and the apps above the
workflow (leaders, mechanisms) name theirs through ``register_event_labels`` in ``ready()``. An action nobody
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
    "export_identities": "导出含身份信息的名单",
    "purge_audit": "清理操作留痕",
    "search_identity": "按身份证号或电话检索信访件",
    "correct_details": "更正登记信息",
    "merge_from": "并入重复登记的事项",
    "open_supervision": "督办",
    "answer_supervision": "回复督办",
    "remind_supervision": "督办催办",
    "close_supervision": "结束督办",
    "issue_document": "出具文书",
    "render_document": "生成文书文件",
    "deliver_document": "文书送达",
    "edit_document_template": "修改文书模板",
    "issue_bulletin": "发布通报",
    "recompute_deadlines": "重算期限",
    "create_category_route": "设置问题类别的默认承办单位",
    "issue_api_token": "签发接口令牌",
    "revoke_api_token": "吊销接口令牌",
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
