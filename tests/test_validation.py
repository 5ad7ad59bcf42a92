"""One test per validation message: the exact text, with file and place."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import base_files, session, write_event


def _build(tmp_path: Path, run_cli, files: dict, *flags: str):
    src = write_event(tmp_path / "ev", files)
    return run_cli(src, "-o", tmp_path / "site", *flags), src


def test_end_before_start_drops_session_with_warning(tmp_path: Path, run_cli) -> None:
    files = base_files()
    files["sessions"][1] = session(2, "2030-05-02T11:00:00+02:00", "2030-05-02T10:00:00+02:00")
    result, src = _build(tmp_path, run_cli, files)
    assert result.code == 0
    assert (
        f"{src / 'sessions'}: sessions[1] (id 2) ends-at: ends before it starts "
        "(2030-05-02T10:00:00+02:00); session left out"
    ) in result.text
    assert not list((tmp_path / "site/sessions").glob("2-*.html"))


def test_strict_makes_warnings_fatal_and_lists_all(tmp_path: Path, run_cli) -> None:
    files = base_files()
    files["sessions"][1] = session(2, "2030-05-02T11:00:00+02:00", "2030-05-02T10:00:00+02:00")
    files["sessions"][2]["starts-at"] = None
    result, _ = _build(tmp_path, run_cli, files, "--strict")
    assert result.code == 1
    assert "2 problems in the event data (--strict makes warnings fatal)" in result.text
    assert "sessions[1] (id 2) ends-at: ends before it starts" in result.text
    assert "sessions[2] (id 3) starts-at: has no start time; session left out" in result.text
    assert not (tmp_path / "site").exists()


def test_missing_start_time(tmp_path: Path, run_cli) -> None:
    files = base_files()
    del files["sessions"][0]["starts-at"]
    result, src = _build(tmp_path, run_cli, files)
    assert result.code == 0
    assert (
        f"{src / 'sessions'}: sessions[0] (id 1) starts-at: has no start time; session left out"
    ) in result.text


def test_unreadable_start_time(tmp_path: Path, run_cli) -> None:
    files = base_files()
    files["sessions"][0]["starts-at"] = "next tuesday"
    result, _ = _build(tmp_path, run_cli, files)
    assert "sessions[0] (id 1) starts-at: is not a timestamp; session left out" in result.text


def test_missing_end_uses_session_type_length(tmp_path: Path, run_cli) -> None:
    files = base_files()
    del files["sessions"][0]["ends-at"]
    files["sessions"][0]["session-type"] = {"id": 1, "name": "Talk", "length": "00:45"}
    result, _ = _build(tmp_path, run_cli, files)
    assert "sessions[0] (id 1) ends-at: is missing; using the session type length" in result.text
    page = next((tmp_path / "site/sessions").glob("1-*.html")).read_text()
    assert 'data-end="2030-05-02T10:45+02:00"' in page


def test_missing_end_without_type_uses_default(tmp_path: Path, run_cli) -> None:
    files = base_files()
    del files["sessions"][0]["ends-at"]
    result, _ = _build(tmp_path, run_cli, files)
    assert "sessions[0] (id 1) ends-at: is missing; using a 30-minute default" in result.text


def test_duplicate_session_id(tmp_path: Path, run_cli) -> None:
    files = base_files()
    files["sessions"][1]["id"] = 1
    result, _ = _build(tmp_path, run_cli, files)
    assert "sessions[1] (id 1): repeats id 1; left out" in result.text


def test_session_without_id(tmp_path: Path, run_cli) -> None:
    files = base_files()
    del files["sessions"][1]["id"]
    result, _ = _build(tmp_path, run_cli, files)
    assert "sessions[1]: has no id; left out" in result.text


def test_empty_title_is_tolerated(tmp_path: Path, run_cli) -> None:
    files = base_files()
    files["sessions"][0]["title"] = "  "
    result, _ = _build(tmp_path, run_cli, files)
    assert result.code == 0
    assert "sessions[0] (id 1) title: is empty; shown as 'Untitled session'" in result.text
    assert (tmp_path / "site/sessions/1-untitled-session.html").is_file()


def test_sessions_not_a_list(tmp_path: Path, run_cli) -> None:
    files = base_files()
    files["sessions"] = {"oops": True}
    result, src = _build(tmp_path, run_cli, files)
    assert f"{src / 'sessions'}: sessions: is not a list; ignored" in result.text
    assert "no published sessions" in result.text


def test_reference_without_id(tmp_path: Path, run_cli) -> None:
    files = base_files()
    files["sessions"][0]["track"] = "Main"
    result, _ = _build(tmp_path, run_cli, files)
    assert "sessions[0] (id 1) track: is not a reference with an id; ignored" in result.text


def test_sponsor_without_name(tmp_path: Path, run_cli) -> None:
    files = base_files()
    files["sponsors"] = [{"id": 1, "level": "1"}]
    result, _ = _build(tmp_path, run_cli, files)
    assert "sponsors[0]: has no name; left out" in result.text


def test_event_without_name_stops(tmp_path: Path, run_cli) -> None:
    files = base_files()
    files["event"]["name"] = ""
    result, src = _build(tmp_path, run_cli, files)
    assert result.code == 1
    assert f"{src / 'event'}: event.name: the event has no name" in result.text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"name": "x",\n  "timezone": }', "invalid JSON at line 2, column 15"),
        ("<!doctype html><html></html>", "is an HTML page, not JSON"),
    ],
)
def test_unreadable_event_file(tmp_path: Path, run_cli, content: str, message: str) -> None:
    files = base_files()
    files["event"] = content
    result, src = _build(tmp_path, run_cli, files)
    assert result.code == 1
    assert f"{src / 'event'}: {message}" in result.text
    assert "Traceback" not in result.text


def test_missing_event_file(tmp_path: Path, run_cli) -> None:
    files = base_files()
    del files["event"]
    result, src = _build(tmp_path, run_cli, files)
    assert result.code == 1
    assert f"{src}: no event data found" in result.text


def test_unknown_zone(tmp_path: Path, run_cli) -> None:
    files = base_files()
    files["event"]["timezone"] = "Mars/Olympus"
    result, src = _build(tmp_path, run_cli, files)
    assert result.code == 1
    assert (
        f"{src / 'event'}: unknown time zone 'Mars/Olympus'; give one with --timezone"
        in result.text
    )


def test_unknown_zone_flag(tmp_path: Path, run_cli) -> None:
    result, _ = _build(tmp_path, run_cli, base_files(), "--timezone", "Nowhere/Land")
    assert result.code == 1
    assert "--timezone: unknown time zone 'Nowhere/Land'" in result.text


def test_bad_day_change_flag(tmp_path: Path, run_cli) -> None:
    result, _ = _build(tmp_path, run_cli, base_files(), "--day-change", "late")
    assert result.code == 1
    assert "--day-change: day change 'late' is not a time" in result.text


def test_check_lists_every_problem(tmp_path: Path, run_cli) -> None:
    files = base_files()
    files["sessions"][0]["starts-at"] = None
    files["sessions"][1]["title"] = ""
    src = write_event(tmp_path / "ev", files)
    result = run_cli("check", src)
    assert result.code == 0
    assert "sessions[0] (id 1) starts-at: has no start time" in result.text
    assert "sessions[1] (id 2) title: is empty" in result.text
    assert not (tmp_path / "_site").exists()
