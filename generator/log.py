"""The build log: steps reported as INFO / SUCCESS / ERROR, for people or as JSON lines."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from .errors import EventsiteError


class BuildLog:
    """Reports build steps; text for people (default) or one JSON object per line."""

    def __init__(self, fmt: str = "text", verbosity: int = 0, stream: TextIO | None = None) -> None:
        self.fmt = fmt
        self.verbosity = verbosity  # -1 quiet, 0 normal, 1 verbose
        self.stream = stream or sys.stderr
        self.warnings: list[str] = []
        self._step: str | None = None

    def _emit(
        self,
        kind: str,
        small: str,
        large: str = "",
        seconds: float | None = None,
        step: str | None = None,
    ) -> None:
        step = step if step is not None else self._step
        if self.fmt == "json":
            record = {
                "type": kind,
                "smallMessage": small,
                "largeMessage": large,
                "step": step,
                "seconds": None if seconds is None else round(seconds, 4),
            }
            self.stream.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            if self.verbosity < 0 and kind in ("INFO", "SUCCESS"):
                return
            if kind == "INFO" and self.verbosity < 1 and step is not None:
                return  # start lines are noise for people unless -v
            tail = f" ({seconds:.2f} s)" if seconds is not None else ""
            self.stream.write(f"{kind:<8} {small}{tail}\n")
            if large and (kind in ("ERROR", "WARNING") or self.verbosity > 0):
                for line in large.splitlines():
                    self.stream.write(f"         {line}\n")
        self.stream.flush()

    def info(self, small: str, large: str = "") -> None:
        """An informational line."""
        self._emit("INFO", small, large)

    def success(self, small: str, large: str = "", seconds: float | None = None) -> None:
        """A step or the build ended well."""
        self._emit("SUCCESS", small, large, seconds)

    def warning(self, small: str, large: str = "") -> None:
        """A problem that does not stop the build (unless --strict)."""
        self.warnings.append(small if not large else f"{small}: {large}")
        self._emit("WARNING", small, large)

    def error(self, small: str, large: str = "") -> None:
        """A problem that stops the build."""
        self._emit("ERROR", small, large)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Report INFO when `name` starts and SUCCESS with its duration or ERROR when it ends."""
        previous, self._step = self._step, name
        self._emit("INFO", name + "...")
        t0 = time.perf_counter()
        try:
            yield
        except EventsiteError as exc:
            self._emit("ERROR", f"{name}: {exc.message}", exc.details, time.perf_counter() - t0)
            exc.logged = True  # type: ignore[attr-defined]
            raise
        except BaseException as exc:
            self._emit("ERROR", f"{name}: {type(exc).__name__}: {exc}", "", None)
            raise
        else:
            self._emit("SUCCESS", name, "", time.perf_counter() - t0)
        finally:
            self._step = previous
