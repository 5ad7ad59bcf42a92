"""A small process that starts builds for bench/run.py and reports what each one cost.

Why a separate process: Linux seeds a child's ru_maxrss with the high-water mark of the process
that spawned it (exec keeps the old mm's peak), so builds started from the runner, which holds
whole sites in memory for the write floor, would all report the runner's peak. This launcher
imports only the standard library and stays at about 10 MB, below any build's own peak.

ru_maxrss is the peak of the largest single process. A build that forks workers uses more than
that in total, so a thread also samples the build's process tree every 50 ms and keeps the
peak of its summed PSS (proportional set size: pages shared after fork are counted once).

Protocol: one JSON object per line on stdin, {"cmd": [...], "cwd": "...", "timeout": seconds};
one JSON object per line on stdout, {"wall", "utime", "stime", "maxrss_kib", "tree_pss_kib",
"samples", "returncode", "timed_out", "stderr"}. It exits at the end of stdin, and on SIGTERM
after killing its build.
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
SAMPLE_SECONDS = 0.05


def _tree(root: int) -> list[int]:
    """root and its descendants, from /proc/*/stat (this kernel has no /proc/PID/.../children)."""
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue  # exited while we looked
        # The command name may hold spaces and parentheses; the fields after it do not.
        ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        children.setdefault(ppid, []).append(int(name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += children.get(pid, [])
    return out


def _pss_kib(pid: int) -> int:
    """A process's proportional set size in KiB (0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


class _Sampler(threading.Thread):
    """Peak of the summed PSS of a process tree, sampled until stopped."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kib = 0
        self.samples = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(SAMPLE_SECONDS):
            total = sum(_pss_kib(pid) for pid in _tree(self.pid))
            self.peak_kib = max(self.peak_kib, total)
            self.samples += 1


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
    sampler = _Sampler(proc.pid)
    sampler.start()
    try:
        assert proc.stderr is not None
        err = proc.stderr.read()  # EOF when the build exits
        # wait4, not Popen.wait: it also returns the child's rusage (CPU and peak RSS).
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
    finally:
        timer.cancel()
        sampler.done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {
        "wall": wall,
        "utime": usage.ru_utime,
        "stime": usage.ru_stime,
        "maxrss_kib": usage.ru_maxrss,
        "tree_pss_kib": sampler.peak_kib,
        "samples": sampler.samples,
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
