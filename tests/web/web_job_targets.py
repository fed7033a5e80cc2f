"""Job targets for the job-manager tests (module level, so a spawned job process can import them)."""
from __future__ import annotations

import time


def count(payload, out_dir, progress, should_stop):
    n = payload["n"]
    for i in range(1, n + 1):
        progress(i, n)
    (out_dir / "report.html").write_text(f"<p>{n}</p>")
    return {"n": n, "files": sorted(p.name for p in out_dir.iterdir())}


def wait_for_stop(payload, out_dir, progress, should_stop):
    progress(0, 10)
    deadline = time.monotonic() + payload.get("max_s", 60)
    while not should_stop() and time.monotonic() < deadline:
        time.sleep(0.02)
    return {"stopped": should_stop()}


def ignore_stop(payload, out_dir, progress, should_stop):
    progress(1, 10)
    time.sleep(payload.get("max_s", 60))
    return {}


def bad_input(payload, out_dir, progress, should_stop):
    raise ValueError("population.age: [90, 60] is not allowed (lo <= hi)")


def bug(payload, out_dir, progress, should_stop):
    return {"x": len(payload) + None}
