"""generator.assets.images: logo, photos, placeholders and sponsor logos from real files."""

from __future__ import annotations

import functools
import io
import struct
import threading
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Callable, Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PIL import Image, ImageCms

from generator.assets import images
from generator.assets.images import (
    PALETTE,
    ImageSet,
    Logo,
    Picture,
    fit_logo,
    initials,
    placeholder_svg,
    process_images,
)
from generator.errors import InputError
from generator.model import Event, Speaker, Sponsor, contrast_ratio

SVG_NS = "{http://www.w3.org/2000/svg}"


# ---- helpers -----------------------------------------------------------------------------------


def image_bytes(
    size: tuple[int, int], mode: str = "RGB", fmt: str = "PNG", color: object = None, **save: object
) -> bytes:
    """An image made with Pillow, as file bytes."""
    img = Image.new(mode, size, color if color is not None else _default_color(mode))
    buf = io.BytesIO()
    img.save(buf, fmt, **save)
    return buf.getvalue()


def _default_color(mode: str) -> object:
    return {"CMYK": (0, 200, 200, 0), "RGBA": (200, 30, 30, 128), "LA": (90, 128), "P": 3}.get(
        mode, (200, 30, 30) if mode == "RGB" else 90
    )


def speaker(sid: str, name: str, photo: str = "") -> Speaker:
    return Speaker(id=sid, name=name, slug="s", path=f"speakers/{sid}.html", photo=photo)


def sponsor(sid: str, name: str, logo: str = "") -> Sponsor:
    return Sponsor(id=sid, name=name, level=1, logo=logo)


def event(logo: str = "", speakers: tuple = (), sponsors: tuple = ()) -> Event:
    return Event(
        id="1",
        identifier="test",
        name="Test Conf",
        timezone="UTC",
        start=None,
        end=None,
        logo=logo,
        speakers=speakers,
        sponsors=sponsors,
    )


def folder_reader(root: Path) -> Callable[[str], bytes]:
    """Like the real event-folder reader: refs relative to root, InputError when missing."""
    root = root.resolve()

    def read(ref: str) -> bytes:
        path = (root / ref.lstrip("/")).resolve()
        if not path.is_relative_to(root):
            raise InputError(f"image path {ref!r} points outside the event folder")
        if not path.is_file():
            raise InputError(f"{ref} not found")
        return path.read_bytes()

    return read


def put(root: Path, ref: str, data: bytes) -> str:
    path = root / ref.lstrip("/")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return ref


def run(tmp_path: Path, ev: Event, **kw: object) -> tuple[ImageSet, list[str]]:
    warnings: list[str] = []
    result = process_images(ev, folder_reader(tmp_path), warnings.append, **kw)  # type: ignore[arg-type]
    return result, warnings


def opened(result: ImageSet, path: str | None) -> Image.Image:
    assert path is not None
    img = Image.open(io.BytesIO(result.files[path]))
    img.load()
    return img


# ---- the 110x45 rule ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ((400, 100), (110, 27, 14.0)),  # wide: width capped at 110
        ((100, 400), (11, 45, 5.0)),  # tall
        ((200, 200), (45, 45, 5.0)),  # square
        ((110, 45), (110, 45, 5.0)),  # exactly the box
        ((111, 45), (110, 44, 5.5)),
        ((10_000, 1), (110, 1, 27.0)),  # never a zero-pixel side
        ((1, 10_000), (1, 45, 5.0)),
    ],
)
def test_fit_logo(size: tuple[int, int], expected: tuple[int, int, float]) -> None:
    assert fit_logo(*size) == expected


