"""Group an event's sessions by conference day, time slot, room and track."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from .model import Event, Room, Session


@dataclass(frozen=True)
class Slot:
    """Sessions starting at the same instant."""

    start: datetime
    sessions: tuple[Session, ...]


@dataclass(frozen=True)
class Day:
    """One conference day (counted from the day-change hour)."""

    date: date
    slug: str  # "2017-03-17": used in data-day, anchors and file names
    sessions: tuple[Session, ...]
    slots: tuple[Slot, ...]
    rooms: tuple[Room, ...]  # rooms with a session this day, in the event's room order


@dataclass(frozen=True)
class Schedule:
    """The one grouping that feeds the pages, the calendars and the client data."""

    days: tuple[Day, ...]
    by_track: dict[str, tuple[Session, ...]]
    by_room: dict[str, tuple[Session, ...]]
    untracked: tuple[Session, ...]
    unroomed: tuple[Session, ...]


def group_days(sessions: list[Session] | tuple[Session, ...], event: Event) -> tuple[Day, ...]:
    """Sessions grouped into days and slots, both in time order."""
    by_day: dict[date, list[Session]] = {}
    for s in sorted(sessions, key=lambda s: (s.start, s.end, s.title)):
        by_day.setdefault(s.day, []).append(s)
    rooms = event.rooms_by_id
    days = []
    for day, items in sorted(by_day.items()):
        slots: dict[datetime, list[Session]] = {}
        for s in items:
            slots.setdefault(s.start, []).append(s)
        room_ids = {s.room_id for s in items if s.room_id in rooms}
        days.append(
            Day(
                date=day,
                slug=day.isoformat(),
                sessions=tuple(items),
                slots=tuple(Slot(k, tuple(v)) for k, v in slots.items()),
                rooms=tuple(r for r in event.rooms if r.id in room_ids),
            )
        )
    return tuple(days)


def group(event: Event) -> Schedule:
    """Build the schedule structure for `event`."""
    by_track: dict[str, list[Session]] = {t.id: [] for t in event.tracks}
    by_room: dict[str, list[Session]] = {r.id: [] for r in event.rooms}
    untracked, unroomed = [], []
    for s in event.sessions:
        (by_track.setdefault(s.track_id, []) if s.track_id else untracked).append(s)
        (by_room.setdefault(s.room_id, []) if s.room_id else unroomed).append(s)
    return Schedule(
        days=group_days(event.sessions, event),
        by_track={k: tuple(v) for k, v in by_track.items()},
        by_room={k: tuple(v) for k, v in by_room.items()},
        untracked=tuple(untracked),
        unroomed=tuple(unroomed),
    )
