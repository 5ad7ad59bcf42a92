"""Re-read a JSON array after an edit: only the elements whose bytes changed are parsed again.

Saving one session rewrites a `sessions` file of 10 MB at 5,000 sessions; parsing it again
took 30 ms of every preview rebuild, and comparing each new record with last read's another
15. Old and new bytes share a head and a tail; every element lying wholly inside them is last
parse's very object, and the bytes between are parsed as the elements they hold. Anything odd
(the edit reaches outside the array, the bytes between are not elements) gives None, and the
caller parses the whole file, reporting what is wrong as usual.
"""

from __future__ import annotations

import codecs
import json
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Any

_WHITESPACE = b" \t\n\r"  # JSON's
_SPACE = re.compile(f"[{_WHITESPACE.decode()}]*")
_SPACE_BYTES = re.compile(b"[" + _WHITESPACE + b"]*")
_CHUNK = 1 << 16  # bytes compared at a time when looking for the common head and tail


@dataclass
class Layout:
    """Where each element of a JSON array file lies, in bytes."""

    open: int  # the offset of "["
    close: int  # the offset of "]"
    starts: list[int]
    ends: list[int]


def layout(data: bytes) -> Layout | None:
    """The layout of `data`, a JSON array (None when it is not one)."""
    # Decoded as Latin-1, a str position is a byte offset; JSON's syntax is all ASCII, so the
    # elements' extent is the same (their strings are not, and are not used).
    text = data.decode("latin-1")
    at = _SPACE.match(text, len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0).end()
    if not text.startswith("[", at):
        return None
    found = _elements(text, at + 1)
    if found is None:
        return None
    starts, ends, close = found
    if _SPACE.match(text, close + 1).end() != len(text):
        return None
    return Layout(at, close, starts, ends)


def respliced(
    old: bytes, parsed: list[Any], where: Layout, new: bytes
) -> tuple[list, Layout] | None:
    """`new` parsed, reusing the elements of `parsed` (parsed from `old`, laid out as `where`)
    whose bytes are unchanged; with its layout. None: parse all of `new` instead."""
    limit = min(len(old), len(new))
    head = _common_head(old, new, limit)
    tail = _common_tail(old, new, limit - head)
    n, delta = len(where.starts), len(new) - len(old)
    # Elements before `first` end in the shared head; those from `after` on start in the tail.
    first = bisect_right(where.ends, head)
    after = bisect_left(where.starts, len(old) - tail)
    lo = where.ends[first - 1] if first else where.open + 1
    hi = where.starts[after] if after < n else where.close
    if head < lo or len(old) - tail > hi:
        return None  # the edit reaches the brackets or outside them
    # What lies between in `new` must be elements, after a comma when some are kept before
    # them and before one when some are kept after them; or no element, and a comma only
    # when elements are kept on both sides.
    start, end = _SPACE_BYTES.match(new, lo).end(), hi + delta
    end = start + len(new[start:end].rstrip(_WHITESPACE))
    if new[start:end] in (b"", b","):
        if (end > start) != (first > 0 and after < n):
            return None
        start = end
    else:
        if first:
            if not new.startswith(b",", start):
                return None
            start = _SPACE_BYTES.match(new, start + 1).end()
        if after < n:
            if new[end - 1 : end] != b",":
                return None
            end = start + len(new[start : end - 1].rstrip(_WHITESPACE))
        if start >= end:
            return None  # commas with no element between
    inner = new[start:end]
    try:
        middle = json.loads(f"[{inner.decode('utf-8')}]", strict=False)
    except (ValueError, RecursionError):
        return None
    found = _elements(inner.decode("latin-1") + "]", 0)
    if found is None or len(found[0]) != len(middle):
        return None
    starts, ends, _ = found

    def spans(old_spans: list[int], new_spans: list[int]) -> list[int]:
        kept_after = [i + delta for i in old_spans[after:]]
        return [*old_spans[:first], *[i + start for i in new_spans], *kept_after]

    spliced = Layout(
        where.open, where.close + delta, spans(where.starts, starts), spans(where.ends, ends)
    )
    return [*parsed[:first], *middle, *parsed[after:]], spliced


def _elements(text: str, at: int) -> tuple[list[int], list[int], int] | None:
    """Scan an array's elements from just after its "[" to its "]": where each starts and
    ends, and where the "]" is. None when `text` is not that."""
    decoder = json.JSONDecoder(strict=False)
    starts, ends = [], []
    at = _SPACE.match(text, at).end()
    if text.startswith("]", at):
        return starts, ends, at
    while True:
        try:
            _, end = decoder.raw_decode(text, at)
        except (ValueError, RecursionError):
            return None
        starts.append(at)
        ends.append(end)
        at = _SPACE.match(text, end).end()
        if text.startswith("]", at):
            return starts, ends, at
        if not text.startswith(",", at):
            return None
        at = _SPACE.match(text, at + 1).end()


def _common_head(a: bytes, b: bytes, limit: int) -> int:
    """The length of the longest common prefix of `a` and `b`, at most `limit`."""
    at = 0
    while at + _CHUNK <= limit and a[at : at + _CHUNK] == b[at : at + _CHUNK]:
        at += _CHUNK
    lo, hi = at, min(at + _CHUNK, limit)  # a[:lo] == b[:lo]; the answer is at most hi
    while lo < hi:  # bisect: slices are compared in C
        mid = (lo + hi + 1) // 2
        if a[lo:mid] == b[lo:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common_tail(a: bytes, b: bytes, limit: int) -> int:
    """The length of the longest common suffix of `a` and `b`, at most `limit`."""
    n, m, size = len(a), len(b), 0
    while (
        size + _CHUNK <= limit
        and a[n - size - _CHUNK : n - size] == b[m - size - _CHUNK : m - size]
    ):
        size += _CHUNK
    lo, hi = size, min(size + _CHUNK, limit)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[n - mid : n - lo] == b[m - mid : m - lo]:
            lo = mid
        else:
            hi = mid - 1
    return lo