@pytest.mark.parametrize(
    ("size", "box", "padding", "size2x"),
    [
        ((400, 100), (110, 27), 14.0, (220, 54)),
        ((100, 400), (11, 45), 5.0, (22, 90)),
        ((200, 200), (45, 45), 5.0, (90, 90)),
        ((150, 61), (110, 45), 5.0, (150, 61)),  # smaller than 2x: the original, not upscaled
        ((110, 45), (110, 45), 5.0, None),  # no larger than 1x: no 2x at all
    ],
)
def test_logo_files_have_the_fitted_sizes(
    tmp_path: Path,
    size: tuple[int, int],
    box: tuple[int, int],
    padding: float,
    size2x: tuple[int, int] | None,
) -> None:
    ref = put(tmp_path, "/images/logo.jpg", image_bytes(size, fmt="JPEG"))
    result, warnings = run(tmp_path, event(logo=ref))
    assert warnings == []
    logo = result.logo
    assert isinstance(logo, Logo)
    assert (logo.width, logo.height, logo.padding) == (*box, padding)
    assert logo.src == f"assets/images/logo-{box[0]}x{box[1]}.jpg"
    one = opened(result, logo.src)
    assert (one.format, one.size) == ("JPEG", box)
    if size2x is None:
        assert logo.src2x is None
    else:
        assert logo.src2x == f"assets/images/logo-{box[0]}x{box[1]}@2x.jpg"
        assert opened(result, logo.src2x).size == size2x
    assert set(result.files) == {logo.src, logo.src2x} - {None}


def test_logo_with_transparency_is_png(tmp_path: Path) -> None:
    ref = put(tmp_path, "logo.png", image_bytes((400, 100), "RGBA"))
    result, _ = run(tmp_path, event(logo=ref))
    assert result.logo is not None
    assert result.logo.src == "assets/images/logo-110x27.png"
    assert result.logo.src2x == "assets/images/logo-110x27@2x.png"
    one = opened(result, result.logo.src)
    assert (one.format, one.mode, one.size) == ("PNG", "RGBA", (110, 27))
    assert one.getpixel((50, 10))[3] == 128  # the alpha survives


def test_opaque_png_logo_becomes_jpeg(tmp_path: Path) -> None:
    ref = put(tmp_path, "logo.png", image_bytes((400, 100), "RGBA", color=(1, 2, 3, 255)))
    result, _ = run(tmp_path, event(logo=ref))
    assert result.logo is not None
    assert result.logo.src.endswith(".jpg")


