"""Chinese word segmentation for the search index (jieba), with the organisations' names as words.

Index and query go through the same `words()`, so whatever jieba makes of a phrase, the query and the
petition agree. Indexing uses the search mode (whole words and their parts: 征收拆迁 also gives 征收, 拆迁),
so a query of either finds it. Everything that is not a letter or digit is dropped (the underscore too: the
tsquery parser splits on it), and Latin is lowercased: what is left is safe as an FTS5 or tsquery term.
"""

from __future__ import annotations

import logging
import re
import threading

import jieba

from xinfang.orgs.models import OrgUnit

WORD = re.compile(r"[^\W_]+")
LEVEL_PREFIXES = set("省市县区镇乡")
_lock = threading.Lock()
_loaded = False

jieba.setLogLevel(logging.WARNING)


def _ensure_dictionary() -> None:
    """Teach jieba the unit names once per process (区住建局 is a word, not 区/住/建局)."""
    global _loaded
    if _loaded:
        return
    with _lock:
        if _loaded:
            return
        for name in unit_names():
            add_word(name)
        _loaded = True


def add_word(name: str) -> None:
    """A unit name as a word, and its short name without the level (县住建局 → 住建局), for 区住建局 and the like."""
    jieba.add_word(name, freq=200000)
    if len(name) >= 4 and name[0] in LEVEL_PREFIXES:
        jieba.add_word(name[1:], freq=100000)


def unit_names() -> set[str]:
    names = set()
    for name, short_name in OrgUnit.objects.values_list("name", "short_name"):
        names.update(n for n in (name, short_name) if n and len(n) >= 2)
    return names


def reload_dictionary() -> None:
    global _loaded
    _loaded = False
    _ensure_dictionary()


def _clean(pieces) -> list[str]:
    out = []
    for piece in pieces:
        out.extend(w.lower() for w in WORD.findall(piece))
    return out


def index_words(text: str) -> list[str]:
    _ensure_dictionary()
    return _clean(jieba.cut_for_search(text or ""))


def query_words(text: str) -> list[str]:
    _ensure_dictionary()
    words = _clean(jieba.cut(text or ""))
    return list(dict.fromkeys(words))  # each word once, in order


def plain(text: str) -> str:
    """`text` as one term (letters and digits only, Latin lowercased): a name typed whole."""
    return "".join(_clean([text or ""]))
