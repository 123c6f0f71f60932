"""The vocabulary of the transition table (``transitions``): which unit may act, the notices a transition
produces, and the row type itself. Kept apart from the rows so the table reads as the procedure."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class UnitRule(StrEnum):
    """Which unit may act, relative to the petition (resolved in ``units.py``)."""

    HOLDER = "holder"
    HOLDING_BUREAU = "holding_bureau"
    RESPONSIBLE = "responsible"
    REVIEWING = "reviewing"
    RE_REVIEWING = "re_reviewing"
    BUREAU_OVER = "bureau_over"
    RESPONSIBLE_OR_BUREAU_OVER = "responsible_or_bureau_over"
    SUPPORTING = "supporting"
    ASSIGNING_BUREAU = "assigning_bureau"

    @property
    def label(self) -> str:
        return UNIT_RULE_LABELS[self]


UNIT_RULE_LABELS = {
    UnitRule.HOLDER: "持有该事项的单位（登记单位、异议退回后的信访部门，或转送交办的接收单位）",
    UnitRule.HOLDING_BUREAU: "持有该事项的信访部门",
    UnitRule.RESPONSIBLE: "责任单位",
    UnitRule.REVIEWING: "原办理单位的上一级单位（复查单位）",
    UnitRule.RE_REVIEWING: "复查单位的上一级单位（复核单位）",
    UnitRule.BUREAU_OVER: "辖区信访部门",
    UnitRule.RESPONSIBLE_OR_BUREAU_OVER: "责任单位或辖区信访部门",
    UnitRule.SUPPORTING: "协办单位",
    UnitRule.ASSIGNING_BUREAU: "交办该事项的信访部门",
}


class Notice(StrEnum):
    """Document kinds a transition produces; the documents app renders them."""

    ACCEPTANCE = "acceptance_notice"  # 受理告知书
    NON_ACCEPTANCE = "non_acceptance_notice"  # 不予受理告知书
    TRANSFER = "transfer_notice"  # 转送告知
    EXTENSION = "extension_notice"  # 延期告知书
    HANDLING_OPINION = "handling_opinion"  # 信访处理意见书
    REVIEW_OPINION = "review_opinion"  # 复查意见书
    RE_REVIEW_OPINION = "re_review_opinion"  # 复核意见书
    NO_REACCEPTANCE = "no_reacceptance_notice"  # 不再受理告知书


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    from_states: frozenset[str]
    to_state: str | None  # None: the state does not change
    roles: frozenset[str]
    unit: UnitRule | None  # None: staff may not take it (petitioner only)
    petitioner: bool = False  # the petitioner may take it (portal, or recorded by staff on their behalf)
    starts: tuple[str, ...] = ()
    stops: tuple[str, ...] = ()
    cancels: tuple[str, ...] = ()
    notice: str = ""  # the notice kind, or "" for none; "a/b" when the data decide (see its effect)
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    rules: str = ""  # the action's own rules, for the docs

    def allows_state(self, status: str) -> bool:
        return status in self.from_states

    def resulting_state(self, status: str) -> str:
        return self.to_state or status