def test_logo_box_follows_exif_orientation(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # stored 100x400, shown turned a quarter: 400x100
    ref = put(tmp_path, "logo.jpg", image_bytes((100, 400), fmt="JPEG", exif=exif))
    result, _ = run(tmp_path, event(logo=ref))
    assert result.logo is not None
    assert (result.logo.width, result.logo.height, result.logo.padding) == (110, 27, 14.0)
    assert opened(result, result.logo.src).size == (110, 27)


def test_svg_logo_stays_a_vector(tmp_path: Path) -> None:
    svg = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 100"/>'
    ref = put(tmp_path, "logo.svg", svg)
    result, warnings = run(tmp_path, event(logo=ref))
    assert warnings == []
    assert result.logo == Logo("assets/images/logo.svg", None, 110, 27, padding=14.0)
    assert result.files == {"assets/images/logo.svg": svg}


def test_svg_logo_size_from_width_and_height(tmp_path: Path) -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" stroke-width="3" width="200px" height="200"/>'
    result, _ = run(tmp_path, event(logo=put(tmp_path, "logo.svg", svg)))
    assert result.logo is not None
    assert (result.logo.width, result.logo.height, result.logo.src2x) == (45, 45, None)


SVG_OPEN = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 1"'


@pytest.mark.parametrize(
    "svg",
    [
        SVG_OPEN + b"><script>alert(1)</script></svg>",
        SVG_OPEN + b' onload="alert(1)"/>',
        SVG_OPEN + b'><a href="javascript:x"/></svg>',
        SVG_OPEN + b'><g\nONCLICK = "x"/></svg>',
    ],
)
def test_svg_logo_with_scripts_is_refused(tmp_path: Path, svg: bytes) -> None:
    result, warnings = run(tmp_path, event(logo=put(tmp_path, "logo.svg", svg)))
    assert result.logo is None
    assert result.files == {}
    assert warnings == [
        "event logo logo.svg contains scripts or event handlers, which a logo may not have;"
        " showing the event name instead"
    ]


def test_missing_or_broken_logo(tmp_path: Path) -> None:
    result, warnings = run(tmp_path, event(logo="/images/nope.png"))
    assert result.logo is None
    assert warnings == ["event logo /images/nope.png not found; showing the event name instead"]
    ref = put(tmp_path, "logo.png", b"\x89PNG\r\n\x1a\n not really")
    result, warnings = run(tmp_path, event(logo=ref))
    assert result.logo is None
    assert len(warnings) == 1
    assert warnings[0].startswith("event logo logo.png ")


# ---- speaker photos ----------------------------------------------------------------------------


def test_photo_thumbnails(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    source = image_bytes((800, 600), fmt="JPEG", exif=exif, icc_profile=icc)
    ref = put(tmp_path, "/images/speakers/ada.jpg", source)
    result, warnings = run(tmp_path, event(speakers=(speaker("12", "Ada Lovelace", ref),)))
    assert warnings == []
    assert result.photos["12"] == Picture(
        "assets/images/speakers/12-96.jpg", "assets/images/speakers/12-192.jpg", 96, 96
    )
    for path, side in (("assets/images/speakers/12-96.jpg", 96), (result.photos["12"].src2x, 192)):
        img = opened(result, path)
        assert (img.format, img.mode, img.size) == ("JPEG", "RGB", (side, side))
        assert not img.info.get("exif") and not img.info.get("icc_profile")


def test_exif_rotated_photo_comes_out_upright(tmp_path: Path) -> None:
    # Stored 800x400: red on top, blue below. Orientation 6 shows it turned a quarter clockwise,
    # so upright the red half is on the right and the blue half on the left.
    img = Image.new("RGB", (800, 400), (255, 0, 0))
    img.paste((0, 0, 255), (0, 200, 800, 400))
    exif = Image.Exif()
    exif[0x0112] = 6
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif, quality=95)
    ref = put(tmp_path, "p.jpg", buf.getvalue())
    result, _ = run(tmp_path, event(speakers=(speaker("1", "Rot", ref),)))
    for path in (result.photos["1"].src, result.photos["1"].src2x):
        thumb = opened(result, path)
        w = thumb.width
        left, right = thumb.getpixel((w // 8, w // 2)), thumb.getpixel((w * 7 // 8, w // 2))
        assert left[2] > 200 and left[0] < 60, left  # blue
        assert right[0] > 200 and right[2] < 60, right  # red


@pytest.mark.parametrize(
    ("mode", "fmt", "extra"),
    [
        ("CMYK", "JPEG", {}),
        ("RGBA", "PNG", {}),
        ("LA", "PNG", {}),
        ("P", "GIF", {"transparency": 0}),
        ("L", "PNG", {}),
        ("I;16", "PNG", {}),
    ],
)
def test_photo_modes_become_rgb_jpeg(
    tmp_path: Path, mode: str, fmt: str, extra: dict[str, object]
) -> None:
    ref = put(tmp_path, f"p.{fmt.lower()}", image_bytes((300, 250), mode, fmt, **extra))
    result, warnings = run(tmp_path, event(speakers=(speaker("7", "Mo", ref),)))
    assert warnings == []
    for path, side in ((result.photos["7"].src, 96), (result.photos["7"].src2x, 192)):
        img = opened(result, path)
        assert (img.format, img.mode, img.size) == ("JPEG", "RGB", (side, side))


def test_transparent_photo_is_composited_on_white(tmp_path: Path) -> None:
    ref = put(tmp_path, "p.png", image_bytes((200, 200), "RGBA", color=(0, 0, 0, 0)))
    result, _ = run(tmp_path, event(speakers=(speaker("7", "Mo", ref),)))
    assert all(c > 245 for c in opened(result, result.photos["7"].src).getpixel((48, 48)))


def test_small_photo_has_no_2x(tmp_path: Path) -> None:
    ref = put(tmp_path, "p.png", image_bytes((120, 150)))
    result, _ = run(tmp_path, event(speakers=(speaker("7", "Mo", ref),)))
    assert result.photos["7"].src2x is None
    assert opened(result, result.photos["7"].src).size == (96, 96)
    assert "assets/images/speakers/7-192.jpg" not in result.files


def test_missing_photo_gets_a_placeholder(tmp_path: Path) -> None:
    ev = event(speakers=(speaker("12", "Ada Lovelace", "/images/speakers/ada.jpg"),))
    result, warnings = run(tmp_path, ev)
    assert warnings == [
        "speaker 'Ada Lovelace' (id 12): photo /images/speakers/ada.jpg not found;"
        " using a placeholder"
    ]
    photo = result.photos["12"]
    assert photo.placeholder and photo.src2x is None and (photo.width, photo.height) == (96, 96)
    assert photo.src.startswith("assets/images/placeholders/al-") and photo.src.endswith(".svg")
    root = ET.fromstring(result.files[photo.src])
    assert root.get("viewBox") == "0 0 96 96"
    text = root.find(f"{SVG_NS}text")
    assert text is not None and text.text == "AL"
    assert "sans-serif" in text.get("font-family", "")
    assert root.find(f"{SVG_NS}rect").get("fill") in PALETTE  # type: ignore[union-attr]


def test_no_photo_is_a_placeholder_without_warning(tmp_path: Path) -> None:
    result, warnings = run(tmp_path, event(speakers=(speaker("3", "Grace Hopper"),)))
    assert warnings == []
    assert result.photos["3"].placeholder


def test_identical_speakers_share_a_placeholder(tmp_path: Path) -> None:
    ev = event(speakers=(speaker("1", "Ada Lovelace"), speaker("2", "Ada Lovelace")))
    result, _ = run(tmp_path, ev)
    assert result.photos["1"].src == result.photos["2"].src
    assert len(result.files) == 1


def test_photo_outside_the_folder(tmp_path: Path) -> None:
    result, warnings = run(tmp_path / "event", event(speakers=(speaker("1", "X", "../x.jpg"),)))
    assert result.photos["1"].placeholder
    assert warnings == [
        "speaker 'X' (id 1): photo ../x.jpg could not be read (image path '../x.jpg' points"
        " outside the event folder); using a placeholder"
    ]


@pytest.mark.parametrize(
    ("name", "letters"),
    [
        ("Ada Lovelace", "AL"),
        ("Ada", "A"),
        ("  jean-luc   de la  picard ", "JP"),
        ("Émile Zola", "ÉZ"),
        ("", "?"),
        ("- * -", "?"),
    ],
)
def test_initials(name: str, letters: str) -> None:
    assert initials(name) == letters


def test_placeholder_file_names_and_escaping(tmp_path: Path) -> None:
    ev = event(speakers=(speaker("1", "Émile Zola"), speaker("2", "")))
    result, _ = run(tmp_path, ev)
    assert result.photos["1"].src.startswith("assets/images/placeholders/c3895a-")
    assert result.photos["2"].src.startswith("assets/images/placeholders/3f-")
    root = ET.fromstring(placeholder_svg("<&>", "#1d4ed8"))
    assert root.find(f"{SVG_NS}text").text == "<&>"  # type: ignore[union-attr]


def test_palette_contrast() -> None:
    assert len(PALETTE) >= 8
    assert all(contrast_ratio(color, "#ffffff") >= 4.5 for color in PALETTE)


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def test_decompression_bomb_header(tmp_path: Path) -> None:
    # A 100-byte PNG whose header claims 100000x100000 pixels: decoding it would need 30 GB.
    ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    body = png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", zlib.compress(b"\0" * 64))
    ref = put(tmp_path, "bomb.png", b"\x89PNG\r\n\x1a\n" + body + png_chunk(b"IEND", b""))
    result, warnings = run(tmp_path, event(speakers=(speaker("1", "Bo Mb", ref),)))
    assert result.photos["1"].placeholder
    assert warnings == [
        "speaker 'Bo Mb' (id 1): photo bomb.png has more than 40 megapixels; using a placeholder"
    ]


def test_pixel_limit_of_the_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(images, "MAX_PIXELS", 10_000)
    ref = put(tmp_path, "p.png", image_bytes((200, 200)))
    result, warnings = run(tmp_path, event(speakers=(speaker("1", "Al", ref),)))
    assert result.photos["1"].placeholder
    assert warnings == [
        "speaker 'Al' (id 1): photo p.png is too large (200x200 pixels; at most 0.01 megapixels);"
        " using a placeholder"
    ]


def test_pillow_bomb_warning_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Between 1x and 2x its limit Pillow only warns; that must still refuse the image.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 30_000)
    ref = put(tmp_path, "p.png", image_bytes((200, 200)))
    result, warnings = run(tmp_path, event(speakers=(speaker("1", "Al", ref),)))
    assert result.photos["1"].placeholder
    assert len(warnings) == 1 and "megapixels" in warnings[0]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"hello, not an image", "is not an image in a format we read"),
        (image_bytes((300, 300), fmt="JPEG")[:400], "could not be decoded"),
    ],
)
def test_unreadable_photo(tmp_path: Path, data: bytes, reason: str) -> None:
    ref = put(tmp_path, "p.jpg", data)
    result, warnings = run(tmp_path, event(speakers=(speaker("1", "Al", ref),)))
    assert result.photos["1"].placeholder
    assert len(warnings) == 1
    assert warnings[0].startswith(f"speaker 'Al' (id 1): photo p.jpg {reason}")


