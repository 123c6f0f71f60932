"""The effect of marking a matter as actually resolved (化解)."""

from __future__ import annotations

from .common import Context, read_text


def resolve(ctx: Context) -> None:
    petition = ctx.petition
    if petition.is_resolved:
        ctx.refuse("该事项已标记为化解。", code="state")
    petition.is_resolved = True
    petition.resolved_at = ctx.at
    ctx.reason = read_text(ctx, "text", required=False)
