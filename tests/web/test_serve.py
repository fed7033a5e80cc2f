"""``osteosim serve`` (a real process, the session's ``server`` fixture): it warms up in the background and says
when it is ready, on /api/health and in its log."""
from __future__ import annotations

import time

import httpx


def test_serve_reports_ready_in_health_and_log(server, shots):
    deadline = time.monotonic() + 600
    while not (health := httpx.get(f"{server}/api/health", timeout=10).json())["ready"]:
        assert time.monotonic() < deadline, f"osteosim serve was not ready after 600 s: {health}"
        time.sleep(0.2)
    assert health["warm_up_error"] is None and health["warm_up_s"] > 0
    log = (shots / "server.log").read_text()
    assert "warming up" in log
    assert f"ready (warm-up {health['warm_up_s']:.1f} s)" in log
