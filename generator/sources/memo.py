"""What the preview's last read made from each file and record, so a rebuild re-reads only edits.

Saving one session in an export of thousands rewrites the whole `sessions` file; reading every
record of it again cost the preview more than the rest of the rebuild. A reader asks the memo
for the result it made last time from an equal record in an equal context and gets the very same
model object back, so everything downstream that is keyed by object (fingerprints, session
cards, calendar entries) finds its earlier work too. Only results made without any problem
reported are kept: a hit reports nothing, so it must have had nothing to report.
"""

from __future__ import annotations

import marshal
from collections.abc import Callable
from typing import Any

from . import splice
from .common import Reporter
from .loader import RawEvent


class ReadMemo:
    """Parsed files and per-record results of the last read, kept between the preview's builds."""

    def __init__(self) -> None:
        self._parsed: dict[str, tuple[bytes, Any]] = {}
        self._layouts: dict[str, splice.Layout] = {}  # where each element of an array file lies
        self._contexts: dict[str, Any] = {}
        self._before: dict[str, dict[str, tuple[Any, Any]]] = {}
        self._now: dict[str, dict[str, tuple[Any, Any]]] = {}

    def parse(self, raw: RawEvent, key: str, report: Reporter, parse: Callable[[], Any]) -> Any:
        """The parsed data file `key`: the last parse when its bytes are the same; after an edit
        of an array, the last parse's elements whose bytes are unchanged (see splice).
        """
        data = raw.files[key]
        hit = self._parsed.get(key)
        if hit is not None:
            if hit[0] == data:
                return hit[1]
            spliced = self._spliced(key, hit, data)
            if spliced is not None:
                return spliced
        self._layouts.pop(key, None)
        problems = len(report.problems)
        value = parse()
        if len(report.problems) == problems:
            self._parsed[key] = (data, value)
        else:
            self._parsed.pop(key, None)
        return value

    def prepare(self) -> None:
        """Work out now what the next read would: where the elements of each array file lie.

        The preview calls this once a rebuild is done, so that the first edit after a file was
        read whole does not pay for it (30 ms at 5,000 sessions).
        """
        for key, (data, value) in self._parsed.items():
            if key not in self._layouts and isinstance(value, list):
                where = splice.layout(data)
                if where is not None:
                    self._layouts[key] = where

    def _spliced(self, key: str, hit: tuple[bytes, Any], data: bytes) -> list | None:
        """File `key` (last parsed cleanly as `hit`) parsed again by splicing, or None."""
        old, value = hit
        if not isinstance(value, list):
            return None
        where = self._layouts.get(key) or splice.layout(old)  # see prepare()
        if where is None:
            return None
        found = splice.respliced(old, value, where, data)
        if found is None:
            return None
        value, self._layouts[key] = found
        self._parsed[key] = (data, value)
        return value

    def begin(self, kind: str, context: Any) -> None:
        """Start reading records of `kind`; results made in another context are forgotten."""
        if self._contexts.get(kind) != context:
            self._before.pop(kind, None)
        self._contexts[kind] = context
        self._now[kind] = {}

    def get(self, kind: str, key: str, item: Any) -> Any:
        """The result made last time from a record equal to `item`, or None."""
        before = self._before.get(kind)
        hit = None if before is None else before.get(key)
        # By identity first: records of a file parsed last time, and model objects, often are
        # the very same objects (a dataclass's == compares every field even then).
        if hit is None:
            return None
        if hit[0] is not item:
            if hit[0] != item or not _same_data(hit[0], item):
                return None
            hit = (item, hit[1])  # the record now parsed, so that next time it is the same
        self._now[kind][key] = hit
        return hit[1]

    def put(self, kind: str, key: str, item: Any, result: Any) -> None:
        """Remember what `item` made (call only when reading it reported no problem)."""
        self._now[kind][key] = (item, result)

    def carry(self, kind: str) -> None:
        """Keep every result of `kind` from last time for the next read, though none was asked
        for (a result made from them was reused whole)."""
        self._now[kind] = self._before.get(kind, {})

    def finish(self) -> None:
        """After a read: what it used or made is what the next read may reuse."""
        self._before, self._now = self._now, {}

    def forget(self) -> None:
        """After a failed read: nothing of it is trusted."""
        self._parsed, self._contexts, self._before, self._now = {}, {}, {}, {}
        self._layouts = {}


def _same_data(a: Any, b: Any) -> bool:
    """Whether two equal records are the same JSON: Python's == finds 1, 1.0 and true equal,
    and the reader makes different text of them ("1", "1.0", no text at all)."""
    try:
        # Version 2 has no back-references, whose use depends on reference counts.
        return marshal.dumps(a, 2) == marshal.dumps(b, 2)
    except ValueError:  # not JSON data (model objects): == is exact for them
        return True
