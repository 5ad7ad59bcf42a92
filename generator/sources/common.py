"""What every reader shares: options, problem reporting, text and URL cleaning."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import time
from typing import Any

from ..errors import Problem

# Distinct, mid-dark colours for tracks the data gives no colour (white text reads on all).
TRACK_PALETTE = (
    "#1565c0",
    "#2e7d32",
    "#ad1457",
    "#6a1b9a",
    "#c62828",
    "#00695c",
    "#4e342e",
    "#283593",
    "#37474f",
    "#9e2a00",
)


@dataclass(frozen=True)
class ReadOptions:
    """Settings that change how data is read."""

    timezone: str = ""  # overrides the data's zone
    day_change: time | None = None  # overrides the data's day change


@dataclass
class Reporter:
    """Collects problems with their places; warnings for what can be repaired or left out."""

    problems: list[Problem] = field(default_factory=list)

    def warn(self, file: str, place: str, message: str) -> None:
        """A problem the build works around."""
        self.problems.append(Problem(file, place, message, "warning"))

    def error(self, file: str, place: str, message: str) -> None:
        """A problem that stops the build."""
        self.problems.append(Problem(file, place, message, "error"))

    def warn_text(self, message: str) -> None:
        """A warning that is already a whole sentence with its file."""
        file, _, rest = message.partition(": ")
        self.problems.append(Problem(file, "file", rest or message, "warning"))

    @property
    def errors(self) -> list[Problem]:
        """The problems that stop the build."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """The problems the build works around."""
        return [p for p in self.problems if p.severity == "warning"]


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def text(value: Any) -> str:
    """A clean string from any JSON value: None, numbers and stray control characters handled."""
    if type(value) is str:  # nearly always: no isinstance checks, no regex when all printable
        return value.strip() if value.isprintable() else _CONTROL.sub("", value).strip()
    if value is None or isinstance(value, dict | list):
        return ""
    if isinstance(value, bool):
        return ""
    return _CONTROL.sub("", str(value)).strip()


def web_url(value: Any) -> str:
    """An http(s) URL, or "" for anything else (javascript:, data:, relative junk...)."""
    url = text(value)
    if _WEB_URL.match(url):
        return url
    if _WWW.match(url):
        return "https://" + url
    return ""


_WEB_URL = re.compile(r"^https?://[^\s/$.?#][^\s\"'<>`]*$", re.IGNORECASE)
_WWW = re.compile(r"^www\.[^\s\"'<>`]+$", re.IGNORECASE)


def pick_track_color(index: int) -> str:
    """A colour for a track the data gives none."""
    return TRACK_PALETTE[index % len(TRACK_PALETTE)]
