"""Every write of a build, and the commit that makes them the output without ever losing it.

A first build is written into a temporary folder beside the output and renamed onto it. A
rebuild over a previous build of ours writes only the files whose bytes changed into a staging
folder, then moves them into place under a journal: unchanged files are never rewritten or
deleted (on slow file systems, rewriting and deleting thousands of files dominated the build).
A journal left by a killed build is rolled back on the next run, so the previous site survives.
"""

from __future__ import annotations

import bisect
import contextlib
import hashlib
import json
import os
import posixpath
import queue
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from .errors import OutputError
from .listings import Listings

MARKER = ".eventsite"  # in every folder we built: the manifest of its files and their hashes
MARKER_TEXT = b"This folder was built by eventsite and is replaced on every build.\n"
_TMP = ".eventsite-tmp-"
_OLD = ".eventsite-old-"
_JOURNAL = ".eventsite-journal"
SWITCH_INTERVAL = 0.001  # seconds, while a writer thread runs
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)
_CREATE |= getattr(os, "O_CLOEXEC", 0)  # as open() makes it: not inherited by children


class Writer:
    """Writes files for a build; refuses escapes and second writes to one path."""

    def __init__(
        self,
        output: Path,
        previous: dict[str, tuple[str, int]] | None = None,
        durable: bool = True,
        listings: Listings | None = None,
    ) -> None:
        """`previous`: the output's manifest when the caller knows it (the preview does).
        `listings`: the lines of the last build's listings (the preview keeps them).

        `durable`: the commit journal reaches the disk before any file moves (fsync), so that
        even a power cut cannot leave a half-committed site. The preview's temporary folder
        needs no such care, and fsync made it wait for every byte just written.
        """
        self.output = output.resolve()
        self.durable = durable
        self.parent = self.output.parent
        recover(self.output)
        self.parent.mkdir(parents=True, exist_ok=True)
        # site path -> (sha256, size); read back and checked against the files when not given.
        self.previous = _trusted_manifest(self.output) if previous is None else previous
        self.root = Path(_mkdtemp(self.parent, f".{self.output.name}{_TMP}{os.getpid()}-"))
        self.hashes: dict[str, str] = {}  # site path -> sha256 of its bytes
        self.sizes: dict[str, int] = {}
        self.staged: set[str] = set()  # paths written into self.root
        self.listings = Listings() if listings is None else listings
        # The kept lines describe `previous` only when the build that made them committed; until
        # this one does, none are trusted (see Listings.basis).
        self._trusted = listings is not None and self.listings.basis is self.previous
        self.listings.basis = None
        self.fresh: set[str] = set()  # paths not kept from `previous`: written or adopted
        self._stager: _Stager | None = None
        self._sorted: list[str] | None = None  # sorted_paths(), once asked for
        self._late: list[str] = []  # paths written since
        self._entries: dict[str, tuple[str, int]] | None = None  # manifest(), once complete

    def write(self, path: str, data: bytes | str) -> None:
        """Write `data` at site-relative `path` (forward slashes).

        The bytes are hashed, compared with the previous build's and written in a background
        thread: `hashes` and `staged` are complete after flush().
        """
        clean = posixpath.normpath(path)
        if (
            clean.startswith(("/", "..")) or "\\" in path or "\x00" in path or clean == "."
        ) or clean in self.sizes:
            why = "written twice" if clean in self.sizes else "outside the output folder"
            raise OutputError(f"refusing to write {path!r}: {why}")
        if isinstance(data, str):
            data = data.encode("utf-8")
        self.sizes[clean] = len(data)
        self.fresh.add(clean)
        if self._sorted is not None:
            self._late.append(clean)
        if self._stager is None:
            # Started on the first write, after the build's process pools have forked.
            self._stager = _Stager(self)
        self._stager.put(clean, data)

    def keep(self, path: str, digest: str | None = None) -> bool:
        """Keep the previous build's file at `path` as it is; False when there is none (or its
        sha256 is not `digest`)."""
        entry = self.previous.get(path)
        if entry is None or path in self.sizes or path == MARKER:
            return False
        if digest is not None and digest != entry[0]:
            return False
        self.hashes[path], self.sizes[path] = entry
        if self._sorted is not None:
            self._late.append(path)
        return True

    def entries(self, paths: Iterable[str]) -> list[tuple[str, str, int, bool]]:
        """(path, sha256, size, staged) of files written or kept: to hand to another Writer."""
        self.flush()
        return [(p, self.hashes[p], self.sizes[p], p in self.staged) for p in paths]

    def adopt(self, entries: list[tuple[str, str, int, bool]]) -> None:
        """Take over files another process wrote into this build's folder (see entries())."""
        for path, digest, size, staged in entries:
            if path in self.sizes:
                raise OutputError(f"refusing to write {path!r}: written twice")
            self.hashes[path], self.sizes[path] = digest, size
            self.fresh.add(path)
            if self._sorted is not None:
                self._late.append(path)
            if staged:
                self.staged.add(path)

    def flush(self) -> None:
        """Wait until every file written so far is on disk; raise what writing one raised."""
        if self._stager is not None:
            stager, self._stager = self._stager, None
            stager.finish()

    def sorted_paths(self) -> list[str]:
        """Every path written or kept so far, sorted (not to be changed by the caller).

        Sorted once a build; paths written later are put in place.
        """
        if self._sorted is None:
            self._sorted = sorted(self.sizes)
        for path in self._late:
            bisect.insort(self._sorted, path)
        self._late = []
        return self._sorted

    def folder_hash(self) -> str:
        """Hash of every file written so far: sorted paths and their bytes' hashes."""
        self.flush()
        lines = self.listing("hash", self.sorted_paths(), self.hashes, _hash_line)
        return hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()

    def commit(self) -> None:
        """Make the written files the output; the previous site survives any failure before."""
        self.flush()
        if MARKER in self.hashes:
            raise OutputError(f"refusing to write {MARKER!r}: it is the build's own manifest")
        lines = self.listing("manifest", self.sorted_paths(), self.manifest(), _manifest_line)
        manifest = f'{{"eventsite": 1, "files": {{{", ".join(lines)}}}}}\n'
        (self.root / MARKER).write_bytes(MARKER_TEXT + manifest.encode())
        self.staged.add(MARKER)
        if self.previous:
            self._commit_changes()
        else:
            self._commit_whole()
        self.listings.basis = self.manifest()

    def listing(
        self,
        kind: str,
        paths: list[str],
        values: Mapping[str, Any],
        line: Callable[[str, Any], str],
    ) -> list[str]:
        """A listing of this build's files, a line each: Listings.lines(), told which are new."""
        return self.listings.lines(kind, paths, values, line, self.fresh if self._trusted else None)

    def _commit_whole(self) -> None:
        # Everything was written into self.root: it becomes the output in one rename.
        old = None
        if self.output.exists():
            old = Path(_mkdtemp(self.parent, f".{self.output.name}{_OLD}{os.getpid()}-"))
            os.rmdir(old)
            os.rename(self.output, old)
        try:
            os.rename(self.root, self.output)
        except OSError:
            if old is not None:
                os.rename(old, self.output)  # put the previous site back
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def _commit_changes(self) -> None:
        removed = sorted(set(self.previous) - set(self.hashes) - {MARKER})
        changed = sorted(self.staged - {MARKER})
        backup = Path(_mkdtemp(self.parent, f".{self.output.name}{_OLD}{os.getpid()}-"))
        journal = self.parent / f".{self.output.name}{_JOURNAL}"
        entry = {
            "stage": str(self.root),
            "backup": str(backup),
            "changed": [*changed, MARKER],  # the manifest moves last
            "added": [p for p in changed if p not in self.previous],
            "removed": removed,
        }
        _write_atomic(journal, json.dumps(entry).encode(), self.durable)
        try:
            for path in removed:
                _move(self.output / path, backup / path)
            for path in entry["changed"]:
                if path not in entry["added"] and (self.output / path).exists():
                    _move(self.output / path, backup / path)
                _move(self.root / path, self.output / path)
        except BaseException:
            _abort(self.output, entry, journal)
            raise
        journal.unlink()
        if self.durable:
            shutil.rmtree(backup, ignore_errors=True)
            shutil.rmtree(self.root, ignore_errors=True)
        else:
            # The preview: freeing the replaced files' blocks (tens of MB at thousands of
            # sessions, slow on file systems that discard) need not hold up its reload.
            threading.Thread(target=_remove, args=(backup, self.root), daemon=True).start()

    def manifest(self) -> dict[str, tuple[str, int]]:
        """After commit(): the output's files, as a later Writer's `previous`."""
        if self._entries is None or len(self._entries) != len(self.hashes):
            self._entries = {p: (h, self.sizes[p]) for p, h in self.hashes.items()}
        return self._entries

    def discard(self) -> None:
        """Remove the temporary folder after a failed build."""
        with contextlib.suppress(Exception):  # the build already failed; its files go
            self.flush()
        shutil.rmtree(self.root, ignore_errors=True)


