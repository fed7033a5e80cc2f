"""Start-up latency of ``osteosim simulate``: each run a fresh process."""
from __future__ import annotations

import os
import resource
import sys
import time


#: the issue's start-up target: a warm ``osteosim simulate`` of one patient for 10 years
STARTUP_TARGET_S = 3.0


def time_simulate_startup(scenario: str | os.PathLike, runs: int = 3, env: dict | None = None) -> dict:
    """Wall and CPU time of ``osteosim simulate SCENARIO --out DIR``, each run a fresh process.

    The first run fills the caches (XLA's persistent compile cache and the ``jax.export``
    store, both keyed by the package source); the next ``runs`` are the warm start-up the
    issue's < 3 s target is about.  CPU time (user + sys of the child) is reported beside
    the wall time because on a shared machine the wall time mostly measures the load.
    """
    import statistics
    import subprocess
    import tempfile

    if runs < 1:
        raise ValueError(f"runs: {runs} must be >= 1")
    rows = []
    with tempfile.TemporaryDirectory(prefix="osteosim-startup-") as tmp:
        for i in range(runs + 1):
            cmd = [sys.executable, "-m", "osteosim", "simulate", str(scenario), "--out", os.path.join(tmp, str(i))]
            load = os.getloadavg()[0]
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.perf_counter()
            proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
            wall = time.perf_counter() - t
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if proc.returncode != 0:
                raise RuntimeError(f"osteosim simulate {scenario} failed: {proc.stderr.strip()[-500:]}")
            rows.append({"wall_s": wall, "cpu_s": after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime,
                         "load_average_1min_before": round(load, 2)})
    warm = rows[1:]
    median = statistics.median(r["wall_s"] for r in warm)
    return {"command": f"osteosim simulate {scenario} --out DIR", "first_run": rows[0], "warm_runs": warm,
            "warm_wall_s_median": median, "warm_wall_s_min": min(r["wall_s"] for r in warm),
            "warm_cpu_s_median": statistics.median(r["cpu_s"] for r in warm),
            "target_s": STARTUP_TARGET_S, "met": median < STARTUP_TARGET_S,
            "note": "first run fills the compile and export caches; warm runs reuse them. Wall time on a shared "
                    "machine scales with its load (load_average_1min_before); cpu_s does much less"}
