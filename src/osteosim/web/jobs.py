"""Bounded background jobs (virtual trials) for the web server.

Each job runs in its own *process* (``spawn``): a trial is minutes of JAX work,
and keeping it out of the server process means it neither holds the model
thread that answers ``/api/simulate`` nor shares XLA state with it, and a crash
or a cancel cannot take the server down.  The manager caps the jobs running at
once and the jobs waiting; beyond that :meth:`JobManager.submit` raises
:class:`JobsFull` (HTTP 429).  Outputs go to a folder the server owns
(``<root>/<job id>``); a client never names a path.

A job target is a module-level function ``target(payload, out_dir, progress,
should_stop) -> dict`` (picklable by reference).  It reports
``progress(done, total)`` or ``progress(done, total, message)`` (what it is doing now,
shown beside the progress bar); ``should_stop()`` turns true after a cancel, and a
target that does not stop within ``cancel_grace_s`` is terminated.
"""
from __future__ import annotations

import multiprocessing as mp
import queue
import shutil
import threading
import time
import traceback
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Job", "JobManager", "JobsFull", "TERMINAL"]

#: states a job never leaves
TERMINAL = ("done", "failed", "cancelled")


class JobsFull(RuntimeError):
    """The running and waiting slots are all taken."""


class Cancelled(Exception):
    """Raised inside a job target's process to end it after a cancel (any target may raise it)."""


@dataclass
class Job:
    id: str
    kind: str
    payload: dict[str, Any]
    out_dir: Path
    target: Callable[..., dict]
    status: str = "queued"
    done: int = 0
    total: int = 0
    message: str = ""
    created: float = field(default_factory=time.time)
    started: float | None = None
    finished: float | None = None
    result: dict[str, Any] | None = None
    error: str | None = None
    cancel_requested: bool = False
    _process: Any = field(default=None, repr=False)
    _stop: Any = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        frac = (self.done / self.total) if self.total else (1.0 if self.status == "done" else 0.0)
        return {
            "id": self.id,
            "kind": self.kind,
            "status": self.status,
            "progress": {"done": self.done, "total": self.total, "fraction": round(min(max(frac, 0.0), 1.0), 4),
                         "message": self.message},
            "created": self.created,
            "started": self.started,
            "finished": self.finished,
            "elapsed_s": None if self.started is None else round((self.finished or time.time()) - self.started, 3),
            "error": self.error,
            "cancel_requested": self.cancel_requested,
        }


def _child_main(target: Callable[..., dict], payload: dict, out_dir: str, messages, stop) -> None:
    """Body of a job process: run the target, send progress and one final message."""

    def progress(done: int, total: int, message: str = "") -> None:
        messages.put(("progress", int(done), int(total), str(message)))

    try:
        result = target(payload, Path(out_dir), progress, stop.is_set)
    except Cancelled:
        messages.put(("cancelled", None))
    except (ValueError, KeyError) as exc:  # the target's own validation (a bad trial mapping)
        messages.put(("failed", " ".join(str(exc.args[0] if isinstance(exc, KeyError) and exc.args else exc).split())))
    except BaseException as exc:  # noqa: BLE001 - a bug: traceback to the server log, one line to the job record
        traceback.print_exc()
        messages.put(("failed", f"internal error: {type(exc).__name__}: {exc}"))
    else:
        messages.put(("cancelled", None) if stop.is_set() else ("done", result))


