"""The bounded job manager: processes, progress, cancel, caps, failures, clean-up."""
from __future__ import annotations

import time

import pytest
import web_job_targets as targets

from osteosim.web.jobs import TERMINAL, JobManager, JobsFull


def _wait(mgr, job, states=TERMINAL, timeout=60.0):
    deadline = time.monotonic() + timeout
    while mgr.get(job.id).status not in states:
        assert time.monotonic() < deadline, f"job stuck in {mgr.get(job.id).status}"
        time.sleep(0.05)
    return mgr.get(job.id)


@pytest.fixture()
def mgr(tmp_path):
    m = JobManager(tmp_path / "jobs", max_running=1, max_queued=1, keep_finished=1, cancel_grace_s=1.0)
    yield m
    m.shutdown()


def test_job_runs_reports_progress_and_writes_in_its_own_folder(mgr, tmp_path):
    job = mgr.submit("t", targets.count, {"n": 5})
    done = _wait(mgr, job)
    assert done.status == "done", done.error
    assert done.result == {"n": 5, "files": ["report.html"]}
    assert (done.done, done.total) == (5, 5)
    assert done.out_dir == tmp_path / "jobs" / job.id
    assert done.to_dict()["progress"]["fraction"] == 1.0


def test_caps_cancel_and_queue(mgr):
    running = mgr.submit("t", targets.wait_for_stop, {})
    queued = mgr.submit("t", targets.count, {"n": 1})
    assert mgr.get(queued.id).status == "queued"
    with pytest.raises(JobsFull, match="at most 1"):
        mgr.submit("t", targets.count, {"n": 1})
    _wait(mgr, running, ("running",))
    # cancelling the queued job frees its slot without running it
    assert mgr.cancel(queued.id).status == "cancelled"
    # the running job sees should_stop() and ends as cancelled
    mgr.cancel(running.id)
    assert _wait(mgr, running).status == "cancelled"


def test_a_job_that_ignores_cancel_is_terminated(mgr):
    job = mgr.submit("t", targets.ignore_stop, {"max_s": 60})
    _wait(mgr, job, ("running",))
    while mgr.get(job.id).total == 0:
        time.sleep(0.05)
    t0 = time.monotonic()
    mgr.cancel(job.id)
    assert _wait(mgr, job, timeout=20).status == "cancelled"
    assert time.monotonic() - t0 < 15


def test_failures_are_recorded_in_one_line(mgr):
    bad = _wait(mgr, mgr.submit("t", targets.bad_input, {}))
    assert bad.status == "failed" and bad.error.startswith("population.age")
    bug = _wait(mgr, mgr.submit("t", targets.bug, {}))
    assert bug.status == "failed" and "internal error: TypeError" in bug.error
    assert "\n" not in bug.error
    # keep_finished=1: the next submit forgets the oldest finished job and its folder
    later = mgr.submit("t", targets.count, {"n": 1})
    assert mgr.get(bad.id) is None and not bad.out_dir.exists()
    assert mgr.get(bug.id) is not None
    assert _wait(mgr, later).status == "done"


def test_shutdown_removes_everything(tmp_path):
    m = JobManager(tmp_path / "jobs", cancel_grace_s=1.0)
    job = m.submit("t", targets.wait_for_stop, {})
    _wait(m, job, ("running",))
    m.shutdown()
    assert not (tmp_path / "jobs").exists()
    with pytest.raises(JobsFull):
        m.submit("t", targets.count, {"n": 1})
