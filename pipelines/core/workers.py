"""Worker processes for the run's CPU-bound or slow-to-load parts (extraction, GE's suites).

Spawned, not forked: forking a process whose polars/DuckDB thread pools are running can deadlock.
A worker leaves when the process that started it is gone, however that ended (a killed run would
otherwise leave its workers waiting on their queue for good).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor


def _leave_with_parent(parent: int) -> None:
    while True:
        time.sleep(1)
        if os.getppid() != parent:
            os._exit(1)


def _start(parent: int, initializer: Callable[[], None] | None) -> None:
    threading.Thread(target=_leave_with_parent, args=(parent,), daemon=True).start()
    if initializer is not None:
        initializer()


def worker_pool(workers: int, initializer: Callable[[], None] | None = None) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start,
        initargs=(os.getpid(), initializer),
    )
