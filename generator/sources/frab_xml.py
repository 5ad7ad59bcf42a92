"""frab / pentabarf / FOSDEM / pretalx `schedule.xml` reader.

The XML is turned into the shape of a C3VOC schedule.json and read by `c3voc.read_schedule`, so
both formats follow the same rules for zones, days and persons (see that module). Tolerated here:
events directly inside `<day>` (no `<room>` wrapper), no `guid`, no `<date>` (the day's date and
`<start>` are used, a time before the day change being the next calendar date), no
`time_zone_name`, and FOSDEM's top-level `<persons>` with biographies.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from lxml import etree

from ..errors import DataError, InputError, Problem
from ..model import Event
from . import c3voc
from .common import ReadOptions, Reporter
from .loader import RawEvent

FORMAT = "frab-xml"

# Fields copied as text from <event> children into the JSON shape.
_EVENT_TEXT = frozenset(
    (
        "room",
        "title",
        "subtitle",
        "type",
        "date",
        "start",
        "end",
        "duration",
        "abstract",
        "description",
        "slug",
        "track",
        "language",
        "logo",
        "url",
        "video_download_url",
    )
)


# Control characters XML 1.0 forbids even as references; real exports carry them in text.
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def parse(data: bytes, label: str, warn: Callable[[str], None] | None = None) -> Any:
    """Parse XML without touching the network or expanding entities; errors name the line."""
    # resolve_entities=False: no external entities (XXE) and no entity expansion bombs;
    # huge_tree=False keeps libxml2's limits on depth and text size.
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False
    )
    if not data.startswith((b"\xff\xfe", b"\xfe\xff")) and _CONTROL.search(data):
        # UTF-16 text is full of zero bytes and is left alone; anywhere else they are junk.
        count = len(_CONTROL.findall(data))
        data = _CONTROL.sub(b"", data)
        if warn is not None:
            warn(f"{label}: {count} control character(s) XML does not allow; removed")
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (0, 0)
        raise InputError(
            f"{label}: invalid XML at line {line}, column {col}: {exc.msg}",
            "Fix the file (an XML validator shows the spot) and build again.",
        ) from None
    except (etree.LxmlError, ValueError) as exc:
        raise InputError(f"{label}: unreadable XML: {exc}") from None


def detect(root: Any) -> bool:
    """A frab schedule.xml has <schedule> as its root element."""
    return isinstance(root, etree._Element) and root.tag == "schedule"


def read(root: Any, raw: RawEvent, key: str, options: ReadOptions, report: Reporter) -> Event:
    """Turn a parsed schedule.xml into the model."""
    label = raw.label(key)
    if not detect(root):
        tag = getattr(root, "tag", "?")
        raise DataError(
            [Problem(label, "root", f"is <{tag}>, not <schedule>")],
            f"{label}: not a frab schedule.xml (the root element is <{tag}>)",
        )
    schedule, people = to_schedule(root)
    return c3voc.read_schedule(schedule, label, options, report, FORMAT, people)


def _text(el: Any) -> str:
    """All text inside an element (entities left unexpanded, comments skipped)."""
    if el is None:
        return ""
    # Most elements hold plain text; walking the subtree is only needed when they do not.
    return el.text or "" if len(el) == 0 else "".join(el.itertext())


def _child(el: Any, name: str) -> str | None:
    found = el.find(name)
    return None if found is None else _text(found)


def to_schedule(root: Any) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The schedule as a C3VOC JSON-shaped dict, and persons' details by id."""
    conf_el = root.find("conference")
    conf: dict[str, Any] = {}
    if conf_el is not None:
        for child in conf_el:
            if isinstance(child.tag, str) and child.tag not in ("track", "tracks"):
                conf[child.tag] = _text(child)
        tracks = conf_el.findall("track") + conf_el.findall("tracks/track")
        conf["tracks"] = [
            {
                "name": t.get("name") or _text(t).strip(),
                "color": t.get("color"),
                "slug": t.get("slug"),
            }
            for t in tracks
        ]
    conf["days"] = [_day(day) for day in root.iterfind("day")]
    schedule = {"version": _child(root, "version"), "conference": conf}
    return schedule, _people(root.find("persons"))


def _day(day: Any) -> dict[str, Any]:
    rooms: dict[str, list[dict[str, Any]]] = {}
    for child in day:
        if child.tag == "room":
            name = child.get("name") or ""
            rooms.setdefault(name, []).extend(_event(e, name) for e in child.iter("event"))
        elif child.tag == "event":
            # No <room> wrapper (some pentabarf exports): group by the event's own <room>.
            event = _event(child, "")
            rooms.setdefault(str(event.get("room") or ""), []).append(event)
    return {
        "index": _index(day.get("index")),
        "date": day.get("date") or "",
        "day_start": day.get("start"),
        "day_end": day.get("end"),
        "rooms": rooms,
    }


def _index(value: str | None) -> int:
    """A day's index attribute; 0 when it is no plain number."""
    value = (value or "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else 0


def _event(el: Any, room: str) -> dict[str, Any]:
    event: dict[str, Any] = {
        "id": el.get("id"),
        "guid": el.get("guid"),
        "code": el.get("code"),
        "_place": f"line {el.sourceline} <event id={el.get('id')!r}>",
    }
    for child in el:
        # One pass over the children: the first of each known field wins, as find() would.
        if child.tag in _EVENT_TEXT and child.tag not in event:
            event[child.tag] = _text(child)
    event["room"] = event.get("room") or room
    event["persons"] = [
        {"id": p.get("id"), "guid": p.get("guid"), "public_name": _text(p).strip()}
        for p in el.iterfind("persons/person")
    ]
    event["links"] = [_ref(ln) for ln in el.iterfind("links/link")]
    event["attachments"] = [_ref(a) for a in el.iterfind("attachments/attachment")]
    recording = el.find("recording")
    if recording is not None:
        event["recording"] = {"url": _child(recording, "url"), "link": _child(recording, "link")}
    return event


def _ref(el: Any) -> dict[str, Any]:
    return {"url": el.get("href"), "title": _text(el).strip(), "type": el.get("type")}


def _people(persons: Any) -> dict[str, dict[str, Any]]:
    """FOSDEM-style top-level <persons>: name, biography, image and links by person id."""
    out: dict[str, dict[str, Any]] = {}
    if persons is None:
        return out
    for p in persons.iterfind("person"):
        pid = p.get("id") or _child(p, "id")
        if not pid:
            continue
        name = next(
            (v for n in ("public_name", "full_name", "name") if (v := _child(p, n))),
            p.text.strip() if p.text and len(p) == 0 else "",
        )
        info: dict[str, Any] = {"name": name, "guid": p.get("guid")}
        for key, names in (
            ("biography", ("biography", "bio", "abstract", "description")),
            ("avatar", ("image", "avatar", "photo")),
        ):
            info[key] = next((v for n in names if (v := _child(p, n))), "")
        info["links"] = [_ref(ln) for ln in p.iterfind("links/link")]
        out[pid.strip()] = info
    return out
