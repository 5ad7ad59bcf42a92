"""The web manifest, its icons and the service worker (written last, named by the folder hash)."""

from __future__ import annotations

import io
import json
from importlib import resources

from .assets.images import Logo, initials
from .model import Event, readable_text_color
from .writer import Writer

ICON_SIZES = (192, 512)
# The app shell every visitor gets on install; everything else is cached as it is visited,
# or all at once with "Make the whole event available offline".
SHELL_PAGES = ("./", "index.html", "schedule.html", "offline.html", "manifest.webmanifest")
SHELL_FOLDERS = ("assets/css/", "assets/js/", "assets/icons/")
OFFLINE_IMAGE = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 96 96" width="96" height="96">'
    '<rect width="96" height="96" fill="#d0d4da"/><path d="M30 62l12-16 9 11 7-8 10 13z" '
    'fill="#8a929c"/></svg>\n'
)


def make_icon(size: int, color: str, logo: bytes | None, name: str, margin: float) -> bytes:
    """A square PNG icon: the logo centred within a safe margin, or the event's initials."""
    # Loaded only to draw: a warm build takes its icons from the build cache.
    from PIL import Image, ImageDraw, ImageFont

    canvas = Image.new("RGB", (size, size), color)
    inner = int(size * (1 - 2 * margin))
    placed = False
    if logo:
        try:
            with Image.open(io.BytesIO(logo)) as img:
                img.load()
                mark = img.convert("RGBA")
            mark.thumbnail((inner, inner), Image.Resampling.LANCZOS)
            canvas.paste(mark, ((size - mark.width) // 2, (size - mark.height) // 2), mark)
            placed = True
        except (OSError, ValueError, Image.DecompressionBombError):
            placed = False
    if not placed:
        draw = ImageDraw.Draw(canvas)
        font = ImageFont.load_default(size=int(inner * 0.5))
        draw.text(
            (size / 2, size / 2),
            initials(name),
            fill=readable_text_color(color),
            font=font,
            anchor="mm",
        )
    out = io.BytesIO()
    canvas.save(out, "PNG")
    return out.getvalue()


def icons(event: Event, color: str, logo: bytes | None) -> dict[str, bytes]:
    """The manifest icons: 192 and 512 px, and a maskable one with a wider safe zone."""
    files = {
        f"assets/icons/icon-{s}.png": make_icon(s, color, logo, event.name, 0.12)
        for s in ICON_SIZES
    }
    files["assets/icons/maskable-512.png"] = make_icon(512, color, logo, event.name, 0.22)
    return files


def manifest(event: Event, theme_color: str, background: str, description: str) -> str:
    """manifest.webmanifest: relative start_url and scope so the site works under any path."""
    short = event.name if len(event.name) <= 12 else initials(event.name)
    data = {
        "name": event.name,
        "short_name": short,
        "description": description,
        "start_url": "./",
        "scope": "./",
        "display": "standalone",
        "theme_color": theme_color,
        "background_color": background,
        "icons": [
            {"src": f"assets/icons/icon-{s}.png", "sizes": f"{s}x{s}", "type": "image/png"}
            for s in ICON_SIZES
        ]
        + [
            {
                "src": "assets/icons/maskable-512.png",
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            }
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def shell(sizes: dict[str, int], logo: Logo | None) -> list[str]:
    """The precache list: shell pages, styles, scripts, icons, the logo and the image fallback."""
    files = [p for p in sizes if p.startswith(SHELL_FOLDERS)]
    if logo is not None:
        files += [p for p in (logo.src, logo.src2x) if p]
    return [*SHELL_PAGES, *sorted(files), "assets/images/offline.svg"]


def offline_list(writer: Writer) -> str:
    """offline.json: every file written so far (but the worker and dotfiles), and their size."""
    sizes = writer.sizes
    paths = writer.sorted_paths()
    listed = [p for p in paths if not p.rpartition("/")[2].startswith(".") and p != "sw.js"]
    # Written out by hand, as json.dumps(separators=(",", ":")) would: twice as fast, and the
    # preview writes it on every save.
    lines = writer.listing("offline", listed, sizes, _offline_line)
    total = sum(map(sizes.__getitem__, listed))
    return f'{{"files":[{",".join(lines)}],"bytes":{total}}}\n'


def _offline_line(path: str, size: int) -> str:
    return f'{{"path":{json.encoder.encode_basestring_ascii(path)},"size":{size}}}'


def service_worker(folder_hash: str, precache: list[str]) -> str:
    """sw.js with this build's cache version and app-shell list."""
    template = resources.files("generator").joinpath("pwa_files/sw.js").read_text("utf-8")
    return template.replace("__FOLDER_HASH__", folder_hash[:16]).replace(
        "__PRECACHE__", json.dumps(sorted(precache))
    )
