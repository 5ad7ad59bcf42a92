"""Manifest, icons, the service worker's folder hash and the offline list."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from bs4 import BeautifulSoup
from PIL import Image

from .conftest import SAMPLE, base_files, write_event


def folder_hash(site: Path) -> str:
    """The hash sw.js carries: every other file's path and bytes, in sorted order.

    Left out: sw.js itself and `.eventsite`, the build's manifest of all files (sw.js too).
    """
    digest = hashlib.sha256()
    for path in sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()):
        if path in ("sw.js", ".eventsite"):
            continue
        data_hash = hashlib.sha256((site / path).read_bytes()).hexdigest()
        digest.update(path.encode() + b"\0" + data_hash.encode() + b"\n")
    return digest.hexdigest()


def sw_version(site: Path) -> str:
    return re.search(r'const VERSION = "([0-9a-f]+)"', (site / "sw.js").read_text()).group(1)


def test_manifest_and_icons(tmp_path: Path, run_cli) -> None:
    out = tmp_path / "site"
    assert run_cli(SAMPLE, "-o", out).code == 0
    manifest = json.loads((out / "manifest.webmanifest").read_text(encoding="utf-8"))
    assert manifest["name"] == "Harbour Open Tech Summit 2026"
    assert manifest["short_name"] and len(manifest["short_name"]) <= 12
    assert manifest["start_url"] == "./" and manifest["scope"] == "./"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#0b5cad" and manifest["background_color"]
    assert manifest["description"]
    sizes = {(i["sizes"], i.get("purpose", "any")) for i in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        with Image.open(out / icon["src"]) as img:
            assert f"{img.width}x{img.height}" == icon["sizes"]
            assert img.getpixel((2, 2))[:3] == (0x0B, 0x5C, 0xAD)  # the theme colour's square
    for page in out.rglob("*.html"):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        assert soup.select_one("link[rel=manifest]"), page
        assert soup.select_one("meta[name=theme-color]"), page
        assert soup.select_one("script[src$='sw-register.js']"), page


def test_icons_from_initials_without_logo(tmp_path: Path, run_cli, event_dir: Path) -> None:
    out = tmp_path / "site"
    assert run_cli(event_dir, "-o", out).code == 0
    with Image.open(out / "assets/icons/icon-512.png") as img:
        colours = {img.getpixel((x, 256)) for x in range(0, 512, 4)}
    assert len(colours) > 1  # the initials are drawn on the square


def test_sw_carries_the_hash_of_every_other_file(tmp_path: Path, run_cli) -> None:
    out = tmp_path / "site"
    assert run_cli(SAMPLE, "-o", out).code == 0
    assert sw_version(out) == folder_hash(out)[:16]


def test_same_input_same_hash_and_one_character_changes_it(tmp_path: Path, run_cli) -> None:
    src = write_event(tmp_path / "ev", base_files())
    assert run_cli(src, "-o", tmp_path / "a").code == 0
    assert run_cli(src, "-o", tmp_path / "b").code == 0
    assert folder_hash(tmp_path / "a") == folder_hash(tmp_path / "b")
    assert sw_version(tmp_path / "a") == sw_version(tmp_path / "b")
    files = base_files()
    files["sessions"][0]["title"] = "Session 1!"
    write_event(src, files)
    assert run_cli(src, "-o", tmp_path / "c").code == 0
    assert sw_version(tmp_path / "c") != sw_version(tmp_path / "a")


def test_options_change_the_hash(tmp_path: Path, run_cli, event_dir: Path) -> None:
    assert run_cli(event_dir, "-o", tmp_path / "a").code == 0
    assert run_cli(event_dir, "-o", tmp_path / "b", "--theme", "dark").code == 0
    assert sw_version(tmp_path / "a") != sw_version(tmp_path / "b")


def test_source_date_epoch_is_honoured(
    tmp_path: Path, run_cli, event_dir: Path, monkeypatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert run_cli(event_dir, "-o", tmp_path / "a").code == 0
    (event_dir / "sessions").touch()  # a newer file does not matter when the epoch is set
    assert run_cli(event_dir, "-o", tmp_path / "b").code == 0
    assert folder_hash(tmp_path / "a") == folder_hash(tmp_path / "b")
    assert b"DTSTAMP:20231114T221320Z" in next((tmp_path / "a/calendar").glob("*.ics")).read_bytes()


def test_offline_list_and_shell(tmp_path: Path, run_cli) -> None:
    out = tmp_path / "site"
    assert run_cli(SAMPLE, "-o", out).code == 0
    listing = json.loads((out / "offline.json").read_text())
    paths = {f["path"] for f in listing["files"]}
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    skip = {"sw.js", "offline.json"}  # the worker and the list itself
    assert paths == {p for p in on_disk if p not in skip and not p.split("/")[-1].startswith(".")}
    assert listing["bytes"] == sum((out / p).stat().st_size for p in paths)
    sw = (out / "sw.js").read_text()
    shell = json.loads(re.search(r"const PRECACHE = (\[.*?\]);", sw).group(1))
    pages = ["./", "index.html", "schedule.html", "offline.html", "manifest.webmanifest"]
    assets = ["assets/css/site.css", "assets/js/site.js", "assets/icons/icon-192.png"]
    for needed in pages + assets:
        assert needed in shell
    assert any(p.startswith("assets/images/logo-") for p in shell)
    assert all((out / p).is_file() for p in shell if p != "./")


def test_no_service_worker_option(tmp_path: Path, run_cli, event_dir: Path) -> None:
    out = tmp_path / "site"
    assert run_cli(event_dir, "-o", out, "--no-service-worker").code == 0
    for page in out.rglob("*.html"):
        assert "sw-register.js" not in page.read_text(encoding="utf-8")
