"""A small process that starts builds for bench/run.py and reports what each one cost.

Why a separate process: Linux seeds a child's ru_maxrss with the high-water mark of the process
that spawned it (exec keeps the old mm's peak), so builds started from the runner, which holds
whole sites in memory for the write floor, would all report the runner's peak. This launcher
imports only the standard library and stays at about 10 MB, below any build's own peak.

Protocol: one JSON object per line on stdin, {"cmd": [...], "cwd": "...", "timeout": seconds};
one JSON object per line on stdout, {"wall", "utime", "stime", "maxrss_kib", "returncode",
"timed_out", "stderr"}. It exits at the end of stdin, and on SIGTERM after killing its build.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from typing import Any

_current: subprocess.Popen[bytes] | None = None


def _stop(signum: int, frame: Any) -> None:
    """Kill the running build with us, so no orphan keeps loading the machine."""
    if _current is not None and _current.returncode is None:
        _current.kill()
    sys.exit(128 + signum)


def run(cmd: list[str], cwd: str, timeout: float) -> dict[str, Any]:
    """Run one command; wall time around it, rusage from os.wait4."""
    global _current
    timed_out = threading.Event()
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _current = proc

    def kill() -> None:
        timed_out.set()
        proc.kill()

    timer = threading.Timer(timeout, kill)
    timer.start()
    try:
        assert proc.stderr is not None
        err = proc.stderr.read()  # EOF when the build exits
        # wait4, not Popen.wait: it also returns the child's rusage (CPU and peak RSS).
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
    finally:
        timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {
        "wall": wall,
        "utime": usage.ru_utime,
        "stime": usage.ru_stime,
        "maxrss_kib": usage.ru_maxrss,
        "returncode": proc.returncode,
        "timed_out": timed_out.is_set(),
        "stderr": err.decode("utf-8", errors="replace"),
    }


def main() -> int:
    """Serve requests from stdin until it closes."""
    signal.signal(signal.SIGTERM, _stop)
    for line in sys.stdin:
        request = json.loads(line)
        result = run(request["cmd"], request["cwd"], float(request["timeout"]))
        sys.stdout.write(json.dumps(result) + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
