"""The build cache: work kept between builds (rendered rich text, resized images).

It lives outside the output folder (`.eventsite-cache/` beside it), is keyed by content hashes,
and is only ever an optimisation: a missing, stale or corrupt cache gives the same site, slower.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

FOLDER = ".eventsite-cache"


class BuildCache:
    """Named JSON stores and content-addressed files under one folder (None: no caching)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    @classmethod
    def beside(cls, output: Path) -> BuildCache:
        """The cache for an output folder: `.eventsite-cache/` next to it."""
        return cls(output.resolve().parent / FOLDER)

    def load(self, name: str) -> dict[str, str]:
        """A JSON store; empty when missing or unreadable."""
        if self.folder is None:
            return {}
        try:
            data = json.loads((self.folder / f"{name}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def save(self, name: str, data: dict[str, str]) -> None:
        """Replace a JSON store atomically; a cache that cannot be written is skipped."""
        if self.folder is None:
            return
        self._write(f"{name}.json", json.dumps(data, ensure_ascii=False).encode("utf-8"))

    def get_file(self, key: str) -> bytes | None:
        """A content-addressed file, or None."""
        if self.folder is None:
            return None
        try:
            return (self.folder / "files" / key[:2] / key).read_bytes()
        except OSError:
            return None

    def put_file(self, key: str, data: bytes) -> None:
        """Keep a content-addressed file."""
        if self.folder is not None:
            self._write(f"files/{key[:2]}/{key}", data)

    def _write(self, rel: str, data: bytes) -> None:
        assert self.folder is not None
        target = self.folder / rel
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, target)
        except OSError:
            pass  # a read-only or full disk only costs speed
