"""Pin each local Dask worker process to its own CPU core.

Why: one osteosim process's XLA spreads a solve over ~1.5 cores inefficiently (its thread
options do not limit it), whereas a process pinned to one core keeps the core busy: measured on
the bench cohort, two pinned processes solve 2x what one unpinned process does.  Local worker i
(LocalCluster names workers 0, 1, ...) gets the i-th core of the cores this process may use
(round robin when there are more workers than cores).  Every thread of the worker is pinned,
so XLA's threads, created later by the task thread, inherit the core (:func:`osteosim.cores.pin_process`).
Where the OS has no ``sched_setaffinity`` (macOS, Windows) this does nothing; so does a worker with a
non-integer name (a worker of an existing cluster, which is the cluster's business).
"""
from __future__ import annotations

from distributed.diagnostics.plugin import WorkerPlugin

from ..cores import pin_process

__all__ = ["PinToCore"]


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
