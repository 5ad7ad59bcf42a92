"""The preview in Chromium: an edit reloads the open page by itself; so does a broken file."""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.log import BuildLog
from generator.serve import Preview

from ..conftest import ROOT, SAMPLE

pytestmark = pytest.mark.browser

OLD_TITLE = "Opening: welcome to the harbour"
NEW_TITLE = "Opening: welcome aboard the preview"
WAIT_MS = 30_000


def test_page_reloads_itself_after_an_edit_and_after_a_failed_build(
    page: object, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    event = Path(shutil.copytree(SAMPLE, tmp_path / "event"))
    theme = shutil.copytree(ROOT / "themes" / "default", tmp_path / "theme")
    sessions = event / "sessions"

    def connected(count: int) -> Callable[[], bool]:
        return lambda: preview.connected == count and preview.clients == 1 and preview.idle()

    flags = {"source": str(event), "theme": str(theme), "no_remote": True}
    preview = Preview(flags, BuildLog(stream=io.StringIO()), port=0)
    preview.start()
    try:
        loads: list[str] = []
        page.on("load", lambda p: loads.append(p.url))  # type: ignore[attr-defined]
        page.goto(preview.url + "schedule.html")  # type: ignore[attr-defined]
        assert preview.wait_until(connected(1), WAIT_MS / 1000)
        page.evaluate("window.scrollTo(0, 600)")  # type: ignore[attr-defined]
        session = page.locator('[data-session-id="2601"]').first  # type: ignore[attr-defined]
        expect(session).to_contain_text(OLD_TITLE)

        with page.expect_event("load", timeout=WAIT_MS):  # type: ignore[attr-defined]
            sessions.write_text(sessions.read_text().replace(OLD_TITLE, NEW_TITLE, 1))
        expect(session).to_contain_text(NEW_TITLE, timeout=WAIT_MS)
        # Once the reloaded page is connected, it had exactly one reload and kept its place.
        assert preview.wait_until(connected(2), WAIT_MS / 1000)
        assert len(loads) == 2 and preview.reloads == 1
        assert page.evaluate("window.scrollY") == 600  # type: ignore[attr-defined]

        with page.expect_event("load", timeout=WAIT_MS):  # type: ignore[attr-defined]
            sessions.write_text(sessions.read_text().replace('"title"', '"title" "', 1))
        expect(page.locator("h1")).to_have_text("The build failed")  # type: ignore[attr-defined]
        expect(page.locator("h2")).to_contain_text(  # type: ignore[attr-defined]
            f"{sessions}: invalid JSON at line 4, column"
        )
        assert preview.wait_until(connected(3), WAIT_MS / 1000)  # the error page listens too

        with page.expect_event("load", timeout=WAIT_MS):  # type: ignore[attr-defined]
            sessions.write_text(sessions.read_text().replace('"title" "', '"title"', 1))
        expect(session).to_contain_text(NEW_TITLE, timeout=WAIT_MS)
        assert page.foreign_requests == []  # type: ignore[attr-defined]
        # The only console error is the error page's own status.
        errors = page.console_errors  # type: ignore[attr-defined]
        assert all(e.startswith("Failed to load resource") and "500" in e for e in errors), errors
    finally:
        preview.stop()
