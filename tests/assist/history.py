"""A small synthetic routing history for the suggestion tests: three kinds of matter, each transferred to its
own unit; land matters of 清波街道 go to the township, of 湖滨街道 to the housing bureau (the region decides)."""

from __future__ import annotations

import datetime as dt
import random

from tests import factories as f
from xinfang import clock
from xinfang.petitions import services
from xinfang.workflow.services import perform

KINDS = {
    "城乡建设/征收拆迁": (
        ["房屋征收", "拆迁补偿", "安置房", "征收协议", "评估价格"],
        ["补偿款未发放", "补偿标准过低", "强制拆除"],
    ),
    "劳动和社会保障/拖欠工资": (
        ["农民工工资", "工地", "包工头", "建筑公司", "工钱"],
        ["拖欠不发", "讨薪无果", "欠款一年"],
    ),
    "生态环境/环境污染": (["粉尘", "污水", "噪声", "养殖场", "化工厂"], ["影响休息", "河水发臭", "庄稼受损"]),
}


def text(rng: random.Random, category: str) -> tuple[str, str]:
    nouns, problems = KINDS[category]
    a, b = rng.sample(nouns, 2)
    p = rng.choice(problems)
    return f"反映{a}{p}", f"我们这里的{a}和{b}问题，{p}，{rng.choice(nouns)}情况严重，希望有关部门处理。"


def build(org, people, n_per_kind: int = 20, seed: int = 7):
    rng = random.Random(seed)
    regs, targets = [], []
    start = clock.now() - dt.timedelta(days=200)
    i = 0
    for category, _ in KINDS.items():
        for k in range(n_per_kind):
            region = org.qingbo if k % 2 == 0 else org.hubin
            summary, content = text(rng, category)
            regs.append(
                f.registration(
                    category=f.category(category),
                    issue_region=region,
                    summary=summary,
                    content=content,
                    received_at=start + dt.timedelta(hours=i),
                )
            )
            if category == "城乡建设/征收拆迁":
                targets.append(org.qingbo_unit if region == org.qingbo else org.housing)
            elif category == "劳动和社会保障/拖欠工资":
                targets.append(org.hubin_unit)
            else:
                targets.append(org.discipline)
            i += 1
    order = list(range(len(regs)))
    rng.shuffle(order)
    regs = [regs[j] for j in order]
    targets = [targets[j] for j in order]
    for j, reg in enumerate(regs):
        reg.received_at = start + dt.timedelta(hours=j)
    outcomes = services.register_many(regs, people.registrar)
    petitions = [o.petition for o in outcomes]
    for petition, unit in zip(petitions, targets, strict=True):
        perform(petition, "transfer", people.registrar, to_unit=unit)
    return petitions, targets
