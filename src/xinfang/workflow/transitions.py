"""The transition table: every action on a petition, in one place (process.md §3-§7).

Each row says from which states an action may be taken and to which state it leads, who may take it (roles,
and which unit relative to the petition), which deadlines it starts, stops (done: met or missed) or cancels,
which notice it produces and which data it needs. ``services.perform`` enforces the row; the action's own
rules (windows, confidentiality, approval) live in its effect (``effects``). Rows are added
with ``add``, which refuses an action defined twice.
"""

from __future__ import annotations

from xinfang.deadlines.models import Stage
from xinfang.orgs.models import Role
from xinfang.petitions.models import OPEN_STATUSES, Status

from .table_markdown import table_markdown
from .transition_types import UNIT_RULE_LABELS, Notice, Transition, UnitRule

__all__ = [
    "TABLE",
    "UNIT_RULE_LABELS",
    "Notice",
    "Transition",
    "UnitRule",
    "add",
    "allowed_actions",
    "row_for",
]


S = Status
PRE_ACCEPTANCE = frozenset({S.REGISTERED, S.TRANSFERRED, S.ASSIGNED})
AFTER_ACCEPTANCE = frozenset(
    {S.ACCEPTED, S.REPLIED, S.CONCLUDED, S.UNDER_REVIEW, S.REVIEWED, S.UNDER_RE_REVIEW, S.TERMINATED}
)
AFTER_DELIVERY = frozenset({S.CONCLUDED, S.UNDER_REVIEW, S.REVIEWED, S.UNDER_RE_REVIEW, S.TERMINATED})

BUREAU_STAFF = frozenset({Role.REGISTRAR, Role.HANDLER, Role.BUREAU_LEADER})
UNIT_STAFF = frozenset({Role.HANDLER, Role.UNIT_LEADER, Role.BUREAU_LEADER})
INTAKE_STAFF = BUREAU_STAFF | UNIT_STAFF
REVIEW_STAFF = frozenset({Role.REVIEWER, Role.UNIT_LEADER, Role.BUREAU_LEADER})
REQUEST_STAFF = frozenset({Role.REGISTRAR, Role.REVIEWER, Role.HANDLER})
FOLLOW_UP_STAFF = frozenset({Role.REGISTRAR, Role.HANDLER, Role.SUPERVISOR})
RESOLVE_STAFF = frozenset({Role.HANDLER, Role.UNIT_LEADER, Role.BUREAU_LEADER, Role.SUPERVISOR})
BUREAU_DECIDING_STAFF = frozenset({Role.HANDLER, Role.BUREAU_LEADER, Role.SUPERVISOR})
# Co-handling is decided while the matter is with a unit (sent to it, or being handled); support goes on
# until the lead unit's reply is delivered.
CO_HANDLING_STATES = frozenset({S.TRANSFERRED, S.ASSIGNED, S.ACCEPTED})
SUPPORT_STATES = frozenset({S.TRANSFERRED, S.ASSIGNED, S.ACCEPTED, S.REPLIED})
SETTLEABLE_STATES = frozenset({S.CONCLUDED, S.REVIEWED, S.TERMINATED})

ACCEPTANCE_STAGES = (Stage.ROUTE, Stage.NOTIFY_DIRECT, Stage.ACCEPT)
HANDLING_STAGES = (Stage.HANDLE, Stage.SIMPLIFIED)

TABLE: dict[str, Transition] = {}


def add(row: Transition) -> Transition:
    """Add a row. An action name is defined once."""
    if row.action in TABLE:
        raise ValueError(f"action {row.action!r} is already in the transition table")
    TABLE[row.action] = row
    return row


def row_for(action: str) -> Transition | None:
    return TABLE.get(action)


def allowed_actions(status: str) -> list[Transition]:
    return [row for row in TABLE.values() if row.allows_state(status)]


