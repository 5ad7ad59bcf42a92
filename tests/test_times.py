"""Time zone mapping, naive timestamps and conference-day assignment."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup

from generator.model import conference_day
from generator.timezones import parse_duration, parse_instant, resolve_zone

from .conftest import base_files, session, write_event


@pytest.mark.parametrize(
    ("raw", "zone"),
    [
        ("Asia/Singapore", "Asia/Singapore"),
        ("US / Pacific", "America/Los_Angeles"),
        ("US/Pacific", "America/Los_Angeles"),
        ("us/eastern", "America/New_York"),
        ("Hawaii-Aleutian", "Pacific/Honolulu"),
        ("Europe / Berlin", "Europe/Berlin"),
        ("UTC", "UTC"),
        ("Mars/Olympus", None),
        ("", None),
        (None, None),
        ("../../etc/passwd", None),
    ],
)
def test_zone_mapping(raw: str | None, zone: str | None) -> None:
    assert resolve_zone(raw) == zone


def test_naive_timestamp_is_read_in_event_zone() -> None:
    tz = ZoneInfo("Europe/Berlin")
    dt = parse_instant("2030-07-01T10:00:00", tz)
    assert dt == datetime(2030, 7, 1, 8, 0, tzinfo=ZoneInfo("UTC"))
    assert parse_instant("2030-07-01T10:00:00Z", tz) == datetime(
        2030, 7, 1, 10, tzinfo=ZoneInfo("UTC")
    )
    assert parse_instant("soon", tz) is None


def test_instants_with_the_same_offset_share_one_zone_object() -> None:
    # Datetimes with the very same tzinfo compare without calling it: sorting thousands of
    # sessions depends on it. The offset and how the instant prints are unchanged.
    tz = ZoneInfo("Europe/Berlin")
    a = parse_instant("2030-07-01T10:00:00+02:00", tz)
    b = parse_instant("2030-07-01T09:00:00+02:00", tz)
    c = parse_instant("2030-07-01T09:00:00+05:30", tz)
    assert a is not None and b is not None and c is not None
    assert a.tzinfo is b.tzinfo
    assert c.tzinfo is not a.tzinfo
    assert (a.isoformat(), c.isoformat()) == (
        "2030-07-01T10:00:00+02:00",
        "2030-07-01T09:00:00+05:30",
    )
    assert sorted([a, c, b]) == [c, b, a]


@pytest.mark.parametrize(
    ("raw", "minutes"), [("00:30", 30), ("01:15:00", 75), ("00.30", 30), (45, 45), ("x", None)]
)
def test_durations(raw: object, minutes: int | None) -> None:
    d = parse_duration(raw)
    assert (None if d is None else d.total_seconds() / 60) == minutes


def test_day_change_assignment() -> None:
    tz = ZoneInfo("Europe/Berlin")
    late = datetime(2030, 5, 3, 1, 30, tzinfo=tz)
    assert conference_day(late, tz, time(4, 0)) == date(2030, 5, 2)
    assert conference_day(late, tz, time(0, 0)) == date(2030, 5, 3)
    assert conference_day(datetime(2030, 5, 3, 4, 0, tzinfo=tz), tz, time(4, 0)) == date(2030, 5, 3)
    # The instant is converted to the event zone first: 23:30 UTC is 01:30 in Berlin.
    utc_late = datetime(2030, 5, 2, 23, 30, tzinfo=ZoneInfo("UTC"))
    assert conference_day(utc_late, tz, time(4, 0)) == date(2030, 5, 2)


def _days(site: Path) -> dict[str, str]:
    soup = BeautifulSoup((site / "schedule.html").read_text(encoding="utf-8"), "html.parser")
    return {card["data-session-id"]: card["data-day"] for card in soup.select("[data-session-id]")}


def test_after_midnight_session_stays_on_previous_day(tmp_path: Path, run_cli) -> None:
    files = base_files()
    files["sessions"].append(session(9, "2030-05-03T01:30:00+02:00", "2030-05-03T02:30:00+02:00"))
    src = write_event(tmp_path / "ev", files)
    assert run_cli(src, "-o", tmp_path / "a").code == 0
    assert _days(tmp_path / "a")["9"] == "2030-05-02"
    assert run_cli(src, "-o", tmp_path / "b", "--day-change", "01:00").code == 0
    assert _days(tmp_path / "b")["9"] == "2030-05-03"


def test_timezone_flag_overrides_and_reads_naive_times(tmp_path: Path, run_cli) -> None:
    files = base_files()
    files["event"]["timezone"] = "US / Pacific"
    files["sessions"][0]["starts-at"] = "2030-05-02T10:00:00"
    files["sessions"][0]["ends-at"] = "2030-05-02T10:30:00"
    src = write_event(tmp_path / "ev", files)
    assert run_cli(src, "-o", tmp_path / "a").code == 0
    page = next((tmp_path / "a/sessions").glob("1-*.html")).read_text(encoding="utf-8")
    assert 'datetime="2030-05-02T10:00-07:00"' in page
    assert "America/Los_Angeles" in page
    assert run_cli(src, "-o", tmp_path / "b", "--timezone", "Asia/Tokyo").code == 0
    page = next((tmp_path / "b/sessions").glob("1-*.html")).read_text(encoding="utf-8")
    assert 'datetime="2030-05-02T10:00+09:00"' in page
    # An offset in the data stays authoritative: 11:00+02:00 is shown as 18:00 in Tokyo.
    page2 = next((tmp_path / "b/sessions").glob("2-*.html")).read_text(encoding="utf-8")
    assert 'datetime="2030-05-02T18:00+09:00"' in page2


def test_missing_zone_is_an_error_unless_given(tmp_path: Path, run_cli) -> None:
    files = base_files()
    del files["event"]["timezone"]
    src = write_event(tmp_path / "ev", files)
    result = run_cli(src, "-o", tmp_path / "a")
    assert result.code == 1 and "no time zone; give one with --timezone" in result.text
    assert run_cli(src, "-o", tmp_path / "a", "--timezone", "Europe/Berlin").code == 0
