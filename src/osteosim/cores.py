"""One worker process per CPU core: pin a process to a core so batched solves do not share cores.

Why: XLA's CPU runtime runs one compiled solve on its own thread pool, which on the 2-core
machine keeps about 1.5 cores busy for little gain; two worker processes that each run on every
core then compete for both.  Pinned one per core, two processes solved 2,277 patients/s of the
bench cohort against 1,256-1,522/s for one unpinned process (Osteosim, Rodas5P rtol 1e-5,
4,096 patients, 256 lanes; `taskset -c 0` / `-c 1`, 2026-12-05).  XLA_FLAGS thread options
(``--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1``) did not limit the threads.
"""
from __future__ import annotations

import os

__all__ = ["usable_cores", "pin_to_core"]


def usable_cores() -> list[int]:
    """The cores this process may run on (all of ``os.cpu_count()`` where the OS cannot say)."""
    try:
        return sorted(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - macOS, Windows
        return list(range(os.cpu_count() or 1))


def pin_to_core(index: int) -> int | None:
    """Pin the calling process to the ``index``-th usable core (modulo their number).

    Returns the core, or None where the OS does not support pinning (the process then runs
    unpinned, which is slower but gives the same numbers).  Call it first thing in a worker,
    before JAX starts its thread pool.
    """
    cores = usable_cores()
    core = cores[int(index) % len(cores)]
    try:
        os.sched_setaffinity(0, {core})
    except (AttributeError, OSError):  # pragma: no cover - no sched_setaffinity here
        return None
    return core
