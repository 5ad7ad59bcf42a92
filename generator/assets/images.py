"""Images for the site: the event logo, speaker photos (or placeholders) and sponsor logos."""

from __future__ import annotations

import functools
import hashlib
import html
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, TypeVar
from urllib.parse import urljoin

from generator.cache import BuildCache
from generator.errors import FetchError, InputError
from generator.model import Event, Speaker, Sponsor, safe_id, unique_name
from generator.parallel import fork_map, workers_for

FOLDER = "assets/images"
MAX_PIXELS = 40_000_000  # larger images are refused before they are decoded
MAX_BYTES = 20_000_000
LOGO_BOX = (110, 45)
SPONSOR_BOX = (200, 100)
PHOTO_SIZE = 96
# Formats people put on the web; limiting Pillow to these keeps exotic decoders off untrusted data.
FORMATS = ("JPEG", "PNG", "GIF", "WEBP", "AVIF", "BMP", "TIFF")  # JPEG covers MPO
# Placeholder backgrounds; every one carries white text at a contrast of at least 4.5:1.
PALETTE = (
    "#b42318",  # red
    "#b54708",  # orange
    "#027a48",  # green
    "#0e7490",  # teal
    "#1d4ed8",  # blue
    "#6d28d9",  # violet
    "#be185d",  # pink
    "#475467",  # slate
)
T = TypeVar("T")


@dataclass(frozen=True)
class Picture:
    """An image as the templates use it: paths and the CSS box."""

    src: str  # site-relative path, e.g. "assets/images/speakers/12-96.jpg"
    src2x: str | None  # the 2x image for srcset, or None
    width: int  # CSS box width in px
    height: int  # CSS box height in px
    placeholder: bool = False


@dataclass(frozen=True)
class Logo(Picture):
    """The event logo, with the navbar padding that centres it in a 45 px high bar."""

    padding: float = 5.0  # vertical padding of the navbar link in px


@dataclass
class ImageSet:
    """Everything process_images produced: files to write and what the templates show."""

    files: dict[str, bytes]  # site-relative path -> bytes to write
    logo: Logo | None  # None: show the event name as text
    photos: dict[str, Picture]  # speaker id -> photo (a placeholder when missing or broken)
    sponsor_logos: dict[str, Picture | None]  # sponsor id -> logo, None when none is usable
    logo_source: bytes | None = None  # the logo as read, for icons made at another size


class _Unusable(Exception):
    """An image reference that cannot be used; the text completes "photo <ref> ..."."""


