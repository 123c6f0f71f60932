"""The petitioners' terms in the search document, and the same terms built from what a clerk types.

A petitioner's name is indexed with a mark (``pn张建国``) and with each tail of two or more characters
(``pn建国``), so a prefix query finds the person by surname (张), a name's beginning (张建) or its given
name (建国), and a name never matches the petition's text words (or the reverse). The phone's last four
digits are indexed only as a keyed digest (``pt`` + HMAC, the digest key of ``xinfang.fieldcrypt``): the
index never holds a phone, and without the key outside the database the digest does not tell the digits.

A protected identity (an accuser's, or one the petitioner asked to keep confidential: ``masking.is_protected``)
puts nothing in the index: lists mask it for everyone, and a search that found the petition by the name would
tell who it is. Such petitions are found by an exact ID number or phone only (`identity`), by those allowed to
see the identity, and every such search is recorded.
"""

from __future__ import annotations

from xinfang.fieldcrypt import digest

from .segment import plain

NAME_MARK = "pn"
PHONE_TAIL_MARK = "pt"
NAME_TAIL_MIN = 2
TAIL_DIGITS = 4


def name_terms(name: str) -> list[str]:
    """The marked name and its tails of at least two characters: 欧阳建国 → pn欧阳建国, pn阳建国, pn建国."""
    name = plain(name)
    if not name:
        return []
    tails = [name[i:] for i in range(1, len(name) - NAME_TAIL_MIN + 1)]
    return [NAME_MARK + part for part in (name, *tails)]


def phone_tail_term(digits: str) -> str:
    """The index term of a phone's last four digits (16 hex characters of a keyed digest: 64 bits)."""
    return PHONE_TAIL_MARK + digest("phone_tail", digits)[:16]


def phone_tail(phone: str | None) -> str | None:
    digits = "".join(ch for ch in (phone or "") if ch in "0123456789")
    return digits[-TAIL_DIGITS:] if len(digits) >= 7 else None


def person_terms(name: str, phone: str | None) -> list[str]:
    terms = name_terms(name)
    tail = phone_tail(phone)
    if tail:
        terms.append(phone_tail_term(tail))
    return terms
