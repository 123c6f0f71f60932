"""The API's JSON parser: DRF's, with a nesting limit.

A body nested thousands deep makes Python's decoder raise RecursionError, which DRF does not catch (a 500);
one nested a few hundred deep parses, and then every serializer and `_flatten` walks it recursively. No
registration is deeper than a handful of levels, so anything past `MAX_DEPTH` is a 400 problem-details answer.
"""

from __future__ import annotations

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32
TOO_DEEP = f"JSON 嵌套层级过深（不超过{MAX_DEPTH}层）。"


def depth_exceeds(data, limit: int = MAX_DEPTH) -> bool:
    """Whether `data` nests lists and objects more than `limit` deep; iterative, so no recursion limit."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


class LimitedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(TOO_DEEP) from None
        if depth_exceeds(data):
            raise ParseError(TOO_DEEP)
        return data