def test_colliding_safe_ids_get_distinct_files(tmp_path: Path) -> None:
    ref = put(tmp_path, "p.png", image_bytes((200, 200)))
    result, _ = run(tmp_path, event(speakers=(speaker("a b", "A", ref), speaker("a-b", "B", ref))))
    assert result.photos["a b"].src == "assets/images/speakers/a-b-96.jpg"
    assert result.photos["a-b"].src == "assets/images/speakers/a-b-2-96.jpg"


# ---- sponsors ----------------------------------------------------------------------------------


def test_sponsor_logos(tmp_path: Path) -> None:
    wide = put(tmp_path, "wide.png", image_bytes((800, 200), "RGBA"))
    small = put(tmp_path, "small.jpg", image_bytes((100, 40), fmt="JPEG"))
    svg = put(tmp_path, "v.svg", b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"/>')
    sponsors = (
        sponsor("s/1", "Wide", wide),
        sponsor("2", "Small", small),
        sponsor("3", "Vector", svg),
        sponsor("4", "Gone", "gone.png"),
        sponsor("5", "None"),
    )
    result, warnings = run(tmp_path, event(sponsors=sponsors))
    logos = result.sponsor_logos
    assert logos["s/1"] == Picture(
        "assets/images/sponsors/s-1-200x50.png", "assets/images/sponsors/s-1-200x50@2x.png", 200, 50
    )
    assert opened(result, logos["s/1"].src).size == (200, 50)
    assert opened(result, logos["s/1"].src2x).size == (400, 100)
    assert logos["2"] == Picture("assets/images/sponsors/2-100x40.jpg", None, 100, 40)
    assert logos["3"] == Picture("assets/images/sponsors/3.svg", None, 100, 100)
    assert logos["4"] is None and logos["5"] is None
    assert warnings == ["sponsor 'Gone' (id 4): logo gone.png not found; showing the name instead"]


# ---- remote images, determinism ----------------------------------------------------------------


@pytest.fixture
def image_server(tmp_path: Path) -> Iterator[str]:
    """Serves tmp_path/www on the loopback interface (never another host)."""
    www = tmp_path / "www"
    www.mkdir()

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(www)))
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_remote_photos(tmp_path: Path, image_server: str) -> None:
    (tmp_path / "www" / "ada.jpg").write_bytes(image_bytes((400, 400), fmt="JPEG"))
    good, bad = f"{image_server}/ada.jpg", f"{image_server}/missing.jpg"
    ev = event(speakers=(speaker("1", "Ada", good), speaker("2", "Bob", bad)))
    result, warnings = run(tmp_path, ev)
    assert opened(result, result.photos["1"].src2x).size == (192, 192)
    assert result.photos["2"].placeholder
    assert warnings == [
        f"speaker 'Bob' (id 2): photo {bad} could not be fetched (HTTP 404 File not found);"
        " using a placeholder"
    ]