add(
    Transition(
        "transfer",
        "转送",
        PRE_ACCEPTANCE,
        S.TRANSFERRED,
        BUREAU_STAFF,
        UnitRule.HOLDING_BUREAU,
        starts=(Stage.SIGN_FOR, Stage.ACCEPT),
        stops=(Stage.ROUTE, Stage.SIGN_FOR, Stage.ACCEPT),
        notice=Notice.TRANSFER,
        required=("to_unit",),
        rules="送有权处理的单位；检举控告不得送被检举单位或其工作人员所在单位。已转送、交办给信访部门的，由该信访部门再转送。",
    )
)
add(
    Transition(
        "assign",
        "交办",
        PRE_ACCEPTANCE,
        S.ASSIGNED,
        BUREAU_STAFF,
        UnitRule.HOLDING_BUREAU,
        starts=(Stage.SIGN_FOR, Stage.ACCEPT, Stage.REPORT),
        stops=(Stage.ROUTE, Stage.SIGN_FOR, Stage.ACCEPT),
        notice=Notice.TRANSFER,
        required=("to_unit",),
        optional=("report_due", "report_days"),
        rules="须定报结时限（report_due 日期，或 report_days 天）；保密规则同转送。办理结果须经交办机关审核认定办结。",
    )
)
add(
    Transition(
        "handle_self",
        "直接受理",
        frozenset({S.REGISTERED}),
        S.ACCEPTED,
        INTAKE_STAFF,
        UnitRule.HOLDER,
        starts=HANDLING_STAGES,
        stops=(Stage.ROUTE, Stage.NOTIFY_DIRECT),
        notice=Notice.ACCEPTANCE,
        optional=("track", "ground"),
        rules="持有单位自行办理（信访部门直接受理，或有关单位受理直接向其提出的信访事项）。",
    )
)
add(
    Transition(
        "direct_to_legal_route",
        "导入法定途径",
        PRE_ACCEPTANCE,
        S.CLOSED,
        INTAKE_STAFF,
        UnitRule.HOLDER,
        stops=(Stage.ROUTE, Stage.NOTIFY_DIRECT, Stage.SIGN_FOR, Stage.ACCEPT, Stage.REPORT),
        notice=Notice.NON_ACCEPTANCE,
        required=("legal_route", "body"),
        optional=("text",),
        rules="条例第三十一条第(一)至(四)项：书面告知信访人应通过的程序和机关，事项退出信访程序。",
    )
)
add(
    Transition(
        "conclude_on_spot",
        "现场协调处理",
        frozenset({S.REGISTERED}),
        S.CONCLUDED,
        INTAKE_STAFF,
        UnitRule.HOLDER,
        stops=(Stage.ROUTE, Stage.NOTIFY_DIRECT),
        required=("text",),
        optional=("outcome",),
        rules="仅限来访，且在收到当日办结。",
    )
)
add(
    Transition(
        "decline",
        "不予受理",
        PRE_ACCEPTANCE,
        S.CLOSED,
        INTAKE_STAFF,
        UnitRule.HOLDER,
        stops=(Stage.ROUTE, Stage.NOTIFY_DIRECT, Stage.SIGN_FOR, Stage.ACCEPT, Stage.REPORT),
        notice=f"{Notice.NON_ACCEPTANCE}/{Notice.NO_REACCEPTANCE}",
        required=("reason",),
        optional=("text",),
        rules="仅限重复信访：原事项仍在办理或复查复核期内（same_matter_pending，不予受理告知书），"
        "或原事项已三级终结（matter_terminated，不再受理告知书）。",
    )
)
add(
    Transition(
        "sign_for",
        "签收",
        frozenset({S.TRANSFERRED, S.ASSIGNED}),
        None,
        INTAKE_STAFF,
        UnitRule.HOLDER,
        stops=(Stage.SIGN_FOR,),
        optional=("text",),
        rules="收到转送、交办的信访事项后先签收（默认1个工作日内），再在受理期限内决定受理或提出异议；每次转送交办签收一次。",
    )
)
add(
    Transition(
        "accept",
        "受理",
        frozenset({S.TRANSFERRED, S.ASSIGNED}),
        S.ACCEPTED,
        UNIT_STAFF,
        UnitRule.HOLDER,
        starts=HANDLING_STAGES,
        stops=(Stage.SIGN_FOR, Stage.ACCEPT),
        notice=Notice.ACCEPTANCE,
        optional=("track", "ground"),
        rules="收到之日起15日内受理并书面告知（逾期受理计入及时受理率）；尚未签收的，受理即为签收。",
    )
)
add(
    Transition(
        "object",
        "提出异议",
        frozenset({S.TRANSFERRED, S.ASSIGNED}),
        S.REGISTERED,
        UNIT_STAFF,
        UnitRule.HOLDER,
        starts=(Stage.ROUTE,),
        stops=(Stage.SIGN_FOR,),
        cancels=(Stage.ACCEPT, Stage.REPORT),
        required=("reason",),
        rules="收到之日起5个工作日内说明理由；退回转出的信访部门重新分类处理；尚未签收的，提出异议即为签收。",
    )
)
add(
    Transition(
        "extend",
        "延期",
        frozenset({S.ACCEPTED}),
        None,
        UNIT_STAFF,
        UnitRule.RESPONSIBLE,
        notice=Notice.EXTENSION,
        required=("days", "reason", "approved_by"),
        rules="普通程序，办理期限届满前；经本单位负责人批准（交办事项经交办的信访部门负责人批准）；只能延长一次，不超过30日；"
        "告知信访人理由。",
    )
)
add(
    Transition(
        "switch_to_simplified",
        "转为简易办理",
        frozenset({S.ACCEPTED}),
        None,
        UNIT_STAFF,
        UnitRule.RESPONSIBLE,
        starts=(Stage.SIMPLIFIED,),
        cancels=(Stage.HANDLE,),
        required=("ground",),
        optional=("reason",),
        rules="普通程序、未延期，且简易办理期限（受理后10个工作日）尚未届满；事实清楚简单的须为初信初访。",
    )
)
add(
    Transition(
        "switch_to_ordinary",
        "转为普通程序",
        frozenset({S.ACCEPTED}),
        None,
        UNIT_STAFF,
        UnitRule.RESPONSIBLE,
        starts=(Stage.HANDLE,),
        cancels=(Stage.SIMPLIFIED,),
        required=("reason",),
        rules="简易办理的事项转回普通程序，办理期限按受理之日起60日重算。",
    )
)
add(
    Transition(
        "reply",
        "答复",
        frozenset({S.ACCEPTED}),
        S.REPLIED,
        UNIT_STAFF,
        UnitRule.RESPONSIBLE,
        stops=(*HANDLING_STAGES, Stage.REPORT, Stage.REWORK),
        notice=Notice.HANDLING_OPINION,
        required=("opinion", "text"),
        optional=("form",),
        rules="处理意见：予以支持、解释说明、不予支持，或调解协议；简易办理可电话、短信、网上答复。",
    )
)
add(
    Transition(
        "deliver",
        "送达",
        frozenset({S.REPLIED}),
        S.CONCLUDED,
        UNIT_STAFF,
        UnitRule.RESPONSIBLE,
        starts=(Stage.RATING,),
        required=("method", "received_on"),
        rules="记录送达方式和信访人收到日期；收到之日起计算评价期和复查请求期。交办事项须经交办机关审核认定办结后送达。",
    )
)
add(
    Transition(
        "rate",
        "满意度评价",
        AFTER_DELIVERY,
        None,
        FOLLOW_UP_STAFF,
        UnitRule.BUREAU_OVER,
        petitioner=True,
        stops=(Stage.RATING,),
        required=("target", "rating"),
        optional=("reason", "via"),
        rules="仅限按信访程序办理（非导入法定途径、非检举控告）且已送达答复的事项；评价期内；"
        "信访部门和责任单位各评价一次；不满意须说明理由。",
    )
)
add(
    Transition(
        "request_review",
        "请求复查",
        frozenset({S.CONCLUDED}),
        S.UNDER_REVIEW,
        REQUEST_STAFF,
        UnitRule.REVIEWING,
        petitioner=True,
        starts=(Stage.REVIEW,),
        optional=("text", "via"),
        rules="收到处理意见之日起30日内；由原办理单位的上一级单位复查。",
    )
)
add(
    Transition(
        "review_opinion",
        "复查意见",
        frozenset({S.UNDER_REVIEW}),
        S.REVIEWED,
        REVIEW_STAFF,
        UnitRule.REVIEWING,
        stops=(Stage.REVIEW,),
        notice=Notice.REVIEW_OPINION,
        required=("decision", "text", "received_on"),
        rules="收到复查请求之日起30日内提出复查意见，并记录信访人收到日期。",
    )
)
add(
    Transition(
        "request_re_review",
        "请求复核",
        frozenset({S.REVIEWED}),
        S.UNDER_RE_REVIEW,
        REQUEST_STAFF,
        UnitRule.RE_REVIEWING,
        petitioner=True,
        starts=(Stage.RE_REVIEW,),
        optional=("text", "via"),
        rules="收到复查意见之日起30日内；由复查单位的上一级单位复核。",
    )
)
add(
    Transition(
        "record_hearing",
        "记录听证",
        frozenset({S.UNDER_RE_REVIEW}),
        None,
        REVIEW_STAFF,
        UnitRule.RE_REVIEWING,
        required=("hearing_days",),
        optional=("text",),
        rules="听证所需时间不计入复核期限，复核期限相应顺延。",
    )
)
add(
    Transition(
        "re_review_opinion",
        "复核意见",
        frozenset({S.UNDER_RE_REVIEW}),
        S.TERMINATED,
        REVIEW_STAFF,
        UnitRule.RE_REVIEWING,
        stops=(Stage.RE_REVIEW,),
        notice=Notice.RE_REVIEW_OPINION,
        required=("decision", "text", "received_on"),
        optional=("hearing_days",),
        rules="收到复核请求之日起30日内（听证时间不计入）；复核后同一事实和理由不再受理（三级终结）。",
    )
)
add(
    Transition(
        "resolve",
        "化解",
        AFTER_ACCEPTANCE,
        None,
        RESOLVE_STAFF,
        UnitRule.RESPONSIBLE_OR_BUREAU_OVER,
        optional=("text",),
        rules="标记矛盾纠纷已实际化解（受理之后任何状态，一次）。",
    )
)
add(
    Transition(
        "set_co_handlers",
        "确定主办协办单位",
        CO_HANDLING_STATES,
        None,
        BUREAU_DECIDING_STAFF,
        UnitRule.BUREAU_OVER,
        required=("lead_unit", "supporting_units"),
        optional=("text",),
        rules="涉及多个单位的事项，由共同的上级信访部门或联席会议确定一个主办单位和协办单位：主办单位为承办该事项的单位，"
        "负责答复并计入其统计；协办单位可查看并提出协办意见，不得答复；检举控告事项不得由被检举控告单位协办。",
    )
)
add(
    Transition(
        "add_support_opinion",
        "提出协办意见",
        SUPPORT_STATES,
        None,
        UNIT_STAFF,
        UnitRule.SUPPORTING,
        required=("text",),
        rules="协办单位就其职责范围内的问题向主办单位提出意见，记入办理记录；答复由主办单位作出。",
    )
)
add(
    Transition(
        "record_settlement",
        "记录案结事了",
        SETTLEABLE_STATES,
        None,
        BUREAU_DECIDING_STAFF,
        UnitRule.BUREAU_OVER,
        required=("settlement",),
        optional=("text",),
        rules="已办结（含复查、三级终结）的事项，信访人息诉息访的，记录案结事了及其方式：依法终结（限三级终结）、听证、"
        "协议化解、救助息访、程序性办结；每件记录一次。",
    )
)

