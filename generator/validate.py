"""Checks on the whole event once it is read: problems with a place, errors stop the build."""

from __future__ import annotations

from .errors import Problem
from .model import Event


def check(event: Event, origin: str) -> list[Problem]:
    """Problems of the event as a whole (the readers report those of single records)."""
    problems = []
    if not event.sessions:
        problems.append(Problem(origin, "sessions", "no published sessions", "warning"))
    if event.start and event.end and event.end < event.start:
        problems.append(
            Problem(origin, "event", f"ends before it starts ({event.end.isoformat()})", "warning")
        )
    return problems
