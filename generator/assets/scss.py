"""Theme SCSS to CSS with libsass; plus the small per-event stylesheet (track colours, logo)."""

from __future__ import annotations

from pathlib import Path

from ..errors import ConfigError
from ..model import Event
from .images import Logo


def compile_theme(scss_dirs: list[Path]) -> str:
    """Compile `main.scss`; a child theme's `_variables.scss` (and partials) win.

    libsass resolves an @import beside the importing file before the include paths, so the
    child's variables are imported first; the parent's use `!default` and keep them.
    """
    import sass  # loaded only to compile: a warm build takes the CSS from the build cache

    if not any((folder / "main.scss").is_file() for folder in scss_dirs):
        raise ConfigError(
            f"theme has no scss/main.scss (looked in {', '.join(map(str, scss_dirs))})"
        )
    try:
        return sass.compile(
            string='@import "variables";\n@import "main";\n',
            include_paths=[str(p) for p in scss_dirs],
            output_style="compressed",
        )
    except sass.CompileError as exc:
        raise ConfigError("the theme's SCSS does not compile", str(exc)) from None


def event_css(event: Event, logo: Logo | None, track_class: object) -> str:
    """Track colours and the logo's computed padding, as classes (no inline styles: CSP)."""
    rules = []
    for track in event.tracks:
        cls = track_class(track)  # type: ignore[operator]
        rules.append(f".{cls}{{--track-bg:{track.color};--track-fg:{track.font_color}}}")
    if logo is not None:
        pad = f"{logo.padding:g}px"
        rules.append(f".brand-logo{{padding-top:{pad};padding-bottom:{pad}}}")
    return "\n".join(rules) + "\n"