def fit_logo(width: int, height: int) -> tuple[int, int, float]:
    """The 110x45 rule: the box for a width x height logo and its navbar padding."""
    if width < 1 or height < 1:
        raise ValueError(f"an image of {width}x{height} pixels has no size")
    max_w, max_h = LOGO_BOX
    box_w, box_h = max(1, max_h * width // height), max_h
    if box_w > max_w:
        box_w, box_h = max_w, max(1, max_w * height // width)
    padding = 5 + (max_h - box_h) / 2 if box_h < max_h else 5.0
    return box_w, box_h, padding


def _fit_within(width: int, height: int, max_w: int, max_h: int) -> tuple[int, int]:
    """The largest box of the same shape within max_w x max_h, never larger than the image."""
    if width <= max_w and height <= max_h:
        return width, height
    if width * max_h >= height * max_w:
        return max_w, max(1, max_w * height // width)
    return max(1, max_h * width // height), max_h


def initials(name: str) -> str:
    """Up to two capital letters for a name ("Ada Lovelace" -> "AL"), "?" when it has none."""
    firsts = [next(c for c in word if c.isalnum()) for word in name.split() if _has_alnum(word)]
    picked = firsts[:1] + firsts[1:][-1:]
    letters = "".join(c.upper() if len(c.upper()) == 1 else c for c in picked)
    return letters or "?"


def _has_alnum(word: str) -> bool:
    return any(c.isalnum() for c in word)


def placeholder_color(name: str) -> str:
    """A background colour from the palette, the same for a name on every build."""
    # sha256, not hash(): str hashes change from one Python process to the next.
    return PALETTE[hashlib.sha256(name.encode("utf-8")).digest()[0] % len(PALETTE)]


def placeholder_svg(letters: str, color: str) -> bytes:
    """A 96x96 SVG with the letters in white on the colour."""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 96 96" width="96" height="96">'
        f'<rect width="96" height="96" fill="{html.escape(color, quote=False)}"/>'
        '<text x="48" y="48" dy=".35em" text-anchor="middle" fill="#ffffff"'
        " font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif\""
        f' font-size="40" font-weight="600">{html.escape(letters, quote=False)}</text></svg>\n'
    ).encode()


# ---- reading untrusted bytes ----------------------------------------------------------------


def _svg_text(data: bytes) -> str | None:
    """The SVG source when the bytes are an SVG file, else None."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<svg") or (head.startswith((b"<?xml", b"<!")) and b"<svg" in data):
        return data.decode("utf-8-sig", errors="replace")
    return None


_SVG_ROOT = re.compile(r"<svg\b[^>]*>", re.IGNORECASE)
_SVG_ACTIVE = re.compile(r"<script|\son[a-z]+\s*=|javascript:", re.IGNORECASE)
_SVG_LENGTH = re.compile(r"\s*([0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)\s*(?:px)?\s*")


def _svg_attr(tag: str, name: str) -> str | None:
    match = re.search(rf'(?<![\w:-]){name}\s*=\s*(["\'])(.*?)\1', tag, re.IGNORECASE | re.DOTALL)
    return match.group(2) if match else None


def _svg_size(text: str) -> tuple[float, float]:
    """Width and height from the root's viewBox, else from its width/height in pixels."""
    if _SVG_ACTIVE.search(text):
        raise _Unusable("contains scripts or event handlers, which a logo may not have")
    root = _SVG_ROOT.search(text)
    if not root:
        raise _Unusable("is not a valid SVG file (no <svg> element)")
    box = (_svg_attr(root.group(0), "viewBox") or "").replace(",", " ").split()
    try:
        if len(box) == 4 and float(box[2]) > 0 and float(box[3]) > 0:
            return float(box[2]), float(box[3])
    except ValueError:
        pass  # a broken viewBox: try width and height instead
    lengths = []
    for name in ("width", "height"):
        match = _SVG_LENGTH.fullmatch(_svg_attr(root.group(0), name) or "")
        if not match or float(match.group(1)) <= 0:
            raise _Unusable("has neither a viewBox nor a width and height in pixels")
        lengths.append(float(match.group(1)))
    return lengths[0], lengths[1]


def _svg_box(text: str, fit: Callable[[int, int], T]) -> T:
    """`fit` applied to the SVG's size; scaled up first so fractional boxes keep their shape."""
    width, height = _svg_size(text)
    scale = 10_000 / max(width, height)
    return fit(max(1, round(width * scale)), max(1, round(height * scale)))


# ---- the three kinds of image ----------------------------------------------------------------


def _event_logo(data: bytes, files: dict[str, bytes], cache: BuildCache | None) -> Logo:
    logo, made = _event_logo_files(data, cache)
    files.update(made)
    return logo


# Logos are decoded and resized once per content: kept in the build cache (a warm build then
# needs no decoder: 25 ms) and once per process (the preview: 5 ms of each rebuild).
@functools.lru_cache(maxsize=8)
def _event_logo_files(data: bytes, cache: BuildCache | None) -> tuple[Logo, dict[str, bytes]]:
    facts, files = _made(cache, data, "", lambda made: asdict(_make_event_logo(data, made)))
    return Logo(**facts), files


@functools.lru_cache(maxsize=256)
def _sponsor_logo_files(
    data: bytes, stem: str, cache: BuildCache | None
) -> tuple[Picture, dict[str, bytes]]:
    make = functools.partial(_make_sponsor_logo, data, stem)
    facts, files = _made(cache, data, stem, lambda made: asdict(make(made)))
    return Picture(**facts), files


def _made(
    cache: BuildCache | None,
    data: bytes,
    stem: str,
    make: Callable[[dict[str, bytes]], dict[str, Any]],
) -> tuple[dict[str, Any], dict[str, bytes]]:
    """make(files) -> the picture's fields, and the files it added; from the cache if there."""

    def made() -> tuple[dict[str, Any], dict[str, bytes]]:
        files: dict[str, bytes] = {}
        return make(files), files

    if cache is None:
        return made()
    key = hashlib.sha256(b"\0".join([LOGO_VERSION, stem.encode(), data])).hexdigest()
    return cache.product(key, made)


def _make_event_logo(data: bytes, files: dict[str, bytes]) -> Logo:
    svg = _svg_text(data)
    if svg is not None:
        width, height, padding = _svg_box(svg, fit_logo)
        files[f"{FOLDER}/logo.svg"] = data
        return Logo(f"{FOLDER}/logo.svg", None, width, height, padding=padding)
    from . import raster  # Pillow is loaded only to decode: a warm build never does

    img, width, height = raster.opened(data)
    box_w, box_h, padding = fit_logo(width, height)
    ext, one, two = raster.pair(img, (box_w, box_h), quality=85)
    stem = f"{FOLDER}/logo-{box_w}x{box_h}"
    return Logo(*_store(files, stem, ext, one, two), box_w, box_h, padding=padding)


def _sponsor_logo(
    data: bytes, stem: str, files: dict[str, bytes], cache: BuildCache | None
) -> Picture:
    picture, made = _sponsor_logo_files(data, stem, cache)
    files.update(made)
    return picture


def _make_sponsor_logo(data: bytes, stem: str, files: dict[str, bytes]) -> Picture:
    stem = f"{FOLDER}/sponsors/{stem}"
    svg = _svg_text(data)
    if svg is not None:
        # A vector scales without loss, so it may fill the box even when its own size is small.
        width, height = _svg_box(svg, lambda w, h: _fit_within(w, h, *SPONSOR_BOX))
        files[f"{stem}.svg"] = data
        return Picture(f"{stem}.svg", None, width, height)
    from . import raster

    img, width, height = raster.opened(data)
    box = _fit_within(width, height, *SPONSOR_BOX)
    ext, one, two = raster.pair(img, box, quality=85)
    return Picture(*_store(files, f"{stem}-{box[0]}x{box[1]}", ext, one, two), *box)


def _store(
    files: dict[str, bytes], stem: str, ext: str, one: bytes, two: bytes | None
) -> tuple[str, str | None]:
    files[f"{stem}.{ext}"] = one
    if two is None:
        return f"{stem}.{ext}", None
    files[f"{stem}@2x.{ext}"] = two
    return f"{stem}.{ext}", f"{stem}@2x.{ext}"


_Thumbs = tuple[bytes, bytes | None]


def _photo_pair(data: bytes) -> _Thumbs:
    """Square, centre-cropped JPEGs of 96 and 192 px (None when the photo is too small)."""
    from . import raster

    return raster.photo_pair(data)


# Part of every cached thumbnail's and logo's key: change it when their output changes.
PHOTO_VERSION = b"photo-1"
LOGO_VERSION = b"logo-1"
_photo_job: list[bytes] = []  # what forked workers decode


def _photo_at(index: int) -> _Thumbs | _Unusable:
    try:
        return _photo_pair(_photo_job[index])
    except _Unusable as exc:
        return exc


def _photo_thumbs(
    refs: list[str], sources: _Sources, cache: BuildCache | None
) -> dict[str, _Thumbs | _Unusable]:
    """Thumbnails for every photo: from the cache, else decoded on all cores."""
    global _photo_job
    thumbs: dict[str, _Thumbs | _Unusable] = {}
    todo: list[tuple[str, str]] = []  # (ref, cache key), in the order of _photo_job
    data_list: list[bytes] = []
    for ref in refs:
        try:
            data = sources.read(ref)
        except _Unusable as exc:
            thumbs[ref] = exc
            continue
        key = hashlib.sha256(PHOTO_VERSION + data).hexdigest()
        small = cache.get_file(key + "-96") if cache else None
        if small is not None:
            large = cache.get_file(key + "-192") if cache else None
            thumbs[ref] = (small, large or None)
            continue
        todo.append((ref, key))
        data_list.append(data)
    workers = workers_for(len(todo), 16)
    if todo:
        from . import raster  # noqa: F401  (loaded once, before any worker forks)
    _photo_job = data_list
    try:
        if workers > 1:
            results = list(fork_map(_photo_at, range(len(todo)), workers, chunksize=8))
        else:
            results = [_photo_at(i) for i in range(len(todo))]
    finally:
        _photo_job = []
    for (ref, key), result in zip(todo, results, strict=True):
        thumbs[ref] = result
        if cache and not isinstance(result, _Unusable):
            cache.put_file(key + "-96", result[0])
            cache.put_file(key + "-192", result[1] or b"")  # empty: no 2x for this photo
    return thumbs


def _placeholder(name: str, files: dict[str, bytes]) -> Picture:
    picture, svg = _placeholder_file(name)
    files[picture.src] = svg
    return picture


@functools.lru_cache(maxsize=16384)
def _placeholder_file(name: str) -> tuple[Picture, bytes]:
    """The placeholder and its SVG: worked out once per name in a process (the preview)."""
    letters, color = initials(name), placeholder_color(name)
    label = letters.lower() if letters.isascii() and letters.isalnum() else letters.encode().hex()
    path = f"{FOLDER}/placeholders/{label}-{color.lstrip('#')}.svg"
    return Picture(path, None, PHOTO_SIZE, PHOTO_SIZE, placeholder=True), placeholder_svg(
        letters, color
    )


# ---- the whole event -------------------------------------------------------------------------


def _is_remote(ref: str) -> bool:
    return ref.lower().startswith(("http://", "https://"))


class _Sources:
    """Bytes for image references: local ones read on demand, remote ones fetched up front."""

    def __init__(
        self,
        refs: list[str],
        read_local: Callable[[str], bytes],
        allow_remote: bool,
        timeout: float,
        base_url: str = "",
    ) -> None:
        self.read_local = read_local
        self.allow_remote = allow_remote
        self.urls = {
            ref: ref if _is_remote(ref) else urljoin(base_url, ref.lstrip("/"))
            for ref in refs
            if _is_remote(ref) or base_url
        }
        self.fetched: dict[str, bytes | InputError] = {}
        if self.urls and allow_remote:
            # Loaded only here: the network modules are a tenth of a build's start-up.
            from generator.fetch import fetch_many

            fetched = fetch_many(
                sorted(set(self.urls.values())),
                timeout=timeout,
                max_bytes=MAX_BYTES,
                accept="image/*",
            )
            self.fetched = {ref: fetched[url] for ref, url in self.urls.items()}
        self.skipped = sum(1 for ref in refs if _is_remote(ref)) if not allow_remote else 0

    def skip(self, ref: str) -> bool:
        """Whether the reference is remote and --no-remote is on: use no image, silently."""
        return _is_remote(ref) and not self.allow_remote

    def read(self, ref: str) -> bytes:
        """The bytes of a reference, or _Unusable saying why not."""
        if ref in self.fetched:
            result = self.fetched[ref]
            if isinstance(result, FetchError):
                raise _Unusable(f"could not be fetched ({result.reason})")
            if isinstance(result, InputError):
                raise _Unusable(f"could not be fetched ({result.message})")
            return result
        try:
            return self.read_local(ref)
        except FileNotFoundError:
            raise _Unusable("not found") from None
        except FetchError as exc:  # an event read from a URL fetches its "local" images too
            raise _Unusable(f"could not be fetched ({exc.reason})") from None
        except InputError as exc:
            # "x.jpg not found" reads well after "photo x.jpg"; other messages go in brackets.
            if exc.message.startswith(f"{ref} "):
                raise _Unusable(exc.message.removeprefix(ref).strip()) from None
            raise _Unusable(f"could not be read ({exc.message})") from None
        except OSError as exc:
            raise _Unusable(f"could not be read ({exc.strerror or exc})") from None


def _attempt(sources: _Sources, ref: str, make: Callable[[bytes], T]) -> T | _Unusable:
    try:
        return make(sources.read(ref))
    except _Unusable as exc:
        return exc


def process_images(
    event: Event,
    read_local: Callable[[str], bytes],
    warn: Callable[[str], None],
    *,
    allow_remote: bool = True,
    timeout: float = 5.0,
    base_url: str = "",
    cache: BuildCache | None = None,
) -> ImageSet:
    """Logo, photos and sponsor logos of an event, resized; warnings for what cannot be used.

    `base_url`: for data read from a URL, relative image paths are fetched from there, all at
    once like the other remote images, instead of one by one through `read_local`.
    `cache`: thumbnails made by earlier builds, by the hash of the photo's bytes.
    """
    logo_ref = event.logo.strip()
    refs = [logo_ref, *(s.photo.strip() for s in event.speakers)]
    refs = [r for r in [*refs, *(s.logo.strip() for s in event.sponsors)] if r]
    sources = _Sources(refs, read_local, allow_remote, timeout, base_url)
    if sources.skipped:
        n = sources.skipped
        warn(f"--no-remote: {n} remote image{'s' if n != 1 else ''} replaced by placeholders")
    out = ImageSet(files={}, logo=None, photos={}, sponsor_logos={})

    def make_logo(data: bytes) -> Logo:
        logo = _event_logo(data, out.files, cache)
        out.logo_source = data
        return logo

    if logo_ref and not sources.skip(logo_ref):
        result = _attempt(sources, logo_ref, make_logo)
        if isinstance(result, _Unusable):
            warn(f"event logo {logo_ref} {result}; showing the event name instead")
        else:
            out.logo = result

    photo_refs = {s.photo.strip() for s in event.speakers}
    photo_refs = sorted(r for r in photo_refs if r and not sources.skip(r))
    thumbs = _photo_thumbs(photo_refs, sources, cache)  # each reference is decoded once
    taken: set[str] = set()
    for speaker in event.speakers:
        out.photos[speaker.id] = _speaker_photo(speaker, sources, thumbs, taken, out.files, warn)

    taken.clear()
    for sponsor in event.sponsors:
        out.sponsor_logos[sponsor.id] = _sponsor(sponsor, sources, taken, out.files, warn, cache)
    return out


def _speaker_photo(
    speaker: Speaker,
    sources: _Sources,
    thumbs: dict[str, _Thumbs | _Unusable],
    taken: set[str],
    files: dict[str, bytes],
    warn: Callable[[str], None],
) -> Picture:
    ref = speaker.photo.strip()
    if not ref or sources.skip(ref):
        return _placeholder(speaker.name, files)
    if ref not in thumbs:
        thumbs[ref] = _attempt(sources, ref, _photo_pair)
    result = thumbs[ref]
    if isinstance(result, _Unusable):
        who = f"speaker '{speaker.name}' (id {speaker.id})"
        warn(f"{who}: photo {ref} {result}; using a placeholder")
        return _placeholder(speaker.name, files)
    small, large = result
    stem = f"{FOLDER}/speakers/{unique_name(safe_id(speaker.id), taken)}"
    files[f"{stem}-96.jpg"] = small
    if large is not None:
        files[f"{stem}-192.jpg"] = large
    src2x = None if large is None else f"{stem}-192.jpg"
    return Picture(f"{stem}-96.jpg", src2x, PHOTO_SIZE, PHOTO_SIZE)


def _sponsor(
    sponsor: Sponsor,
    sources: _Sources,
    taken: set[str],
    files: dict[str, bytes],
    warn: Callable[[str], None],
    cache: BuildCache | None,
) -> Picture | None:
    ref = sponsor.logo.strip()
    if not ref or sources.skip(ref):
        return None
    stem = unique_name(safe_id(sponsor.id), taken)
    result = _attempt(sources, ref, lambda data: _sponsor_logo(data, stem, files, cache))
    if isinstance(result, _Unusable):
        who = f"sponsor '{sponsor.name}' (id {sponsor.id})"
        warn(f"{who}: logo {ref} {result}; showing the name instead")
        return None
    return result