def test_no_remote(tmp_path: Path) -> None:
    ev = event(
        logo="https://127.0.0.1:9/logo.png",
        speakers=(speaker("1", "Ada", "http://127.0.0.1:9/a.jpg"), speaker("2", "Bob")),
        sponsors=(sponsor("1", "S", "HTTPS://127.0.0.1:9/s.png"),),
    )
    result, warnings = run(tmp_path, ev, allow_remote=False)
    assert warnings == ["--no-remote: 3 remote images replaced by placeholders"]
    assert result.logo is None and result.sponsor_logos == {"1": None}
    assert result.photos["1"].placeholder and result.photos["2"].placeholder


def test_output_is_deterministic(tmp_path: Path) -> None:
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    put(tmp_path, "logo.png", image_bytes((400, 100), "RGBA", icc_profile=icc, dpi=(300, 300)))
    put(tmp_path, "a.jpg", image_bytes((640, 480), fmt="JPEG"))
    put(tmp_path, "s.png", image_bytes((300, 300), "P"))
    ev = event(
        logo="logo.png",
        speakers=(speaker("1", "Ada", "a.jpg"), speaker("2", "Bob Ross")),
        sponsors=(sponsor("1", "S", "s.png"),),
    )
    first, _ = run(tmp_path, ev)
    second, _ = run(tmp_path, ev)
    assert len(first.files) == 7
    assert first.files == second.files
    assert list(first.files) == list(second.files)
    png = opened(first, "assets/images/logo-110x27.png")
    assert not ({"icc_profile", "exif", "dpi"} & set(png.info))


