"""Work-report sentences about leaders' reception, in the forms the seed reports use (000, 003), from the
``reception`` figures (``figures.all_figures``). Pure: a figure of zero leaves its sentence out."""

from __future__ import annotations

from .models import ReceptionKind


def descend_sentence(row: dict) -> str:
    """Seed 000: "领导干部每月8日下沉接访…共下沉接访191人次，解决信访案件86件"."""
    resolved = row["on_spot"]["batches"] + row["time_limited"]["batches"]
    return f"领导干部下沉接访{row['days']}天次，共下沉接访{row['received']['persons']}人次，解决信访案件{resolved}件。"


def village_sentence(row: dict) -> str:
    """Seed 000: "周三村级接访…共接待群众来访769批1315人，现场协调解决646批1107人"."""
    received, on_spot = row["received"], row["on_spot"]
    return (
        f"村级接访共接待群众来访{received['batches']}批{received['persons']}人，"
        f"现场协调解决{on_spot['batches']}批{on_spot['persons']}人。"
    )


def county_leaders_sentence(row: dict) -> str:
    """Seed 003: "35名县级领导深入14个乡镇街道共接访群众297起1387人，现场协调化解215起，限定期限化解82起"."""
    received = row["received"]
    return (
        f"{row['leaders']}名县级领导深入{row['townships']}个乡镇街道共接访群众{received['batches']}起"
        f"{received['persons']}人，现场协调化解{row['on_spot']['batches']}起，"
        f"限定期限化解{row['time_limited']['batches']}起。"
    )


def reception_sentences(reception: dict) -> list[str]:
    """The sentences the period's figures support, in the reports' order."""
    out = []
    kinds = reception.get("by_kind", {})
    if kinds.get(ReceptionKind.DESCEND, {}).get("sessions"):
        out.append(descend_sentence(kinds[ReceptionKind.DESCEND]))
    if kinds.get(ReceptionKind.VILLAGE, {}).get("sessions"):
        out.append(village_sentence(kinds[ReceptionKind.VILLAGE]))
    county = reception.get("by_level", {}).get("county", {})
    if county.get("sessions") and county.get("townships"):
        out.append(county_leaders_sentence(county))
    return out
