"""Pin each local Dask worker process to its own CPU core.

Why: one osteosim process's XLA spreads a solve over ~1.5 cores inefficiently (its thread
options do not limit it), whereas a process pinned to one core keeps the core busy: measured on
the bench cohort, two pinned processes solve 2x what one unpinned process does.  Local worker i
(LocalCluster names workers 0, 1, ...) gets the i-th core of the cores this process may use
(round robin when there are more workers than cores).  Every thread of the worker is pinned,
so XLA's threads, created later by the task thread, inherit the core.  Where the OS has no
``sched_setaffinity`` (macOS, Windows) this does nothing; so does a worker with a non-integer
name (a worker of an existing cluster, which is the cluster's business).
"""
from __future__ import annotations

import os

from distributed.diagnostics.plugin import WorkerPlugin

__all__ = ["PinToCore", "usable_cores"]


def usable_cores() -> list[int]:
    """The cores this process may run on (all of them where the OS cannot say), ascending."""
    if hasattr(os, "sched_getaffinity"):
        return sorted(os.sched_getaffinity(0))
    return list(range(os.cpu_count() or 1))


def pin_process(core: int) -> bool:
    """Pin every thread of this process to ``core``; False where the OS does not allow it."""
    if not hasattr(os, "sched_setaffinity"):
        return False
    try:
        tids = [int(t) for t in os.listdir("/proc/self/task")]
    except OSError:  # no /proc: at least the calling thread (threads it starts inherit the core)
        tids = [0]
    pinned = False
    for tid in tids:
        try:
            os.sched_setaffinity(tid, {core})
            pinned = True
        except OSError:  # a thread that exited meanwhile, or a core this process may not use
            pass
    return pinned


class PinToCore(WorkerPlugin):
    """On worker setup: pin the worker named ``i`` (an int) to ``cores[i % len(cores)]``."""

    name = "osteosim-pin-to-core"

    def __init__(self, cores: list[int]):
        if not cores:
            raise ValueError("cores: an empty list; give at least one CPU core number")
        self.cores = list(cores)

    def setup(self, worker) -> None:
        if isinstance(worker.name, int):
            pin_process(self.cores[worker.name % len(self.cores)])