def test_thumbnails_come_from_the_build_cache_and_parallel_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json as _json

    from generator import parallel
    from generator.cli import main

    from .conftest import base_files, write_event

    files = base_files()
    src = write_event(tmp_path / "ev", files)
    (src / "images").mkdir()
    for i, sp in enumerate(files["speakers"]):
        Image.new("RGB", (300 + i, 300), (40 * i, 90, 160)).save(src / f"images/{i}.jpg")
        sp["photo-url"] = f"/images/{i}.jpg"
    (src / "speakers").write_text(_json.dumps(files["speakers"]))
    decoded = []
    real = images._photo_pair
    monkeypatch.setattr(images, "_photo_pair", lambda data: decoded.append(1) or real(data))
    monkeypatch.setattr(parallel.threading, "active_count", lambda: 1)
    monkeypatch.setattr(images, "workers_for", lambda n, t: 2 if n else 1)  # fork even for 3
    assert main([str(src), "-o", str(tmp_path / "a"), "-q"]) == 0
    first = {p.name: p.read_bytes() for p in (tmp_path / "a/assets/images/speakers").iterdir()}
    assert len(first) == 6  # 96 and 192 px for each of three speakers
    monkeypatch.setattr(images, "workers_for", lambda n, t: 1)
    decoded.clear()
    assert main([str(src), "-o", str(tmp_path / "b"), "-q"]) == 0
    assert decoded == []  # every thumbnail came from .eventsite-cache
    second = {p.name: p.read_bytes() for p in (tmp_path / "b/assets/images/speakers").iterdir()}
    assert second == first
