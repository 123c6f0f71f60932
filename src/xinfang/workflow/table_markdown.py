"""The transition table written as Markdown (``xinfang workflow table``; docs/workflow.md)."""

from __future__ import annotations


def table_markdown(rows) -> str:
    """The transition table's rows as the Markdown table docs/workflow.md carries."""

    def states(values) -> str:
        return ", ".join(sorted(values))

    lines = [
        "| action | 中文 | from | to | roles | unit | starts | stops | cancels | notice | data |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        who = ", ".join(sorted(row.roles))
        if row.petitioner:
            who = f"petitioner (portal); {who}"
        data = ", ".join(row.required)
        if row.optional:
            data += (" " if data else "") + "[" + ", ".join(row.optional) + "]"
        lines.append(
            f"| {row.action} | {row.label} | {states(row.from_states)} | {row.to_state or '(same)'} | {who} "
            f"| {row.unit.value if row.unit else '-'} | {', '.join(row.starts) or '-'} "
            f"| {', '.join(row.stops) or '-'} | {', '.join(row.cancels) or '-'} | {row.notice or '-'} | {data} |"
        )
    return "\n".join(lines) + "\n"
