"""Warm and incremental builds give exactly the folder a cold build of the same input gives."""

from __future__ import annotations

import io
import json
import multiprocessing
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator import pipeline
from generator.config import Config
from generator.fingerprint import Reuse
from generator.log import BuildLog

from .conftest import SAMPLE, all_files

Edit = Callable[[Path], None]


def _change(file: str, fn: Callable[[Any], None]) -> Edit:
    def edit(folder: Path) -> None:
        path = folder / file
        data = json.loads(path.read_text(encoding="utf-8"))
        fn(data)
        path.write_text(json.dumps(data), encoding="utf-8")

    return edit


def _in_place(file: str, fn: Callable[[Any], None]) -> Edit:
    """An edit saved in the file's own layout, as an editor saves it: the preview re-reads only
    the records whose bytes changed (splice.py)."""

    def edit(folder: Path) -> None:
        path = folder / file
        data = json.loads(path.read_text(encoding="utf-8"))
        fn(data)
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    return edit


def _item(items: list[dict], ident: int) -> dict:
    return next(x for x in items if x["id"] == ident)


def _set(file: str, ident: int, **values: Any) -> Edit:
    return _change(file, lambda items: _item(items, ident).update(values))


def _retitle_track(tracks: list[dict]) -> None:
    tracks[0].update(name="Open Plumbing", color="#aa3300")


def _move_session(sessions: list[dict]) -> None:
    _item(sessions, 2603).update(
        {"starts-at": "2026-06-12T16:00:00+01:00", "ends-at": "2026-06-12T16:30:00+01:00"}
    )


def _sevens(first: float, second: float) -> Callable[[list[dict]], None]:
    def edit(items: list[dict]) -> None:
        _item(items, 2604)["title"], _item(items, 2605)["title"] = first, second

    return edit


EDITS: dict[str, Edit] = {
    "nothing": lambda folder: None,
    "session title (and so its page path)": _set("sessions", 2602, title="Commons, revisited"),
    "session abstract": _set("sessions", 2604, **{"long-abstract": "Now *shorter*."}),
    "session moved to another day": _change("sessions", _move_session),
    "session withdrawn": _set("sessions", 2605, state="withdrawn"),
    # Not featured on the home page, so only the pages showing them change.
    "speaker name": _set("speakers", 304, name="Renamed Person"),
    "speaker photo removed": _set("speakers", 309, **{"photo-url": ""}),
    "featured speaker name": _set("speakers", 301, name="Another Person"),
    "speaker photo file replaced": lambda folder: shutil.copyfile(
        folder / "images/speakers/ines-carvalho.jpg", folder / "images/speakers/jonas-muller.jpg"
    ),
    "track name and colour": _change("tracks", _retitle_track),
    "room name": _set("microlocations", 501, name="Great Hall"),
    "event name": _change("event", lambda ev: ev.update(name="Harbour Open Tech Reloaded")),
    # Each pair: the second record equals the first to Python (1 == True, 7 == 7.0), yet the
    # reader makes other text of it. One preview lives through both in the edit-after-edit
    # test, before the next edit (after it, the records behind 2602 are read afresh each time).
    "session title a number": _set("sessions", 2604, title=1),
    "session title true": _set("sessions", 2604, title=True),
    "two session titles 7.0 and 7": _change("sessions", _sevens(7.0, 7)),
    "the two titles swapped": _change("sessions", _sevens(7, 7.0)),
    # The reader adds a track named only inside a session; sessions after it may name it too.
    "session in a track only it names": _set("sessions", 2602, track={"id": 99, "name": "Pop-up"}),
    "session's speakers changed": _set("sessions", 2603, speakers=[{"id": 304}, {"id": 309}]),
    # Linked from the speakers file only: the reader adds the speaker to the session's list.
    "speaker linked to one more session": _change(
        "speakers", lambda items: _item(items, 302)["sessions"].append({"id": 2601})
    ),
    "session id changed": _set("sessions", 2607, id=2699),
    # Equal to 302 as Python compares JSON values, yet another id ("302.0"): a new speaker.
    "speaker id written with a fraction": _set("speakers", 302, id=302.0),
    # Equal records to Python again, but the session now names speaker "320.0".
    "session's speaker id written with a fraction": _change(
        "sessions", lambda items: _item(items, 2606)["speakers"][0].update(id=320.0)
    ),
    "session title, in the file's layout": _in_place(
        "sessions", lambda items: _item(items, 2604).update(title="Harbour data, in place")
    ),
    "session added, in the file's layout": _in_place(
        "sessions", lambda items: items.append({**_item(items, 2604), "id": 2698, "title": "New"})
    ),
    "first session removed, in the file's layout": _in_place(
        "sessions", lambda items: items.pop(0)
    ),
    "speaker id with a fraction, in the file's layout": _in_place(
        "sessions", lambda items: _fraction(_item(items, 2603)["speakers"][0])
    ),
}


