"""Errors meant for people: each carries a short message and, optionally, the details."""

from __future__ import annotations

from dataclasses import dataclass


class EventsiteError(Exception):
    """An expected failure: the build stops with this message and exit code 1."""

    exit_code = 1

    def __init__(self, message: str, details: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class InputError(EventsiteError):
    """The input cannot be read (missing file, invalid JSON, unreachable URL...)."""


class FetchError(InputError):
    """A URL could not be fetched; `reason` says why without repeating the URL."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"could not fetch {url}: {reason}")
        self.url = url
        self.reason = reason


class ConfigError(EventsiteError):
    """A flag or an `eventsite.toml` setting is wrong."""


class OutputError(EventsiteError):
    """The output folder cannot be written or is not ours to replace."""


@dataclass(frozen=True)
class Problem:
    """One problem in the data, with the file and the place in it."""

    file: str  # the input file, as the user knows it
    place: str  # e.g. "sessions[12] (id 3014) ends-at"
    message: str  # e.g. "ends before it starts (2017-03-18T09:00+08:00)"
    severity: str = "error"  # "error" stops the build; "warning" is logged

    def __str__(self) -> str:
        return f"{self.file}: {self.place}: {self.message}"


class DataError(EventsiteError):
    """The data holds problems that stop the build; all of them are listed."""

    def __init__(self, problems: list[Problem], what: str = "") -> None:
        n = len(problems)
        head = what or f"the event data has {n} problem{'s' if n != 1 else ''} that stop the build"
        super().__init__(head, "\n".join(str(p) for p in problems))
        self.problems = problems
