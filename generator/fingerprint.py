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
from collections.abc import Callable, Hashable, Sequence
from dataclasses import fields, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2

from . import __version__
from .assets.images import ImageSet
from .config import Config
from .listings import Listings
from .model import Event, Session, Speaker
from .sources.memo import ReadMemo
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
    """Fingerprints of one build's pages and files, each computed once.

    With `memo` (the preview's, kept between builds) a session or speaker that is the very same
    object as last build's, with the same relations, gets last build's fingerprint without
    hashing it again: the reader hands out the same objects for records that did not change.
    """

    def __init__(
        self,
        setup: str,
        event: Event,
        images: ImageSet,
        extra: dict[str, Any],
        memo: dict[str, dict] | None = None,
    ) -> None:
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
        memo = {} if memo is None else memo
        self._before = {kind: memo.get(kind, {}) for kind in ("session", "speaker", "person")}
        self._now: dict[str, dict] = {kind: {} for kind in self._before}
        memo.clear()
        memo.update(self._now)  # what this build fingerprints is what the next may reuse
        self._whole = ""
        self._by_object: dict[int, tuple[Session, str]] = {}

    def _memo(self, kind: str, key: str, probe: tuple, parts: tuple) -> str:
        """digest(*parts), or last build's when its `probe` was equal.

        A probe is the parts with model objects replaced by their id(): model objects count
        as the same only when they are the very same object (equal aware datetimes may print
        apart), and comparing ids and plain values is one C-level tuple comparison. An id
        cannot be reused by another object meanwhile: the memo keeps last build's parts alive.
        """
        now = self._now[kind]
        found = now.get(key)
        if found is None:
            hit = self._before[kind].get(key)
            found = hit if hit is not None and hit[0] == probe else (probe, digest(*parts), parts)
            now[key] = found
        return found[1]

    def session(self, s: Session) -> str:
        """A session page (and the session's card and calendar entry)."""
        # Asked for up to seven times per session in a build: by object first, it is cheapest.
        found = self._by_object.get(id(s))
        if found is not None and found[0] is s:
            return found[1]
        by_id, photos = self.event.speakers_by_id, self.photos
        head = (self.base, self.uids.get(s.id), self.calendars.get(s.id))
        parts, probe = (*head, s), (*head, id(s))
        for i in s.speaker_ids:
            if i in by_id:
                sp, photo = by_id[i], photos.get(i)
                parts += (sp, photo)
                probe += (id(sp), photo)
        fp = self._memo("session", s.id, probe, parts)
        self._by_object[id(s)] = (s, fp)
        return fp

    def speaker(self, sp: Speaker) -> str:
        """A speaker page."""
        by_id, session = self.event.sessions_by_id, self.session
        talks = [session(by_id[i]) for i in sp.session_ids if i in by_id]
        photo = self.photos.get(sp.id)
        return self._memo(
            "speaker", sp.id, (self.base, id(sp), photo, *talks), (self.base, sp, photo, *talks)
        )

    def person(self, sp: Speaker) -> str:
        """A speaker as lists show them: the speaker and their photo (a speaker tile)."""
        photo = self.photos.get(sp.id)
        return self._memo("person", sp.id, (self.base, id(sp), photo), (self.base, sp, photo))

    def whole(self) -> str:
        """Everything: pages that list all sessions or speakers, calendars, exports."""
        if not self._whole:
            sessions, speakers = self.event.sessions, self.event.speakers
            self._whole = digest(
                self.base, [self.session(s) for s in sessions], [self.person(sp) for sp in speakers]
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
        # A damaged build cache costs renders, never the build: odd entries are dropped.
        self.record = {
            path: entry
            for path, entry in (record or {}).items()
            if isinstance(entry, list) and len(entry) == 2
        }
        self.written: dict[str, str] = {}  # this build: site path -> fingerprint
        self.live = live
        # The preview keeps its first build's calendar DTSTAMP: else every save, by changing the
        # data's modification time, would rewrite every calendar file.
        self.stamp: datetime | None = None
        self.environments: dict[str, jinja2.Environment] = {}  # setup digest -> environment
        self.reader = ReadMemo() if live else None  # records read last time, and what they made
        self.fingerprints: dict[str, dict] | None = {} if live else None
        self.manifest: dict[str, tuple[str, int]] | None = None  # the live output's files
        self.listings = Listings() if live else None  # their lines in the site's listings
        self._before: dict[Hashable, dict] = {}
        self._now: dict[Hashable, dict] = {}

    def begin(self) -> None:
        """Start a build: nothing written yet."""
        self.written = {}

    def keep(self, writer: Writer, paths: list[str], fp: str) -> bool:
        """Keep the previous files at `paths` when they were made from `fp`; else False."""
        if len(paths) == 1:
            return not self.keep_files(writer, paths, [fp])
        record, before = self.record, writer.previous
        for path in paths:
            entry, previous = record.get(path), before.get(path)
            if entry is None or previous is None or entry[0] != fp or entry[1] != previous[0]:
                return False
        for path in paths:
            writer.keep(path)
            self.written[path] = fp
        return True

    def keep_files(self, writer: Writer, paths: list[str], fps: list[str]) -> list[int]:
        """keep() of each path with its own fingerprint: the positions of those not kept."""
        # One loop for thousands of pages (a call per page cost 40 ms at 5,000 sessions).
        record, written, keep = self.record, self.written, writer.keep
        missed = []
        for i, path in enumerate(paths):
            entry, fp = record.get(path), fps[i]
            if entry is not None and entry[0] == fp and keep(path, entry[1]):
                written[path] = fp
            else:
                missed.append(i)
        return missed

    def write(self, writer: Writer, path: str, data: bytes) -> None:
        """writer.write(path, data); the preview keeps the file when the last build wrote these
        very bytes there (images: the same placeholder or logo object, made once per process)."""
        if self.live:
            # By identity: comparing the bytes would cost what writing them again costs.
            if self._before.get("objects", {}).get(path) is data and writer.keep(path):
                self._now.setdefault("objects", {})[path] = data
                return
            self._now.setdefault("objects", {})[path] = data
        writer.write(path, data)

    def made(self, paths: list[str], fp: str) -> None:
        """Note that `paths` were written from `fp` in this build."""
        for path in paths:
            self.written[path] = fp

    def fragment(
        self,
        store: Hashable,
        key: Any,
        make: Callable[[], Any],
        members: tuple[Hashable, Sequence[Any]] | None = None,
    ) -> Any:
        """A fragment (card HTML, calendar entry) made once per key, kept between builds.

        `members` (store, keys): the fragments a list is made of. A list taken whole from the
        last build uses none of them; they are kept for the next build all the same, or one
        edit in the list would render every other member again.
        """
        now = self._now.setdefault(store, {})
        value = now.get(key)
        if value is None:
            value = self._before.get(store, {}).get(key)
            if value is None:
                value = make()
            elif members is not None:
                kind, keys = members
                before = self._before.get(kind, {})
                # In C, as lists have thousands of members; one last build lacked (none should)
                # is carried as None, which reads as absent.
                self._now.setdefault(kind, {}).update(zip(keys, map(before.get, keys), strict=True))
            now[key] = value
        return value

    def finish(self, hashes: dict[str, str]) -> dict[str, list[str]]:
        """After a commit: the record of this build, for the next one."""
        self.record = {p: [fp, hashes[p]] for p, fp in self.written.items() if p in hashes}
        self.written = {}
        self._before, self._now = (self._now, {}) if self.live else ({}, {})
        return self.record
