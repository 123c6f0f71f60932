"""``xinfang similar``'s answer for one line: the five petitions in the database most like the text given,
the same person's (by ID number) counted as at least ``SAME_PERSON`` and a matter of the same township nudged up
by ``SAME_TOWNSHIP`` (a tie-break: two tellings of one matter name one place)."""

from __future__ import annotations

from xinfang.petitions.identity import IdentityError, validate_id_number
from xinfang.petitions.models import Petition, Petitioner, PetitionParty, digest_id_number

from .similar import LIMIT, score_against, similar

SAME_PERSON = 0.5
SAME_TOWNSHIP = 0.05


def lookup(item: dict) -> dict:
    summary, content = str(item.get("summary") or ""), str(item.get("content") or "")
    region = str(item.get("issue_region") or "")
    matches = {m.petition_id: m.score for m in similar(summary, content, limit=LIMIT * 4)}
    id_number = item.get("id_number")
    if id_number:
        try:
            digest = digest_id_number(validate_id_number(str(id_number)))
        except IdentityError as exc:
            return {"petitions": [], "error": f"身份证号码无效：{exc}"}
        people = Petitioner.objects.filter(id_number_digest=digest).values("pk")
        own = list(PetitionParty.objects.filter(petitioner__in=people).values_list("petition_id", flat=True))
        for pk, match in score_against(summary, content, own).items():
            matches[pk] = max(matches.get(pk, 0.0), match.score, SAME_PERSON)
    if not matches:
        return {"petitions": []}
    rows = Petition.objects.filter(pk__in=list(matches)).values_list(
        "pk", "registration_number", "issue_region_code"
    )
    township = region[:9] if len(region) >= 9 else None
    scored = []
    for pk, number, code in rows:
        value = matches[pk] + (SAME_TOWNSHIP if township and code.startswith(township) else 0.0)
        scored.append((round(min(value, 1.0), 4), pk, number))
    scored.sort(key=lambda row: (-row[0], -row[1]))
    return {"petitions": [{"number": number, "score": value} for value, _, number in scored[:LIMIT]]}