def _fraction(record: dict) -> None:
    record["id"] = float(record["id"])


def _build(data: Path, out: Path, reuse: Reuse | None = None, **flags: Any) -> str:
    config = Config(source=str(data), output=out, no_remote=True, **flags)
    return pipeline.build(config, BuildLog(verbosity=-1), reuse).folder_hash


def _copy_sample(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    return data


@pytest.mark.parametrize("in_memory", [False, True], ids=["build cache", "preview"])
@pytest.mark.parametrize("name", list(EDITS))
def test_rebuild_after_an_edit_equals_a_cold_build(
    tmp_path: Path, name: str, in_memory: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if in_memory:
        # The preview keeps its first DTSTAMP while a cold build takes the data's time: fix both.
        monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780000000")
    data = _copy_sample(tmp_path)
    site = tmp_path / "warm" / "site"
    reuse = Reuse(live=True) if in_memory else None
    first = _build(data, site, reuse)
    before = all_files(site)
    EDITS[name](data)
    again = _build(data, site, reuse)
    cold = _build(data, tmp_path / "cold" / "site")
    after = all_files(site)
    assert again == cold
    assert after == all_files(tmp_path / "cold" / "site")
    changed = sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))
    assert (again == first) == (name == "nothing"), changed


def test_preview_rebuilds_equal_cold_builds_edit_after_edit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One preview lives through every edit, as it does while an organiser works on the data:
    # what it keeps (records read, fingerprints, fragments) must never outlive its truth.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780000000")
    data = _copy_sample(tmp_path)
    site = tmp_path / "preview" / "site"
    reuse = Reuse(live=True)
    _build(data, site, reuse)
    for i, (name, edit) in enumerate(EDITS.items()):
        edit(data)
        cold = tmp_path / f"cold-{i}" / "site"
        assert _build(data, site, reuse) == _build(data, cold), name
        assert all_files(site) == all_files(cold), name


def test_a_preview_rebuild_reports_the_same_problems(tmp_path: Path) -> None:
    # Records and files are reused only when reading them reported nothing: warnings repeat.
    data = _copy_sample(tmp_path)
    _set("sessions", 2602, title="")(data)
    sessions = data / "sessions"
    sessions.write_bytes(sessions.read_bytes().replace(b"Commons", b"Comm\xffns", 1))
    reuse = Reuse(live=True)
    warnings = []
    for _ in range(2):
        log = BuildLog(verbosity=-1)
        config = Config(source=str(data), output=tmp_path / "site", no_remote=True)
        pipeline.build(config, log, reuse)
        warnings.append(log.warnings)
    assert any("Untitled session" in w for w in warnings[0])
    assert any("not valid UTF-8" in w for w in warnings[0])
    assert warnings[1] == warnings[0]


def test_unchanged_pages_are_kept_not_rendered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _copy_sample(tmp_path)
    site = tmp_path / "site"
    _build(data, site)
    rendered: list[str] = []
    original = pipeline.Renderer.render
    monkeypatch.setattr(
        pipeline.Renderer,
        "render",
        lambda self, page: rendered.append(page.path) or original(self, page),
    )
    _build(data, site)
    assert rendered == []
    EDITS["session abstract"](data)
    _build(data, site)
    session_pages = [p for p in rendered if p.startswith("sessions/")]
    speaker_pages = [p for p in rendered if p.startswith("speakers/")]
    assert len(session_pages) == 1 and session_pages[0].startswith("sessions/2604-")
    assert speaker_pages  # the speakers of that session show its card
    assert "schedule.html" in rendered


def test_a_stale_or_broken_record_costs_time_not_correctness(tmp_path: Path) -> None:
    data = _copy_sample(tmp_path)
    site = tmp_path / "site"
    _build(data, site)
    record = tmp_path / ".eventsite-cache" / "outputs.json"
    saved = record.read_bytes()
    EDITS["session abstract"](data)
    changed = _build(data, site)
    # The record of the first build with the second build's output (a build killed between its
    # commit and saving the record): files must be made again, not kept.
    record.write_bytes(saved)
    assert _build(data, site) == changed
    record.write_text("{not json")
    assert _build(data, site) == changed
    assert all_files(site) == all_files(_rebuilt_cold(data, tmp_path))


def test_a_theme_or_setting_change_is_seen(tmp_path: Path) -> None:
    data = _copy_sample(tmp_path)
    site = tmp_path / "site"
    _build(data, site)
    again = _build(data, site, base_url="https://example.org/conf/")
    cold = _build(data, tmp_path / "cold" / "site", base_url="https://example.org/conf/")
    assert again == cold
    assert _build(data, site, theme="dark") == _build(data, tmp_path / "c2" / "site", theme="dark")


