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

__all__ = ["usable_cores", "pin_process", "pin_to_core"]


def usable_cores() -> list[int]:
    """The cores this process may run on (all of ``os.cpu_count()`` where the OS cannot say), ascending."""
    try:
        return sorted(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - macOS, Windows
        return list(range(os.cpu_count() or 1))


def pin_process(core: int) -> bool:
    """Pin every thread of this process to ``core`` (threads started before included, e.g. a Dask
    worker's task thread; threads started later inherit the core); False where the OS does not allow it."""
    if not hasattr(os, "sched_setaffinity"):
        return False
    try:
        tids = [int(t) for t in os.listdir("/proc/self/task")]
    except OSError:  # no /proc: at least the calling thread
        tids = [0]
    pinned = False
    for tid in tids:
        try:
            os.sched_setaffinity(tid, {core})
            pinned = True
        except OSError:  # a thread that exited meanwhile, or a core this process may not use
            pass
    return pinned


def pin_to_core(index: int) -> int | None:
    """Pin this process to the ``index``-th usable core (round robin): the core, or None where the OS
    cannot pin (the process then runs unpinned: slower, same numbers).  Call it before JAX starts."""
    cores = usable_cores()
    core = cores[int(index) % len(cores)]
    return core if pin_process(core) else None
