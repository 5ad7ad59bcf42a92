"""Work spread over the machine's cores, when that is safe and pays."""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")
MAX_WORKERS = 4


def workers_for(count: int, threshold: int) -> int:
    """How many processes to use for `count` items (1: do it here).

    Workers are forked, so they start with everything already imported and prepared. Forking
    while other threads run (the preview server builds next to its web server and file
    watcher) can leave a lock held forever in the child, so then the work stays here.
    """
    cores = min(MAX_WORKERS, os.cpu_count() or 1)
    if count < threshold or cores < 2 or threading.active_count() > 1:
        return 1
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return cores


def fork_map(
    fn: Callable[[T], R], items: Iterable[T], workers: int, chunksize: int = 1
) -> Iterator[R]:
    """fn over items, in order, in `workers` forked processes."""
    ctx = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        yield from pool.map(fn, items, chunksize=chunksize)


@contextlib.contextmanager
def forked(fn: Callable[[], R]) -> Iterator[Callable[[], R]]:
    """Run fn() in a forked process while this one goes on; yields a wait for its result.

    The result comes back pickled, so fn should return little (paths and hashes, not pages).
    Leaving the block early (an error, Ctrl-C) stops the child.
    """
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    gc.freeze()  # the child's collector then leaves the parent's objects (and their pages) alone
    proc = ctx.Process(target=_child, args=(fn, send), daemon=True)
    proc.start()
    send.close()

    def result() -> R:
        try:
            ok, value = receive.recv()
        except EOFError:
            proc.join()
            raise RuntimeError(f"a build worker died (exit code {proc.exitcode})") from None
        proc.join()
        if not ok:
            raise value
        return value

    try:
        yield result
    finally:
        if proc.is_alive():
            proc.terminate()
            proc.join()
        receive.close()
        gc.unfreeze()


def _child(fn: Callable[[], R], send: Any) -> None:
    try:
        outcome = (True, fn())
    except BaseException as exc:  # sent to the parent, which raises it
        outcome = (False, exc)
    send.send(outcome)
    send.close()
