"""The routes of the durability study (``/api/studies``): list, spec, run as a job, poll, cancel.

What they do apart from HTTP is :mod:`osteosim.web.study`; the jobs are the app's
:class:`~osteosim.web.jobs.JobManager` (the same caps as the trials).
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse

from . import study
from .jobs import Job, JobManager, JobsFull
from .schemas import JOB_ID_PATTERN, Limits, StudyRunIn

__all__ = ["add_study_routes"]


def add_study_routes(app: FastAPI, *, jobs: JobManager, limits: Limits, cache_dir: Path,
                     on_worker: Callable[..., Awaitable[Any]], error: Callable[..., HTTPException]) -> None:
    """Register the study routes on ``app``; results are stored under ``cache_dir`` (by spec hash)."""

    @app.get("/api/studies", tags=["studies"])
    async def studies() -> list[dict[str, Any]]:
        """The example studies of examples/studies/: name, title, regimens, defaults (years, draws, seed, cohort
        size, whether a sensitivity screen runs) and ``stored``: whether the default has a stored result."""
        return await on_worker(study.study_list, cache_dir)

    @app.get("/api/studies/{name}", tags=["studies"])
    async def study_spec(name: str = PathParam(..., max_length=64, pattern=r"^[A-Za-z0-9_-]+$")) -> dict[str, Any]:
        """One example study's file as JSON (the study file contract, docs/studies.md)."""
        mapping = study.study_mapping(name)
        if mapping is None:
            raise error(404, f"study: unknown study {name!r}")
        return {"name": name, "spec": mapping}

    def _prepare(body: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any] | None]:
        mapping = study.prepare_study(body, limits)
        return mapping, study.cached_result(mapping, cache_dir)

    @app.post("/api/studies/runs", tags=["studies"], status_code=202)
    async def start_study(body: StudyRunIn):
        """Run a study (an example by name or a mapping, with smaller draws, cohort or span) as a background job
        (202; poll GET /api/studies/runs/{id}); a spec that has run before is answered at once from the store
        (200, ``stored: true``, with the result)."""
        mapping, stored = await on_worker(_prepare, body.model_dump())
        if stored is not None:
            return JSONResponse({"id": None, "kind": "study", "status": "done", "stored": True,
                                 "progress": {"done": 1, "total": 1, "fraction": 1.0, "message": "stored result"},
                                 "elapsed_s": 0.0, "error": None, "result": stored})
        try:
            job = jobs.submit("study", study.study_target, {"study": mapping, "cache_dir": str(cache_dir)})
        except JobsFull as exc:
            raise error(429, str(exc), {"Retry-After": "30"}) from None
        return _view(job)

    def _job(job_id: str) -> Job:
        job = jobs.get(job_id)
        if job is None or job.kind != "study":
            raise error(404, f"study run {job_id}: no such job on this server")
        return job

    @app.get("/api/studies/runs/{job_id}", tags=["studies"])
    async def get_study_run(job_id: str = PathParam(..., pattern=JOB_ID_PATTERN)) -> dict[str, Any]:
        """Status, progress (with what it is running now) and, when done, the result: the headline table, every
        regimen's row, BMD and strength courses per site with the parameter band, the sensitivity's top three,
        and the report's conclusions and limitations."""
        return _view(_job(job_id))

    @app.delete("/api/studies/runs/{job_id}", tags=["studies"], status_code=202)
    async def cancel_study_run(job_id: str = PathParam(..., pattern=JOB_ID_PATTERN)) -> dict[str, Any]:
        """Cancel a queued or running study (it stops at its next regimen; a finished one is returned unchanged)."""
        _job(job_id)
        return _view(jobs.cancel(job_id))

    def _view(job: Job) -> dict[str, Any]:
        out = job.to_dict()
        out["stored"] = False
        out["links"] = {"self": f"/api/studies/runs/{job.id}"}
        if job.status == "done":
            out["result"] = job.result
        return out
