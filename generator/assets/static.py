"""Copy a theme's static files (parents first, so a child's file wins)."""

from __future__ import annotations

from pathlib import Path


def collect(static_dirs: list[Path]) -> dict[str, Path]:
    """Site path ("assets/js/site.js") -> source file, the most specific theme winning."""
    files: dict[str, Path] = {}
    for folder in static_dirs:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                files["assets/" + path.relative_to(folder).as_posix()] = path
    return files
