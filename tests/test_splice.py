"""The preview re-reads an edited JSON array by splicing: the same result as parsing it all."""

from __future__ import annotations

import codecs
import json
import random
from functools import partial
from typing import Any

import pytest

from generator.sources.common import Reporter
from generator.sources.loader import RawEvent, parse_json
from generator.sources.memo import ReadMemo
from generator.sources.splice import layout, respliced


def _records(n: int) -> list[dict[str, Any]]:
    return [
        {"id": 100 + i, "title": f"Talk {i} – Zoë", "tags": ["a", {"b": "]"}]} for i in range(n)
    ]


def _dump(items: Any) -> bytes:
    return (json.dumps(items, indent=2, ensure_ascii=False) + "\n").encode()


def _splice(old: bytes, new: bytes) -> tuple[list, Any] | None:
    parsed = json.loads(old.decode("utf-8-sig"))
    where = layout(old)
    assert where is not None
    found = respliced(old, parsed, where, new)
    return None if found is None else (parsed, found)


def test_an_edit_parses_only_the_records_it_touched() -> None:
    items = _records(50)
    old = _dump(items)
    items[20]["title"] = "A new title, with a comma"
    parsed, (value, _) = _splice(old, _dump(items))
    assert value == items
    assert value[20] is not parsed[20]
    assert all(value[i] is parsed[i] for i in range(50) if i != 20)


@pytest.mark.parametrize(
    ("what", "edit"),
    [
        ("first removed", lambda items: items.pop(0)),
        ("last removed", lambda items: items.pop()),
        ("all removed", lambda items: items.clear()),
        ("one added at the end", lambda items: items.append({"id": 1})),
        ("one added at the start", lambda items: items.insert(0, {"id": 1})),
        (
            "two added in the middle",
            lambda items: items.__setitem__(slice(3, 3), [{"id": 1}, {"id": 2}]),
        ),
        ("a number gains a fraction", lambda items: items[2].update(id=102.0)),
    ],
)
def test_records_added_removed_and_changed(what: str, edit: Any) -> None:
    items = _records(6)
    old = _dump(items)
    edit(items)
    new = _dump(items)
    _, (value, where) = _splice(old, new)
    assert repr(value) == repr(json.loads(new)), what  # repr: 102.0 is not 102
    assert where == layout(new), what


@pytest.mark.parametrize(
    "new",
    [
        b'[{"id": 1}, {"id": 2},]\n',  # a comma before "]"
        b'[{"id": 1},, {"id": 2}]\n',  # two commas
        b'[{"id": 1} {"id": 2}]\n',  # none
        b'[{"id": 1}, {"id": 2}\n',  # "]" gone
        b'{{"id": 1}, {"id": 2}]\n',  # "[" replaced
        b'[{"id": 1}, {"id": 2}] []\n',  # something after the array
        b'[{"id": 1}, {"id": "\xff"}]\n',  # not UTF-8
    ],
)
def test_what_is_not_an_edit_of_the_elements_is_parsed_whole(new: bytes) -> None:
    # The full parse then reports the problem with its line and column.
    assert _splice(b'[{"id": 1}, {"id": 2}]\n', new) is None


def test_splicing_agrees_with_parsing_the_whole_file() -> None:
    rng = random.Random(8)
    values = [1, 1.5, -2e3, None, True, "x,]}", "é", "日本", [], {"a": [1, {"b": "]"}]}]
    spliced = 0
    for _ in range(1500):
        items = [
            {"id": rng.choice(values), "v": rng.choice(values)} for _ in range(rng.randint(0, 6))
        ]
        old = json.dumps(items, indent=rng.choice([None, 2]), ensure_ascii=rng.random() < 0.5)
        old = (codecs.BOM_UTF8 if rng.random() < 0.1 else b"") + f" {old}\n".encode()
        new = bytearray(old)
        for _ in range(rng.randint(1, 3)):  # bytes typed, deleted or replaced anywhere
            at = rng.randint(0, len(new))
            choice = rng.random()
            if choice < 0.3:
                del new[at : at + rng.randint(1, 4)]
            elif choice < 0.7:
                new[at:at] = rng.choice([b",", b" ", b"]", b"[", b"{}", b'"', b"1.5", b"\xc3\xa9"])
            elif at < len(new):
                new[at] = rng.randrange(32, 127)
        try:
            expected = json.loads(bytes(new).decode("utf-8-sig"), strict=False)
        except ValueError:
            expected = None
        found = _splice(old, bytes(new))
        if found is None:
            continue
        _, (value, where) = found
        assert expected is not None, new  # never a value where a full parse fails
        assert repr(value) == repr(expected), new
        assert where == layout(bytes(new)), new
        spliced += 1
    assert spliced > 100  # the test tried real splices, not only refusals


def test_the_preview_reader_reuses_the_unchanged_records_of_an_edited_file() -> None:
    memo, report = ReadMemo(), Reporter()
    items = _records(30)

    def read(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        raw = RawEvent("test", {"sessions": _dump(items)}, lambda ref: b"")
        return memo.parse(raw, "sessions", report, partial(parse_json, raw, "sessions", print))

    first = read(items)
    items[7]["title"] = "Edited"
    second = read(items)
    assert second == items and second[7] is not first[7]
    assert [i for i in range(30) if second[i] is first[i]] == [i for i in range(30) if i != 7]


@pytest.mark.parametrize(("before", "after"), [(1, True), (1, 1.0), (0.0, -0.0), (7, "7")])
def test_a_record_is_reused_only_when_it_is_the_same_json(before: Any, after: Any) -> None:
    # Python finds 1 == True == 1.0 and 0.0 == -0.0; the reader makes different text of them.
    memo = ReadMemo()
    memo.begin("sessions", None)
    memo.put("sessions", "1", {"id": 1, "title": before}, "made from before")
    memo.finish()
    memo.begin("sessions", None)
    assert memo.get("sessions", "1", {"id": 1, "title": before}) == "made from before"
    assert memo.get("sessions", "1", {"id": 1, "title": after}) is None


def test_the_layout_is_worked_out_before_the_next_edit(monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.sources import splice

    memo, report, items = ReadMemo(), Reporter(), _records(5)
    laid_out = []
    real = splice.layout
    monkeypatch.setattr(splice, "layout", lambda data: laid_out.append(1) or real(data))

    def read() -> list[dict[str, Any]]:
        raw = RawEvent("test", {"sessions": _dump(items)}, lambda ref: b"")
        return memo.parse(raw, "sessions", report, partial(parse_json, raw, "sessions", print))

    first = read()
    memo.prepare()  # what the preview does once a rebuild is done
    assert laid_out == [1]
    items[2]["title"] = "Edited"
    second = read()
    assert laid_out == [1] and second[0] is first[0] and second == items  # spliced, no new scan
