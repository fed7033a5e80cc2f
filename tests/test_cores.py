"""osteosim.cores: one worker process per core."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from osteosim.cores import pin_to_core, usable_cores


def test_usable_cores_are_this_process_cores():
    cores = usable_cores()
    assert cores and all(isinstance(c, int) for c in cores)
    if hasattr(os, "sched_getaffinity"):
        assert set(cores) == os.sched_getaffinity(0)


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="the OS cannot pin processes")
def test_pin_to_core_pins_a_child_process_round_robin():
    cores = usable_cores()
    # in a child process: pinning the test process itself would slow every later test
    code = ("import os; from osteosim.cores import pin_to_core; "
            f"c = pin_to_core({len(cores) + 1}); print(c, sorted(os.sched_getaffinity(0)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split(maxsplit=1)
    expected = cores[1 % len(cores)]
    assert int(out[0]) == expected
    assert out[1].strip() == str([expected])
    assert set(usable_cores()) == set(cores)  # this process untouched
    assert pin_to_core  # the public name
