"""Find a theme, follow `extends`, and build its Jinja environment."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import jinja2

from .config import THEMES_DIR
from .errors import ConfigError


@dataclass(frozen=True)
class Theme:
    """A theme and its parents, most specific first."""

    name: str
    chain: tuple[Path, ...]  # theme folders, child first
    settings: dict  # merged theme.toml values, child wins

    @property
    def template_dirs(self) -> list[Path]:
        """Template folders, child first."""
        return [p / "templates" for p in self.chain if (p / "templates").is_dir()]

    @property
    def scss_dirs(self) -> list[Path]:
        """SCSS folders, child first (a child's file shadows its parent's)."""
        return [p / "scss" for p in self.chain if (p / "scss").is_dir()]

    @property
    def static_dirs(self) -> list[Path]:
        """Static folders, parent first, so a child's file overrides its parent's."""
        return [p / "static" for p in reversed(self.chain) if (p / "static").is_dir()]

    def setting(self, key: str, default: str = "") -> str:
        """A theme.toml value."""
        return str(self.settings.get(key, default))


def _find(name: str) -> Path:
    path = Path(name)
    if path.is_dir():
        return path.resolve()
    candidate = THEMES_DIR / name
    if candidate.is_dir() and (candidate / "theme.toml").is_file():
        return candidate
    known = sorted(p.name for p in THEMES_DIR.iterdir() if (p / "theme.toml").is_file())
    raise ConfigError(
        f"theme {name!r} not found",
        f"Use one of: {', '.join(known)}, or the path to a theme folder with a theme.toml.",
    )


def load_theme(name: str) -> Theme:
    """Load a theme by name or path, following `extends` (cycles refused)."""
    chain: list[Path] = []
    settings: dict = {}
    current: str | None = name
    while current:
        folder = _find(current)
        if folder in chain:
            raise ConfigError(f"theme {name!r}: `extends` goes round in a circle")
        chain.append(folder)
        toml_path = folder / "theme.toml"
        try:
            data = tomllib.loads(toml_path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{toml_path}: cannot read theme settings", str(exc)) from None
        for key, value in data.items():
            settings.setdefault(key, value)
        parent = data.get("extends")
        # A relative parent name is looked up beside the child first, then in themes/.
        if parent and (folder.parent / parent).is_dir():
            parent = str(folder.parent / parent)
        current = parent
    return Theme(name=Path(name).name, chain=tuple(chain), settings=settings)


def environment(theme: Theme) -> jinja2.Environment:
    """One Jinja environment per build: autoescape, StrictUndefined, compiled templates kept."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(p) for p in theme.template_dirs]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        cache_size=-1,
    )