def _hash_line(path: str, digest: str) -> str:
    return f"{path}\0{digest}\n"


def _manifest_line(path: str, entry: tuple[str, int]) -> str:
    # As json.dumps(sort_keys=True) writes a manifest entry (the manifest is read as JSON).
    return f'{json.encoder.encode_basestring_ascii(path)}: ["{entry[0]}", {entry[1]}]'


class _Stager(threading.Thread):
    """Hashes and creates files in a background thread, so rendering goes on meanwhile.

    Creating a file costs 0.1 to 0.4 ms of system time on the file systems measured, as much as
    rendering a page; hashing here too keeps the building thread from waiting for the GIL
    after each hash (measured: 160 us per page at 5,000 sessions). The queue is bounded, so
    pages waiting to be written never pile up.
    """

    # Small files travel in batches: a queue hand-off per file (and the thread switch it causes)
    # cost more than hashing a placeholder image or a small page.
    BATCH_FILES = 64
    BATCH_BYTES = 1 << 18

    def __init__(self, writer: Writer) -> None:
        super().__init__(name="eventsite-writer", daemon=True)
        self.writer = writer
        # At most 16 batches wait (about 4 MB of pages): a slow disk must not fill memory.
        self.queue: queue.Queue[list[tuple[str, bytes]] | None] = queue.Queue(maxsize=16)
        self.error: BaseException | None = None
        self.folders: set[str] = set()
        self.root = str(writer.root)
        self.batch: list[tuple[str, bytes]] = []
        self.batch_bytes = 0
        # Each file needs the GIL a few times; by default the building thread keeps it for up
        # to 5 ms each time, and the writer fell behind (measured: 20 ms waited at the end of
        # a preview rebuild of 1,000 sessions). Restored when the writer finishes.
        self.interval = sys.getswitchinterval()
        sys.setswitchinterval(min(self.interval, SWITCH_INTERVAL))
        self.start()

    def put(self, path: str, data: bytes) -> None:
        """Queue one file; a failure of an earlier one is raised here, as early as known."""
        if self.error is not None:
            self.finish()
        self.batch.append((path, data))
        self.batch_bytes += len(data)
        if len(self.batch) >= self.BATCH_FILES or self.batch_bytes >= self.BATCH_BYTES:
            self._send()

    def _send(self) -> None:
        if self.batch:
            self.queue.put(self.batch)
            self.batch, self.batch_bytes = [], 0

    def run(self) -> None:
        while (batch := self.queue.get()) is not None:
            for item in batch:
                if self.error is None:
                    try:
                        self._store(*item)
                    except BaseException as exc:  # raised in the building thread by finish()
                        self.error = exc

    def _store(self, path: str, data: bytes) -> None:
        writer = self.writer
        digest = hashlib.sha256(data).hexdigest()
        writer.hashes[path] = digest
        if writer.previous.get(path, ("",))[0] == digest and path != MARKER:
            return  # the output already holds these very bytes
        folder = posixpath.dirname(path)
        if folder not in self.folders:
            os.makedirs(os.path.join(self.root, folder), exist_ok=True)
            self.folders.add(folder)
        # os.open and os.write, not open(): a Python file object asks the kernel three more
        # things per file (fstat, isatty, lseek), 16,000 files at 5,000 sessions.
        fd = os.open(os.path.join(self.root, path), _CREATE, 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        writer.staged.add(path)

    def finish(self) -> None:
        """Write what is queued, stop, and raise the first error."""
        if self.is_alive():
            self._send()
            self.queue.put(None)
            self.join()
            sys.setswitchinterval(self.interval)
        if self.error is not None:
            raise self.error


def _remove(*folders: Path) -> None:
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


def _mkdtemp(parent: Path, prefix: str) -> str:
    return os.path.realpath(tempfile.mkdtemp(prefix=prefix, dir=parent))


def _move(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    os.replace(src, dst)


def _restore(src: Path, dst: Path) -> None:
    # Deliberately not _move: a rollback must not depend on what just failed.
    dst.parent.mkdir(parents=True, exist_ok=True)
    os.replace(src, dst)


def _write_atomic(path: Path, data: bytes, durable: bool = True) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        if durable:
            fh.flush()
            os.fsync(fh.fileno())
    os.replace(tmp, path)


def _trusted_manifest(output: Path) -> dict[str, tuple[str, int]]:
    """The previous build's {path: (sha256, size)}, for the files still as it wrote them.

    A file removed or resized since (edited by hand) is left out, so it is written again.
    Sizes are cheap to check, contents are not; a same-size edit by hand is not detected.
    """
    try:
        raw = (output / MARKER).read_bytes()
        files = json.loads(raw[len(MARKER_TEXT) :])["files"]
        trusted = {}
        for path, (digest, size) in files.items():
            try:
                if (output / path).stat().st_size == size:
                    trusted[path] = (digest, size)
            except OSError:
                continue
        return trusted
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def recover(output: Path) -> None:
    """Clean up after a killed build: roll back a half-made commit, drop stale temp folders."""
    parent = output.parent
    if not parent.is_dir():
        return
    journal = parent / f".{output.name}{_JOURNAL}"
    if journal.is_file():
        _roll_back(output, json.loads(journal.read_bytes()))
        journal.unlink()
    # A journal still being written when the build was killed: the commit had not begun.
    (parent / f".{output.name}{_JOURNAL}.tmp").unlink(missing_ok=True)
    for entry in sorted(parent.glob(f".{output.name}{_OLD}*")):
        if not output.exists() and (entry / MARKER).is_file():
            os.rename(entry, output)
        else:
            shutil.rmtree(entry, ignore_errors=True)
    for entry in parent.glob(f".{output.name}{_TMP}*"):
        shutil.rmtree(entry, ignore_errors=True)


def _abort(output: Path, entry: dict, journal: Path) -> None:
    """A commit failed in this process: undo it now rather than on the next run."""
    _roll_back(output, entry)
    journal.unlink()
    shutil.rmtree(Path(entry["backup"]), ignore_errors=True)


def _roll_back(output: Path, entry: dict) -> None:
    """Undo a commit that was interrupted: every moved file goes back where it was."""
    backup, stage, added = Path(entry["backup"]), Path(entry["stage"]), set(entry["added"])
    for path in entry["changed"]:
        if (backup / path).exists():
            _restore(backup / path, output / path)
        elif path in added and (output / path).exists() and not (stage / path).exists():
            (output / path).unlink()  # it was moved in before the build stopped
    for path in entry["removed"]:
        if (backup / path).exists():
            _restore(backup / path, output / path)


def check_output(output: Path, source: str | None, force: bool) -> None:
    """Refuse an output that would destroy something that is not a previous build of ours."""
    out = output.resolve()
    if source and not source.startswith(("http://", "https://")):
        src = Path(source).resolve()
        src_dir = src if src.is_dir() else src.parent
        if out == src_dir or (out.is_relative_to(src_dir) and src.is_dir()):
            raise OutputError(
                f"output {output} is inside the event source {source}",
                "Choose an output folder outside the data, e.g. -o _site.",
            )
        if src.is_relative_to(out):
            raise OutputError(
                f"output {output} contains the event source {source}",
                "Replacing the output would delete your data; choose another output folder.",
            )
    if out == Path.home().resolve() or out == Path(out.anchor) or out == Path.cwd().resolve():
        raise OutputError(f"refusing to replace {output}", "Choose a dedicated output folder.")
    if out.exists() and not out.is_dir():
        raise OutputError(f"output {output} is a file, not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file() and not force:
        raise OutputError(
            f"output {output} is not empty and was not built by eventsite",
            "Building would replace everything in it. Choose an empty or new folder, or add "
            "--force to replace it.",
        )
