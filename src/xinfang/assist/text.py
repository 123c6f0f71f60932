"""The text a petition is compared by: its summary and content, normalised, as character 2-grams.

Pure functions, no Django. Chinese paraphrase keeps many of the same two- and three-character pieces (征收,
补偿款, 拖欠工资) in another order and with other connecting words, so sets of character n-grams compare
paraphrases far better than whole words or edit distance. Numbers are collapsed (an amount or a date written
differently must not make two tellings of one matter look different) and the words nearly every petition
uses are dropped (they would make every petition look a little like every other, and crowd the LSH buckets),
and so are the function characters (的, 了, 被, 把 ...), whose place changes with every retelling.

Why 2-grams alone: on tests/assist's 22 paraphrase pairs the exact Jaccard similarity of 2- and 3-gram sets
was 0.05–0.23 (expected LSH recall with 128 bands of 2 rows: 0.73), of 2-gram sets without function
characters 0.09–0.30 (0.95), while hard negatives stayed at or below 0.083 (docs/assist.md).
"""

from __future__ import annotations

import re
import unicodedata

# Runs of digits (Arabic or Chinese numerals used as numbers) become one mark.
_NUMBER = re.compile(r"[0-9]+(?:[.,][0-9]+)*|[零〇一二三四五六七八九十百千万亿两]{2,}")
# Kept: CJK ideographs, Latin letters, the number mark. Everything else (punctuation, spaces) goes.
_DROP = re.compile(r"[^\u4e00-\u9fffa-z#]+")
# Words of nearly every petition, whatever its matter: removed before n-grams are cut.
BOILERPLATE = (
    "信访人",
    "信访",
    "反映",
    "要求",
    "请求",
    "希望",
    "问题",
    "有关部门",
    "相关部门",
    "政府",
    "领导",
    "处理",
    "解决",
    "我们",
    "本人",
    "我家",
    "一直",
    "至今",
    "没有",
    "情况",
    "尽快",
    "给予",
    "予以",
)
_BOILERPLATE = re.compile("|".join(sorted(map(re.escape, BOILERPLATE), key=len, reverse=True)))
# Function characters: removed, so that 拆了我家的房子 and 把我家房子拆了 share 我家 and 家房.
_FUNCTION = re.compile(
    "[的了着过是在和与及等被把给到对为这那个也都就还又很里上下中来去说让使将其之而且或并向从由于以所]"
)
NGRAM_SIZES = (2,)


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = _NUMBER.sub("#", text)
    text = _BOILERPLATE.sub(" ", text)
    return _DROP.sub(" ", _FUNCTION.sub("", text))


def shingles(text: str) -> set[str]:
    """The character 2-grams of the normalised text, never across a removed word or punctuation."""
    out: set[str] = set()
    for run in normalise(text).split():
        for size in NGRAM_SIZES:
            out.update(run[i : i + size] for i in range(len(run) - size + 1))
        if len(run) == 1 and run != "#":
            out.add(run)
    return out


def petition_text(summary: str, content: str) -> str:
    return f"{summary or ''}\n{content or ''}"


def compact(text: str) -> str:
    """The normalised text without separators: what the character-level ratio compares."""
    return "".join(normalise(text).split())
