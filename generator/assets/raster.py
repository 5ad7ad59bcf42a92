"""Decoding untrusted raster images and encoding the site's: everything that needs Pillow.

Imported only when an image has to be decoded: a build that finds every image in its cache
never loads Pillow (12 ms of a warm build).
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from PIL import Image, ImageOps

from . import images
from .images import _Unusable

try:
    from PIL import ImageCms
except ImportError:  # Pillow built without littlecms: colours are used as they are
    ImageCms = None  # type: ignore[assignment]

_RESAMPLE = Image.Resampling.LANCZOS


def opened(data: bytes) -> tuple[Image.Image, int, int]:
    """The image (header read) and its width and height once turned upright; or _Unusable."""
    with _decoding():
        img = _open(data)
        width, height = img.size[::-1] if _turns(img) else img.size
    return img, width, height


def pair(img: Image.Image, box: tuple[int, int], quality: int) -> tuple[str, bytes, bytes | None]:
    """(extension, 1x bytes at exactly `box`, 2x bytes or None) for a logo."""
    with _decoding():
        img = _upright(img)
        png = _has_alpha(img)
        img = img.convert("RGBA") if png else _rgb(img)
        one = img.resize(box, _RESAMPLE, reducing_gap=2.0)
        big = (box[0] * 2, box[1] * 2)
        # Never upscale for 2x: a smaller original is written at its own size (still sharper
        # than 1x); one no larger than the 1x box gets no 2x at all.
        if img.width >= big[0] and img.height >= big[1]:
            two: Image.Image | None = img.resize(big, _RESAMPLE, reducing_gap=2.0)
        else:
            two = img if img.width > box[0] else None
        one_bytes = _encode(one, png=png, quality=quality)
        two_bytes = None if two is None else _encode(two, png=png, quality=quality)
        return ("png" if png else "jpg"), one_bytes, two_bytes


def photo_pair(data: bytes) -> tuple[bytes, bytes | None]:
    """Square, centre-cropped JPEGs of 96 and 192 px (None when the photo is too small)."""
    size2x = images.PHOTO_SIZE * 2
    with _decoding():
        img = _open(data)
        # JPEG only: decode at 1/2, 1/4 or 1/8 scale when that still leaves 192 px a side.
        img.draft("RGB", (size2x, size2x))
        img = _rgb(_upright(img))
        side = min(img.size)
        left, top = (img.width - side) / 2, (img.height - side) / 2
        crop = (left, top, left + side, top + side)
        small = img.resize(
            (images.PHOTO_SIZE, images.PHOTO_SIZE), _RESAMPLE, box=crop, reducing_gap=2.0
        )
        if side < size2x:
            return _encode(small, png=False, quality=82), None  # a 2x would only be upscaled
        large = img.resize((size2x, size2x), _RESAMPLE, box=crop, reducing_gap=2.0)
        return _encode(small, png=False, quality=82), _encode(large, png=False, quality=82)


def _turns(img: Image.Image) -> bool:
    """Whether EXIF orientation swaps width and height (5-8 are the quarter turns)."""
    return img.getexif().get(0x0112, 1) in (5, 6, 7, 8)


@contextmanager
def _decoding() -> Iterator[None]:
    """Every failure of Pillow on damaged or hostile bytes becomes _Unusable."""
    try:
        with warnings.catch_warnings():
            # Pillow only warns between 1x and 2x its own limit; a bomb is a bomb.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            yield
    except Image.UnidentifiedImageError:
        raise _Unusable("is not an image in a format we read (JPEG, PNG, GIF, WebP)") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _Unusable(f"has more than {images.MAX_PIXELS / 1e6:g} megapixels") from None
    except _Unusable:
        raise
    except Exception as exc:
        # Pillow's decoders raise many kinds of exception on damaged input; any of them means
        # this image is unusable, never that the build fails.
        raise _Unusable(f"could not be decoded ({exc or type(exc).__name__})") from exc


def _open(data: bytes) -> Image.Image:
    """Open (header only) a raster image within the byte and pixel limits; inside _decoding."""
    if len(data) > images.MAX_BYTES:
        raise _Unusable(f"is larger than {images.MAX_BYTES / 1e6:g} MB")
    Image.init()  # Pillow fails on a format name it has no plugin for (AVIF in older builds)
    img = Image.open(io.BytesIO(data), formats=[f for f in images.FORMATS if f in Image.OPEN])
    width, height = img.size
    if width * height > images.MAX_PIXELS:
        raise _Unusable(
            f"is too large ({width}x{height} pixels;"
            f" at most {images.MAX_PIXELS / 1e6:g} megapixels)"
        )
    if width < 1 or height < 1:
        raise _Unusable("has no pixels")
    return img


def _upright(img: Image.Image) -> Image.Image:
    """Loaded, turned as its EXIF orientation says, in sRGB where it carries a profile."""
    icc = img.info.get("icc_profile")
    img = ImageOps.exif_transpose(img)
    if not icc or ImageCms is None or img.mode not in ("RGB", "RGBA", "CMYK"):
        return img
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        mode = "RGBA" if img.mode == "RGBA" else "RGB"
        return ImageCms.profileToProfile(
            img, source, ImageCms.createProfile("sRGB"), outputMode=mode
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        return img  # a broken profile: the pixels as they are beat no image at all


def _has_alpha(img: Image.Image) -> bool:
    """Whether any pixel is less than opaque."""
    if img.mode not in ("RGBA", "LA", "PA", "RGBa", "La") and "transparency" not in img.info:
        return False
    return img.convert("RGBA").getchannel("A").getextrema()[0] < 255


def _rgb(img: Image.Image) -> Image.Image:
    """RGB with any transparency composited on white (JPEG has no alpha; CMYK/P/LA/I;16 too)."""
    if _has_alpha(img):
        rgba = img.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    if img.mode.startswith("I") or img.mode == "F":
        img = img.point(lambda v: v / 256).convert("L")  # 16-bit grey down to 8 bits
    return img.convert("RGB")


def _encode(img: Image.Image, *, png: bool, quality: int) -> bytes:
    """PNG or JPEG bytes without metadata, so the same pixels always give the same bytes."""
    img = img.copy()
    img.info.clear()  # no EXIF, ICC, dpi or text chunks carried over from the source
    buf = io.BytesIO()
    if png:
        img.save(buf, "PNG", optimize=False)
    else:
        img.save(buf, "JPEG", quality=quality, optimize=False, progressive=False)
    return buf.getvalue()
