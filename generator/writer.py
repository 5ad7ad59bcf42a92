"""Every write of a build: into a temporary folder, then one atomic swap onto the output."""

from __future__ import annotations

import hashlib
import os
import posixpath
import shutil
from pathlib import Path

from .errors import OutputError

MARKER = ".eventsite"  # present in every folder we built; lets us replace it safely
MARKER_TEXT = b"This folder was built by eventsite and is replaced on every build.\n"
_TMP = ".eventsite-tmp-"
_OLD = ".eventsite-old-"


class Writer:
    """Writes files under a temporary folder; refuses escapes and second writes to one path."""

    def __init__(self, output: Path) -> None:
        self.output = output.resolve()
        self.parent = self.output.parent
        recover(self.output)
        self.parent.mkdir(parents=True, exist_ok=True)
        self.root = Path(
            os.path.realpath(_mkdtemp(self.parent, f".{self.output.name}{_TMP}{os.getpid()}-"))
        )
        self.hashes: dict[str, str] = {}  # site path -> sha256 of its bytes
        self.sizes: dict[str, int] = {}

    def write(self, path: str, data: bytes | str) -> None:
        """Write `data` at site-relative `path` (forward slashes)."""
        clean = posixpath.normpath(path)
        if (
            clean.startswith(("/", "..")) or "\\" in path or "\x00" in path or clean == "."
        ) or clean in self.hashes:
            why = "written twice" if clean in self.hashes else "outside the output folder"
            raise OutputError(f"refusing to write {path!r}: {why}")
        if isinstance(data, str):
            data = data.encode("utf-8")
        target = self.root / clean
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.hashes[clean] = hashlib.sha256(data).hexdigest()
        self.sizes[clean] = len(data)

    def folder_hash(self) -> str:
        """Hash of every file written so far: sorted paths and their bytes' hashes."""
        digest = hashlib.sha256()
        for path in sorted(self.hashes):
            digest.update(path.encode("utf-8") + b"\0" + self.hashes[path].encode() + b"\n")
        return digest.hexdigest()

    def commit(self) -> None:
        """Swap the finished folder onto the output; the previous site is removed only then."""
        if MARKER not in self.hashes:
            self.write(MARKER, MARKER_TEXT)
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

    def discard(self) -> None:
        """Remove the temporary folder after a failed build."""
        shutil.rmtree(self.root, ignore_errors=True)


def _mkdtemp(parent: Path, prefix: str) -> str:
    import tempfile

    return tempfile.mkdtemp(prefix=prefix, dir=parent)


def recover(output: Path) -> None:
    """Clean up after a killed build: restore a site caught mid-swap, drop stale temp folders."""
    parent = output.parent
    if not parent.is_dir():
        return
    for entry in sorted(parent.glob(f".{output.name}{_OLD}*")):
        if not output.exists() and (entry / MARKER).is_file():
            os.rename(entry, output)
        else:
            shutil.rmtree(entry, ignore_errors=True)
    for entry in parent.glob(f".{output.name}{_TMP}*"):
        shutil.rmtree(entry, ignore_errors=True)


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