class JobManager:
    """Start, watch, cancel and forget background jobs (see the module docstring)."""

    def __init__(self, root: str | Path, *, max_running: int = 1, max_queued: int = 4, keep_finished: int = 20,
                 cancel_grace_s: float = 10.0):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.max_running = max_running
        self.max_queued = max_queued
        self.keep_finished = keep_finished
        self.cancel_grace_s = cancel_grace_s
        self._ctx = mp.get_context("spawn")
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._waiting: list[str] = []
        self._lock = threading.RLock()
        self._closed = False

    # ------------------------------------------------------------------ queries
    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def list(self) -> list[Job]:
        with self._lock:
            return list(self._jobs.values())

    def counts(self) -> dict[str, int]:
        with self._lock:
            running = sum(j.status == "running" for j in self._jobs.values())
            return {"running": running, "queued": len(self._waiting), "max_running": self.max_running,
                    "max_queued": self.max_queued}

    # ------------------------------------------------------------------ actions
    def submit(self, kind: str, target: Callable[..., dict], payload: dict[str, Any]) -> Job:
        with self._lock:
            if self._closed:
                raise JobsFull("the server is shutting down")
            running = sum(j.status == "running" for j in self._jobs.values())
            if running >= self.max_running and len(self._waiting) >= self.max_queued:
                raise JobsFull(f"{running} job(s) running and {len(self._waiting)} waiting; this server runs at most "
                               f"{self.max_running} and queues {self.max_queued}")
            job_id = uuid.uuid4().hex
            job = Job(job_id, kind, payload, self.root / job_id, target)
            self._jobs[job_id] = job
            self._waiting.append(job_id)
            self._start_waiting()
            self._forget_old()
            return job

    def cancel(self, job_id: str) -> Job | None:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or job.status in TERMINAL:
                return job
            job.cancel_requested = True
            if job.status == "queued":
                self._waiting.remove(job_id)
                self._finish(job, "cancelled")
                return job
            job._stop.set()
            proc = job._process
        threading.Thread(target=self._enforce_cancel, args=(proc,), daemon=True).start()
        return job

    def start(self) -> None:
        """Accept jobs (again, after a :meth:`shutdown`)."""
        with self._lock:
            self._closed = False

    def shutdown(self) -> None:
        """Cancel everything, end the processes and remove the output folders."""
        with self._lock:
            self._closed = True
            for job_id in list(self._waiting):
                self.cancel(job_id)
            live = [j for j in self._jobs.values() if j.status == "running"]
            for j in live:
                j.cancel_requested = True
                j._stop.set()
        for j in live:
            self._enforce_cancel(j._process, grace=2.0)
        shutil.rmtree(self.root, ignore_errors=True)

    # ------------------------------------------------------------------ internals
    def _start_waiting(self) -> None:
        while self._waiting and sum(j.status == "running" for j in self._jobs.values()) < self.max_running:
            job = self._jobs[self._waiting.pop(0)]
            job.out_dir.mkdir(parents=True, exist_ok=True)
            messages = self._ctx.Queue()
            job._stop = self._ctx.Event()
            job._process = self._ctx.Process(
                target=_child_main, args=(job.target, job.payload, str(job.out_dir), messages, job._stop),
                name=f"osteosim-job-{job.id[:8]}", daemon=True)
            job.status = "running"
            job.started = time.time()
            job._process.start()
            threading.Thread(target=self._watch, args=(job, messages), daemon=True,
                             name=f"osteosim-watch-{job.id[:8]}").start()

    def _watch(self, job: Job, messages) -> None:
        """Follow one job process until it ends; the last message (or the exit code) decides its state."""
        final: tuple | None = None
        proc = job._process
        while True:
            try:
                msg = messages.get(timeout=0.2)
            except queue.Empty:
                if not proc.is_alive():
                    # drain what the process sent just before it exited
                    try:
                        while True:
                            final = self._apply(job, messages.get(timeout=0.5)) or final
                    except queue.Empty:
                        break
                continue
            final = self._apply(job, msg) or final
            if final is not None:
                break
        proc.join(timeout=5.0)
        with self._lock:
            if final is None:
                if job.cancel_requested:
                    self._finish(job, "cancelled")
                else:
                    self._finish(job, "failed", error=f"the job process ended with exit code {proc.exitcode}")
            else:
                kind, value = final
                if kind == "done":
                    self._finish(job, "done", result=value)
                elif kind == "cancelled":
                    self._finish(job, "cancelled")
                else:
                    self._finish(job, "failed", error=value)
            self._start_waiting()
        messages.close()

    def _apply(self, job: Job, msg: tuple) -> tuple | None:
        if msg[0] == "progress":
            with self._lock:
                job.done, job.total, job.message = msg[1], msg[2], msg[3]
            return None
        return msg[0], msg[1]

    def _finish(self, job: Job, status: str, *, result: dict | None = None, error: str | None = None) -> None:
        job.status = status
        job.finished = time.time()
        job.result = result
        job.error = error
        if status == "done" and job.total:
            job.done = job.total

    def _enforce_cancel(self, proc, grace: float | None = None) -> None:
        proc.join(timeout=self.cancel_grace_s if grace is None else grace)
        if proc.is_alive():
            proc.terminate()
            proc.join(timeout=5.0)
        if proc.is_alive():
            proc.kill()
            proc.join(timeout=5.0)

    def _forget_old(self) -> None:
        finished = [j for j in self._jobs.values() if j.status in TERMINAL]
        for job in finished[: max(0, len(finished) - self.keep_finished)]:
            del self._jobs[job.id]
            shutil.rmtree(job.out_dir, ignore_errors=True)
