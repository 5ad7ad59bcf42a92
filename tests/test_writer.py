"""The writer: unchanged files are never rewritten, and a broken commit is rolled back."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator import writer as writer_mod
from generator.writer import Writer, recover

from .conftest import all_files, base_files, write_event


def stats(site: Path) -> dict[str, tuple[int, int]]:
    """(inode, mtime_ns) of every file: changes when a file is rewritten or replaced."""
    return {
        p.relative_to(site).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in site.rglob("*")
        if p.is_file()
    }


def test_rebuild_without_changes_rewrites_nothing(tmp_path: Path, run_cli) -> None:
    src = write_event(tmp_path / "ev", base_files())
    out = tmp_path / "site"
    assert run_cli(src, "-o", out).code == 0
    before = stats(out)
    assert run_cli(src, "-o", out).code == 0
    after = stats(out)
    assert {p: s for p, s in after.items() if p != ".eventsite"} == {
        p: s for p, s in before.items() if p != ".eventsite"
    }


def test_incremental_build_equals_a_cold_build(tmp_path: Path, run_cli) -> None:
    files = base_files()
    src = write_event(tmp_path / "ev", files)
    out = tmp_path / "site"
    assert run_cli(src, "-o", out).code == 0
    before = stats(out)
    files["sessions"][0]["title"] = "A new title"
    del files["sessions"][2]  # one page goes away
    write_event(src, files)
    assert run_cli(src, "-o", out).code == 0
    cold = tmp_path / "cold"
    assert run_cli(src, "-o", cold).code == 0
    assert all_files(out) == all_files(cold)
    after = stats(out)
    assert not any(p.startswith("sessions/3-") for p in after)
    unchanged = [p for p in after if p in before and after[p] == before[p]]
    assert "assets/css/site.css" in unchanged and "coc.html" in unchanged
    assert after["schedule.html"] != before["schedule.html"]


def test_file_edited_by_hand_is_written_again(tmp_path: Path, run_cli) -> None:
    src = write_event(tmp_path / "ev", base_files())
    out = tmp_path / "site"
    assert run_cli(src, "-o", out).code == 0
    original = (out / "tracks.html").read_bytes()
    (out / "tracks.html").write_text("vandalised")
    (out / "rooms.html").unlink()
    assert run_cli(src, "-o", out).code == 0
    assert (out / "tracks.html").read_bytes() == original
    assert (out / "rooms.html").is_file()


def _first_build(tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    out = tmp_path / "site"
    w = Writer(out)
    for name in ("a.html", "b.html", "c/d.html"):
        w.write(name, f"old {name}")
    w.commit()
    return out, all_files(out)


def _second_build(out: Path) -> Writer:
    w = Writer(out)
    w.write("a.html", "new a")  # changed
    w.write("b.html", "old b.html")  # unchanged
    w.write("e.html", "added")  # added; c/d.html removed
    return w


def test_failed_commit_is_rolled_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out, before = _first_build(tmp_path)
    w = _second_build(out)
    moves = []
    real = writer_mod._move

    def flaky(src: Path, dst: Path) -> None:
        if len(moves) == 3:
            raise OSError("disk full")
        moves.append(src)
        real(src, dst)

    monkeypatch.setattr(writer_mod, "_move", flaky)
    with pytest.raises(OSError):
        w.commit()
    monkeypatch.setattr(writer_mod, "_move", real)
    w.discard()
    assert all_files(out) == before


@pytest.mark.parametrize("stop_after", [0, 1, 2, 3, 4, 5])
def test_killed_commit_is_rolled_back_on_the_next_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stop_after: int
) -> None:
    out, before = _first_build(tmp_path)
    w = _second_build(out)
    count = []
    real = writer_mod._move

    class Killed(BaseException):
        """Stands for SIGKILL: nothing after it runs, not even the rollback."""

    def dying(src: Path, dst: Path) -> None:
        if len(count) == stop_after:
            raise Killed
        count.append(1)
        real(src, dst)

    monkeypatch.setattr(writer_mod, "_move", dying)
    monkeypatch.setattr(writer_mod, "_abort", lambda *a: None)  # killed: nothing runs after
    with pytest.raises(Killed):
        w.commit()
    monkeypatch.undo()
    recover(out)
    assert all_files(out) == before
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "site"]
    assert leftovers == []
    assert os.listdir(out)


def test_rich_text_rendered_in_two_processes_gives_the_same_site(
    tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator import parallel, richtext

    from .conftest import SAMPLE

    monkeypatch.setattr(richtext, "POOL_THRESHOLD", 10**9)
    monkeypatch.setattr(richtext, "FAST_POOL_THRESHOLD", 10**9)
    assert run_cli(SAMPLE, "-o", tmp_path / "one").code == 0
    monkeypatch.setattr(richtext, "FAST_POOL_THRESHOLD", 1)  # this build renders in two processes
    monkeypatch.setattr(parallel.threading, "active_count", lambda: 1)  # test servers' threads
    forks = []
    real_forked = parallel.forked

    def spy(fn):  # type: ignore[no-untyped-def]
        forks.append(fn)
        return real_forked(fn)

    monkeypatch.setattr(richtext, "forked", spy)
    richtext._known.clear()
    richtext.to_html.cache_clear()
    (tmp_path / ".eventsite-cache").rename(tmp_path / "old-cache")
    assert run_cli(SAMPLE, "-o", tmp_path / "two").code == 0
    assert all_files(tmp_path / "one") == all_files(tmp_path / "two")
    assert forks  # it really ran in a second process


def test_rich_text_comes_from_the_build_cache(
    tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator import richtext

    from .conftest import SAMPLE

    assert run_cli(SAMPLE, "-o", tmp_path / "one").code == 0
    assert (tmp_path / ".eventsite-cache" / "richtext.json").is_file()
    richtext._known.clear()  # as in a new process
    richtext.to_html.cache_clear()
    rendered = []
    real = richtext._render
    monkeypatch.setattr(richtext, "_render", lambda t, top: rendered.append(t) or real(t, top))
    assert run_cli(SAMPLE, "-o", tmp_path / "two").code == 0
    assert rendered == []  # every text came from .eventsite-cache/richtext.json
    assert all_files(tmp_path / "one") == all_files(tmp_path / "two")


def test_a_warm_build_decodes_no_image_and_compiles_no_sass(
    tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json as _json

    from PIL import Image

    from generator import pwa
    from generator.assets import images, scss

    from .conftest import SAMPLE

    assert run_cli(SAMPLE, "-o", tmp_path / "one").code == 0
    calls: list[str] = []

    def spy(module: object, name: str) -> None:
        real = getattr(module, name)
        monkeypatch.setattr(module, name, lambda *a, **k: calls.append(name) or real(*a, **k))

    def new_process() -> None:  # the logos' memo in this process goes, as in a new one
        images._event_logo_files.cache_clear()
        images._sponsor_logo_files.cache_clear()

    spy(Image, "open")
    spy(pwa, "make_icon")
    spy(scss, "compile_theme")
    new_process()
    assert run_cli(SAMPLE, "-o", tmp_path / "two").code == 0
    # Logos, sponsor logos, speaker photos, app icons and CSS all came from .eventsite-cache.
    assert calls == []
    assert all_files(tmp_path / "one") == all_files(tmp_path / "two")

    # A damaged entry (a stored file's key that is not a hash) is made again, never followed.
    damaged = 0
    for entry in (tmp_path / ".eventsite-cache" / "files").rglob("*"):
        try:
            data = _json.loads(entry.read_bytes())
        except (ValueError, UnicodeDecodeError, IsADirectoryError):
            continue
        if isinstance(data, dict) and "facts" in data:
            data["files"] = {path: "../../../escape" for path in data["files"]}
            entry.write_text(_json.dumps(data))
            damaged += 1
    assert damaged >= 10  # the logo, the sponsors' logos, the icons and the CSS
    new_process()
    assert run_cli(SAMPLE, "-o", tmp_path / "three").code == 0
    assert {"open", "make_icon", "compile_theme"} <= set(calls)
    assert all_files(tmp_path / "one") == all_files(tmp_path / "three")