add(
    Transition(
        "merge_into",
        "合并重复登记",
        frozenset(OPEN_STATUSES),
        S.MERGED,
        BUREAU_STAFF,
        UnitRule.BUREAU_OVER,
        cancels=tuple(Stage.values),
        required=("survivor",),
        optional=("text",),
        rules="同一信访事项重复登记的，合并到保留的事项（survivor，登记编号）：信访人和附件移至保留事项，两件的办理记录均保留，"
        "统计只计一批次；不能合并到自身、已合并的事项或无权查看的事项；检举控告事项只能与同一被检举单位的检举控告事项合并。",
    )
)

# The assigning bureau's hand on an assigned matter, and its review of the result (process.md §3).
add(
    Transition(
        "urge",
        "催办",
        frozenset({S.ASSIGNED, S.ACCEPTED}),
        None,
        BUREAU_DECIDING_STAFF,
        UnitRule.ASSIGNING_BUREAU,
        required=("text",),
        rules="交办的信访部门督促承办单位按期办理、报结，记入办理记录并通知承办单位。",
    )
)
add(
    Transition(
        "add_supplement",
        "补充材料",
        frozenset({S.ASSIGNED, S.ACCEPTED}),
        None,
        BUREAU_DECIDING_STAFF | frozenset({Role.REGISTRAR}),
        UnitRule.ASSIGNING_BUREAU,
        required=("text",),
        rules="交办的信访部门向承办单位补充转交信访人的新材料或情况，记入办理记录并通知承办单位。",
    )
)
add(
    Transition(
        "confirm_conclusion",
        "审核认定办结",
        frozenset({S.REPLIED}),
        None,
        BUREAU_DECIDING_STAFF,
        UnitRule.ASSIGNING_BUREAU,
        optional=("text",),
        rules="交办事项的办理结果报交办的信访部门审核：符合要求的认定办结，承办单位方可送达；每次报结认定一次。",
    )
)
add(
    Transition(
        "return_for_rework",
        "退回重办",
        frozenset({S.REPLIED}),
        S.ACCEPTED,
        BUREAU_DECIDING_STAFF,
        UnitRule.ASSIGNING_BUREAU,
        starts=(Stage.REWORK,),
        required=("reason",),
        rules="审核认为办理结果不符合要求的，说明理由退回承办单位重新办理；重办期限按政策（默认自退回之日起30日），"
        "承办单位重新答复报结。",
    )
)


def as_markdown() -> str:
    """The table as Markdown (``xinfang workflow table``; docs/workflow.md)."""
    return table_markdown(TABLE.values())