def _rebuilt_cold(data: Path, tmp_path: Path) -> Path:
    out = tmp_path / "fresh" / "site"
    _build(data, out)
    return out


def test_a_build_that_keeps_every_page_keeps_the_rich_text_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator import richtext

    data = _copy_sample(tmp_path)
    site = tmp_path / "site"
    _build(data, site)
    _build(data, site)  # renders no page, so no template asks for any rich text
    _set("sessions", 2604, **{"long-abstract": f"Text *only* {tmp_path.name} has."})(data)
    monkeypatch.setattr(richtext, "_known", {})  # as in a new process: only the build cache
    stream = io.StringIO()
    config = Config(source=str(data), output=site, no_remote=True)
    pipeline.build(config, BuildLog(fmt="json", stream=stream))
    infos = [json.loads(line)["smallMessage"] for line in stream.getvalue().splitlines()]
    assert "1 texts rendered, the rest from the build cache" in infos


def _fork_for_any_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """Share pages with a second process even for the sample's 104 pages."""
    from generator import parallel

    monkeypatch.setattr(parallel.threading, "active_count", lambda: 1)  # test servers' threads
    monkeypatch.setattr(pipeline._Pages, "FORK_AT", 1)


def test_pages_made_in_a_second_process_are_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _copy_sample(tmp_path)
    here = _build(data, tmp_path / "one" / "site")
    _fork_for_any_size(monkeypatch)
    forks = []
    real = pipeline.forked
    monkeypatch.setattr(pipeline, "forked", lambda fn: forks.append(fn) or real(fn))
    site = tmp_path / "two" / "site"
    assert _build(data, site) == here
    assert forks and all_files(site) == all_files(tmp_path / "one" / "site")
    # A rebuild that keeps every page, in both processes, is the same folder too.
    assert _build(data, site) == here


def test_the_preview_rewrites_only_the_files_an_edit_touches(tmp_path: Path) -> None:
    data = _copy_sample(tmp_path)
    site = tmp_path / "site"
    reuse = Reuse(live=True)
    _build(data, site, reuse)
    before = {p: p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}
    EDITS["session abstract"](data)  # also changes the data's modification time
    _build(data, site, reuse)
    rewritten = sorted(
        p.relative_to(site).as_posix() for p, t in before.items() if p.stat().st_mtime_ns != t
    )
    edited = [p for p in rewritten if "2604" in p]
    assert edited == [
        "calendar/sessions/2604-design-tokens-without-the-design-system-tax.ics",
        "sessions/2604-design-tokens-without-the-design-system-tax.html",
    ]
    # No other session's page or calendar: the DTSTAMP stays the first build's.
    assert not [
        p
        for p in rewritten
        if p.startswith(("sessions/", "calendar/sessions/")) and "2604" not in p
    ]


def test_a_failure_in_the_second_process_leaves_the_previous_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.errors import EventsiteError

    data = _copy_sample(tmp_path)
    site = tmp_path / "site"
    _build(data, site)
    before = all_files(site)
    _fork_for_any_size(monkeypatch)
    original = pipeline.Renderer.render

    def broken(self: pipeline.Renderer, page: Any) -> str:
        if page.kind == "speaker":  # whichever process takes it
            raise EventsiteError(f"cannot render {page.path}")
        return original(self, page)

    monkeypatch.setattr(pipeline.Renderer, "render", broken)
    EDITS["event name"](data)
    with pytest.raises(EventsiteError, match="cannot render speakers/"):
        _build(data, site)
    assert all_files(site) == before
    assert not [c for c in multiprocessing.active_children() if c.is_alive()]


def test_the_preview_renders_the_cards_of_edited_sessions_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Lists of cards are kept whole; the cards in them must outlive builds that took the list
    # as it was, or the next edit in that list would render all of its cards again.
    made: list[tuple[str, str]] = []
    original = pipeline.Renderer._module

    def counting(self: pipeline.Renderer, root: str) -> Any:
        module = original(self, root)

        class Counted:
            def session_card(self, s: Any, show_day: bool = False) -> Any:
                made.append((s.id, root))
                return module.session_card(s, show_day)

            def speaker_tile(self, sp: Any, with_id: bool = False) -> Any:
                return module.speaker_tile(sp, with_id)

        return Counted()

    monkeypatch.setattr(pipeline.Renderer, "_module", counting)
    data = _copy_sample(tmp_path)
    reuse = Reuse(live=True)
    _build(data, tmp_path / "site", reuse)
    # In other tracks, rooms and time slots, one after the other.
    for n, ident in enumerate((2602, 2604, 2605, 2602)):
        made.clear()
        _set("sessions", ident, title=f"Edited {ident}, edit {n}")(data)
        _build(data, tmp_path / "site", reuse)
        # Site-root pages (schedule, tracks, rooms) render only the edited session's cards.
        assert {s for s, root in made if root == ""} == {str(ident)}
