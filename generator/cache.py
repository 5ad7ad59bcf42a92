"""The build cache: work kept between builds (rendered rich text, resized images).

It lives outside the output folder (`.eventsite-cache/` beside it), is keyed by content hashes,
and is only ever an optimisation: a missing, stale or corrupt cache gives the same site, slower.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FOLDER = ".eventsite-cache"
_HASH = re.compile(r"[0-9a-f]{64}")  # a stored file's key: never a path


@dataclass(frozen=True)  # equal for one folder: the preview's per-process memos key on it
class BuildCache:
    """Named JSON stores and content-addressed files under one folder (None: no caching)."""

    folder: Path | None

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

    def product(
        self, key: str, make: Callable[[], tuple[dict[str, Any], dict[str, bytes]]]
    ) -> tuple[dict[str, Any], dict[str, bytes]]:
        """make() -> (facts, files), or what it gave before under `key`: a hash of all it reads.

        For what every build makes again from unchanged input (logos, app icons, the theme's
        CSS): a build that finds them here needs no image decoder or Sass compiler.
        """
        found = self._product(key)
        if found is not None:
            return found
        facts, files = make()
        index = {path: hashlib.sha256(data).hexdigest() for path, data in files.items()}
        for path, data in files.items():
            self.put_file(index[path], data)
        entry = {"facts": facts, "files": index}
        self.put_file(key, json.dumps(entry, sort_keys=True).encode("utf-8"))
        return facts, files

    def _product(self, key: str) -> tuple[dict[str, Any], dict[str, bytes]] | None:
        raw = self.get_file(key)
        try:
            entry = json.loads(raw) if raw is not None else None
            facts, index = entry["facts"], entry["files"]
            if not isinstance(facts, dict) or not all(map(_HASH.fullmatch, index.values())):
                return None
            files = {path: self.get_file(file_key) for path, file_key in index.items()}
        except (ValueError, TypeError, KeyError, AttributeError):
            return None  # damaged: made again
        if any(data is None for data in files.values()):
            return None
        return facts, files  # type: ignore[return-value]

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
