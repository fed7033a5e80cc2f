"""Local workers pinned to cores: every thread of the process, the ones started before included."""
import multiprocessing as mp
import os
import threading

import pytest

from osteosim.cores import usable_cores
from osteosim.trials.pinning import PinToCore

pytestmark = pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="no sched_setaffinity here")


class _Worker:
    def __init__(self, name):
        self.name = name


def _child(name, q):
    ready, stop = threading.Event(), threading.Event()
    seen = {}

    def earlier():  # a thread started before the pinning (like Dask's task thread)
        ready.set()
        stop.wait()
        seen["thread"] = os.sched_getaffinity(0)

    t = threading.Thread(target=earlier)
    t.start()
    ready.wait()
    PinToCore(usable_cores()).setup(_Worker(name))
    stop.set()
    t.join()
    q.put((os.sched_getaffinity(0), seen["thread"]))


def _affinity_after_setup(name):
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=_child, args=(name, q))
    p.start()
    out = q.get(timeout=60)
    p.join(timeout=60)
    return out


def test_worker_i_gets_core_i_round_robin():
    cores = usable_cores()
    main, thread = _affinity_after_setup(len(cores) + 1)
    assert main == thread == {cores[1 % len(cores)]}
    # a worker named otherwise (an existing cluster's) is left alone
    main, thread = _affinity_after_setup("tcp-worker")
    assert main == thread == set(cores)
    with pytest.raises(ValueError, match="cores"):
        PinToCore([])
