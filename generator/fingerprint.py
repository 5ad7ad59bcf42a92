"""Fingerprints: short hashes of everything an output is made from, so unchanged work is reused.

A session page shows its session, the session's speakers and photos, its track and room and the
event-wide parts (header, footer, navigation); a speaker page shows the speaker and their
sessions. Everything else (schedule, tracks, rooms, speakers, home, calendars, exports) is made
from the whole event. The fingerprints follow that: `base` covers the code, the theme, the
settings and every event-wide value; `session` and `speaker` add what their page shows; `whole`
covers all of it. Model objects are frozen dataclasses, so their repr() holds every field.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from dataclasses import fields, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2

from . import __version__
from .assets.images import ImageSet
from .config import Config
from .model import Event, Session, Speaker
from .theme import Theme
from .writer import Writer

_CODE = Path(__file__).resolve().parent


def digest(*parts: object) -> str:
    """A 128-bit hash of the repr of `parts`."""
    text = repr(parts).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(text, digest_size=16).hexdigest()


def files_digest(folders: list[Path], pattern: str = "*") -> str:
    """A hash of every file's path and bytes under `folders`."""
    h = hashlib.blake2b(digest_size=16)
    for folder in folders:
        for path in sorted(p for p in folder.rglob(pattern) if p.is_file()):
            h.update(str(path.relative_to(folder)).encode("utf-8", "surrogatepass") + b"\0")
            h.update(path.read_bytes() + b"\0")
    return h.hexdigest()


@functools.cache
def _code_digest() -> str:
    """The generator's own code: read once per process (a running process keeps its code)."""
    return files_digest([_CODE], "*.py")


def setup_digest(config: Config, theme: Theme) -> str:
    """What every output depends on besides the data: code, theme files and settings."""
    # Where the site is written and how strictly warnings are taken change no byte of it.
    settings = replace(config, output=Path("."), force=False, strict=False)
    return digest(
        __version__,
        _code_digest(),
        files_digest(list(theme.chain)),
        settings,
        theme.settings,
    )


class Fingerprints:
    """Fingerprints of one build's pages and files, each computed once."""

    def __init__(self, setup: str, event: Event, images: ImageSet, extra: dict[str, Any]) -> None:
        self.event = event
        self.photos = images.photos
        self.uids: dict[str, str] = extra["uids"]
        self.calendars: dict[str, str] = extra["calendars"][2]
        event_wide = [
            (f.name, getattr(event, f.name))
            for f in fields(event)
            if f.name not in ("sessions", "speakers")
        ]
        featured = [(sp, self.photos.get(sp.id)) for sp in event.speakers if sp.featured]
        logos = sorted(images.sponsor_logos.items())
        self.base = digest(setup, event_wide, featured, images.logo, logos)
        self._sessions: dict[str, str] = {}
        self._whole = ""

    def session(self, s: Session) -> str:
        """A session page (and the session's card and calendar entry)."""
        fp = self._sessions.get(s.id)
        if fp is None:
            by_id = self.event.speakers_by_id
            people = [(by_id[i], self.photos.get(i)) for i in s.speaker_ids if i in by_id]
            fp = digest(self.base, s, people, self.uids.get(s.id), self.calendars.get(s.id))
            self._sessions[s.id] = fp
        return fp

    def speaker(self, sp: Speaker) -> str:
        """A speaker page."""
        by_id = self.event.sessions_by_id
        talks = [self.session(by_id[i]) for i in sp.session_ids if i in by_id]
        return digest(self.base, sp, self.photos.get(sp.id), talks)

    def whole(self) -> str:
        """Everything: pages that list all sessions or speakers, calendars, exports."""
        if not self._whole:
            self._whole = digest(
                self.base,
                [self.session(s) for s in self.event.sessions],
                [(sp, self.photos.get(sp.id)) for sp in self.event.speakers],
            )
        return self._whole


class Reuse:
    """What earlier builds made and from what: outputs to keep, session cards, calendar entries.

    `record` maps each site path to [fingerprint, sha256 of the bytes written]; a file is kept
    only when both still match, so a record that outlived its output (a build killed between
    commit and saving the record) costs a re-render, never a wrong page. A command-line build
    reads the record from the build cache; the preview keeps one `live` Reuse across rebuilds,
    with the fragments (session cards, calendar entries) of the last build. Fragments are keyed
    by fingerprints, so they are right whichever build made them; those not used by the last
    successful build are dropped.
    """

    def __init__(self, record: dict[str, list[str]] | None = None, live: bool = False) -> None:
        self.record = record or {}
        self.written: dict[str, str] = {}  # this build: site path -> fingerprint
        self.live = live
        # The preview keeps its first build's calendar DTSTAMP: else every save, by changing the
        # data's modification time, would rewrite every calendar file.
        self.stamp: datetime | None = None
        self.environments: dict[str, jinja2.Environment] = {}  # setup digest -> environment
        self._before: dict[str, dict] = {}
        self._now: dict[str, dict] = {}

    def begin(self) -> None:
        """Start a build: nothing written yet."""
        self.written = {}

    def keep(self, writer: Writer, paths: list[str], fp: str) -> bool:
        """Keep the previous files at `paths` when they were made from `fp`; else False."""
        for path in paths:
            entry, previous = self.record.get(path), writer.previous.get(path)
            if not entry or not previous or entry != [fp, previous[0]]:
                return False
        for path in paths:
            writer.keep(path)
            self.written[path] = fp
        return True

    def made(self, paths: list[str], fp: str) -> None:
        """Note that `paths` were written from `fp` in this build."""
        for path in paths:
            self.written[path] = fp

    def fragment(self, store: str, key: Any, make: Callable[[], Any]) -> Any:
        """A fragment (card HTML, calendar entry) made once per key, kept between builds."""
        now = self._now.setdefault(store, {})
        value = now.get(key)
        if value is None:
            value = self._before.get(store, {}).get(key)
            if value is None:
                value = make()
            now[key] = value
        return value

    def finish(self, hashes: dict[str, str]) -> dict[str, list[str]]:
        """After a commit: the record of this build, for the next one."""
        self.record = {p: [fp, hashes[p]] for p, fp in self.written.items() if p in hashes}
        self.written = {}
        self._before, self._now = (self._now, {}) if self.live else ({}, {})
        return self.record
