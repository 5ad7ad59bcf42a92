"""Limits every reader's result keeps: text lengths, session lengths, unique sponsor ids.

Readers translate; this pass, run once on whatever a reader made, keeps hostile or broken data
from costing minutes or megabytes downstream (Markdown on a 50 MB abstract, a 10,000-character
title repeated on every page), and says so with the place of each cut.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import fields, replace
from datetime import timedelta
from typing import Any, TypeVar

from ..model import Event, Room, Session, Sponsor, Track, safe_id, unique_name
from ..richtext import markdown_too_slow
from .common import Reporter
from .loader import RawEvent
from .memo import ReadMemo

T = TypeVar("T", Track, Room)

MAX_RICH = 100_000  # characters of an abstract, a biography, a description
MAX_PLAIN = 1_000  # characters of a title, a name, a label
LONG_SESSION = timedelta(hours=24)  # longer sessions are kept, with a warning

# Rich text fields by record type; every other str field is plain text.
_RICH = {"abstract", "bio", "description", "organiser_description", "code_of_conduct"}
# Fields that are not text for people: identifiers, paths, URLs, colours, zones.
_NOT_TEXT = {
    "id", "identifier", "slug", "path", "timezone", "color", "font_color", "photo", "logo",
    "url", "ticket_url", "event_url", "licence_url", "guid", "source_format", "track_id",
    "room_id", "email",
}  # fmt: skip


@functools.cache
def _limits(cls: type) -> tuple[tuple[str, int], ...]:
    """(field, length limit) for every text field of a model class."""
    names = [f.name for f in fields(cls) if f.name not in _NOT_TEXT]
    return tuple((n, MAX_RICH if n in _RICH else MAX_PLAIN) for n in names)


def enforce(event: Event, raw: RawEvent, report: Reporter, memo: ReadMemo | None = None) -> Event:
    """The event with over-long texts cut and problems reported; everything else unchanged.

    With a `memo`, a session or speaker that passed unchanged last time is not looked at again.
    """

    def file_of(key: str) -> str:
        # Open Event keeps each record kind in its own file; schedule formats have one file.
        if key in raw.labels:
            return raw.labels[key]
        return next(iter(raw.labels.values())) if len(raw.labels) == 1 else raw.origin

    def clip(record: Any, kind: str, place: str) -> Any:
        changes = {}
        for name, limit in _limits(type(record)):
            value = getattr(record, name)
            if isinstance(value, str) and len(value) > limit:
                report.warn(
                    file_of(kind),
                    f"{place} {name}",
                    f"is {len(value):,} characters long; cut to {limit:,}",
                )
                value = changes[name] = value[:limit]
            if limit == MAX_RICH and isinstance(value, str) and markdown_too_slow(value):
                report.warn(
                    file_of(kind),
                    f"{place} {name}",
                    f"has {value.count('['):,} '[' and {value.count('<'):,} '<' in "
                    f"{len(value):,} characters, more than Markdown can render in seconds; "
                    "shown as plain text",
                )
        return replace(record, **changes) if changes else record

    def clip_all(kind: str, records: tuple, one: Callable[[Any], Any]) -> tuple:
        if memo is None:
            return tuple(one(r) for r in records)
        stage = f"limits {kind}"
        memo.begin(stage, None)
        out = []
        for record in records:
            if memo.get(stage, record.id, record) is None:
                problems = len(report.problems)
                clipped = one(record)
                if clipped is record and len(report.problems) == problems:
                    memo.put(stage, record.id, record, True)
                record = clipped
            out.append(record)
        return tuple(out)

    sessions = clip_all(
        "sessions", event.sessions, lambda s: _clip_session(clip, s, report, file_of)
    )
    speakers = clip_all(
        "speakers", event.speakers, lambda s: clip(s, "speakers", f"speakers (id {s.id})")
    )
    tracks = _unique_slugs(tuple(clip(t, "tracks", f"tracks (id {t.id})") for t in event.tracks))
    rooms = _unique_slugs(
        tuple(clip(r, "microlocations", f"rooms (id {r.id})") for r in event.rooms)
    )
    sponsors = _unique_sponsors(
        tuple(clip(s, "sponsors", f"sponsors (id {s.id})") for s in event.sponsors)
    )
    clipped = clip(event, "event", "event")
    return replace(
        clipped,
        sessions=sessions,
        speakers=speakers,
        tracks=tracks,
        rooms=rooms,
        sponsors=sponsors,
        extra=event.extra,
    )


def _clip_session(
    clip: Callable[[Any, str, str], Any],
    session: Session,
    report: Reporter,
    file_of: Callable[[str], str],
) -> Session:
    place = f"sessions (id {session.id})"
    length = session.end - session.start
    if length > LONG_SESSION:
        hours = length.total_seconds() / 3600
        span = f"{hours / 24:.0f} days" if hours >= 48 else f"{hours:.0f} hours"
        report.warn(file_of("sessions"), f"{place} end", f"lasts {span}; check its end time")
    return clip(session, "sessions", place)


def _unique_slugs(items: tuple[T, ...]) -> tuple[T, ...]:
    """Tracks or rooms with distinct slugs: filters, anchors and calendars are keyed by them."""
    taken: set[str] = set()
    out = []
    for item in items:
        slug = unique_name(item.slug, taken)
        out.append(item if slug == item.slug else replace(item, slug=slug))
    return tuple(out)


def _unique_sponsors(sponsors: tuple[Sponsor, ...]) -> tuple[Sponsor, ...]:
    """Sponsors with distinct ids (their logos are keyed by id): repeats get "-2", "-3"..."""
    taken: set[str] = set()
    out = []
    for sp in sponsors:
        candidate = unique_name(safe_id(sp.id), taken)
        out.append(sp if candidate == sp.id else replace(sp, id=candidate))
    return tuple(out)
