"""The osteosim web app: a FastAPI API (OpenAPI at ``/docs``) and a static front end.

``create_app()`` builds a fresh app; ``osteosim serve`` runs it with uvicorn on
127.0.0.1.  Safety (DESIGN section 7): every body is validated by the shared
scenario schema (pydantic) and then by :func:`osteosim.scenario.parse_scenario`;
years, prescriptions, trial sizes, waiting simulations, running jobs and body
bytes are capped (:class:`~osteosim.web.schemas.Limits`); no request names a
file path; known bad input is a 4xx with a one-line ``error`` that names the
field.  Anything else is left to surface as a 500: a bug, which the tests look
for, not something to hide.
"""
from __future__ import annotations

import asyncio
import json
import tempfile
import time
from collections import OrderedDict
from collections.abc import Callable
from contextlib import asynccontextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..scenario import ScenarioError
from ..validation import format_validation_error
from . import tasks
from .jobs import JobManager, JobsFull
from .runner import Busy, ModelWorker, SolveFailed, prepare_scenario, simulate_payload
from .schemas import JOB_ID_PATTERN, ColumnsOut, HealIn, Limits, RiskIn, ScenarioIn, SiteOut, TrialIn
from .study import default_cache_dir
from .study_routes import add_study_routes

__all__ = ["create_app", "STATIC_DIR"]

STATIC_DIR = Path(__file__).parent / "static"

#: the page's default form (static/index.html, as simulate.js patientFromForm() sends it)
DEFAULT_FORM_PATIENT = {"species": "human", "sex": "female", "age": 62, "bmi": 24, "calcium_mg_per_day": 700,
                        "vitamin_d_ng_per_ml": 20, "physical_activity": "low", "family_history": False,
                        "smoker": False, "glucocorticoids": False, "prior_fracture": False, "menopause_age": 51}

#: the bodies ``create_app(warm_up=True)`` simulates at start-up: exactly the page's first Simulate (its
#: default regimens, simulate.js init()).  Every regimen shares one compiled solve (fixed-width dose and
#: jump tables, tests/solve/test_compile_count.py), so these also cover a changed drug, dose, schedule
#: or MSC route; the dosed body also loads the therapy catalogue the regimen parser reads on first use.
WARM_UP_BODIES = tuple({"patient": DEFAULT_FORM_PATIENT, "years": 10, "regimen": regimen}
                       for regimen in ([], ["denosumab 60 mg every 6 months for 3 years"]))

#: answers of POST /api/simulate kept per app, by body (the page re-sends every unchanged regimen with
#: each click, and the warm-up's answers are the page's first Simulate); a solve is deterministic, so a
#: kept answer is the one a new solve would give.  ~0.2 MB each.
KEPT_ANSWERS = 64

#: the front end's pages: URL path -> file in static/
PAGES = {"/": "index.html", "/trials": "trial.html", "/studies": "study.html", "/healing": "healing.html",
         "/model": "model.html"}


def _plotly_js() -> Path:
    """Plotly.js as bundled inside the installed ``plotly`` Python package (no CDN)."""
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


class _BodyLimit:
    """ASGI middleware: a request body over ``max_bytes`` is answered 413 before it is parsed."""

    def __init__(self, app, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        too_big = JSONResponse({"error": f"request body is larger than {self.max_bytes} bytes",
                                "detail": "payload too large"}, status_code=413)
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = self.max_bytes + 1
                if declared > self.max_bytes:
                    return await too_big(scope, receive, send)
        seen = 0

        async def limited_receive():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooBig()
            return message

        try:
            await self.app(scope, limited_receive, send)
        except _TooBig:
            await too_big(scope, receive, send)


class _TooBig(Exception):
    pass


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> HTTPException:
    return HTTPException(status_code=status, detail=" ".join(str(message).split()), headers=headers)


def _validation_line(errors: list[dict[str, Any]]) -> str:
    """One line like the CLI's: the dotted field, the value and what is allowed."""
    return format_validation_error(errors, where="body")


def create_app(limits: Limits | None = None, *, warm_up: bool = False,
               on_ready: Callable[[float], None] | None = None, study_cache: Path | None = None) -> FastAPI:
    """A new app with its own model thread, job manager and job folder (removed at shutdown).

    ``warm_up``: run the page's first Simulate (:data:`WARM_UP_BODIES`) on the model thread in the
    background at start-up, so the first person to press Simulate waits seconds, not the compile and
    the cache loads.  The pages and the API answer meanwhile (a simulation queues behind the warm-up);
    ``GET /api/health`` says ``ready`` once it is done, and ``on_ready(seconds)`` is called then.
    Without ``warm_up`` the app is ready at once.

    ``study_cache``: where finished durability studies are stored by spec hash (default
    :func:`~osteosim.web.study.default_cache_dir`).
    """
    limits = limits or Limits()
    root = Path(tempfile.mkdtemp(prefix="osteosim-web-"))  # job outputs: server-owned, removed at shutdown
    worker = ModelWorker(limits.max_pending_simulations)
    # the healing PDE is scipy, not JAX: its own thread, so a long healing run does not hold up simulations
    healer = ModelWorker(limits.max_pending_healing, name="osteosim-healing", jax=False)
    jobs = JobManager(root, max_running=limits.max_running_jobs, max_queued=limits.max_queued_jobs,
                      keep_finished=limits.keep_finished_jobs)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        jobs.start()
        warm = asyncio.ensure_future(_warm_up(time.perf_counter())) if warm_up else None
        yield
        if warm is not None:
            warm.cancel()
        jobs.shutdown()
        worker.shutdown()
        healer.shutdown()

    app = FastAPI(
        title="osteosim",
        version=__version__,
        description="Bone remodeling, lifetime physiology, therapies, virtual trials and fracture healing in silico. "
                    "The simulate body is the scenario contract of `osteosim simulate` as JSON.",
        lifespan=lifespan,
    )
    app.state.limits = limits
    # readiness: None while warming up, then the warm-up's seconds (0.0 without a warm-up)
    app.state.warm_up_s = None if warm_up else 0.0
    app.state.warm_up_error = None
    app.state.worker = worker
    app.state.jobs = jobs
    app.add_middleware(GZipMiddleware, minimum_size=1000)
    app.add_middleware(_BodyLimit, max_bytes=limits.max_body_bytes)

    # ------------------------------------------------------------------ errors
    @app.exception_handler(RequestValidationError)
    async def _on_validation(request: Request, exc: RequestValidationError):
        errors = [{k: e[k] for k in ("loc", "msg", "type") if k in e} for e in exc.errors()]
        return JSONResponse({"error": _validation_line(exc.errors()), "detail": errors}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _on_http(request: Request, exc: StarletteHTTPException):
        return JSONResponse({"error": str(exc.detail), "detail": exc.detail}, status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    async def on_worker(fn, *args, worker: ModelWorker = worker):
        try:
            return await worker.run(fn, *args)
        except Busy as exc:
            raise _error(503, str(exc), {"Retry-After": "5"}) from None
        except (ScenarioError, tasks.InputError) as exc:
            raise _error(422, str(exc)) from None
        except SolveFailed as exc:
            raise _error(422, f"the solver could not finish this scenario: {exc}") from None

    # ------------------------------------------------------------------ pages
    def page(name: str):
        async def serve_page() -> FileResponse:
            return FileResponse(STATIC_DIR / name, media_type="text/html")

        return serve_page

    for url, name in PAGES.items():
        app.add_api_route(url, page(name), include_in_schema=False, methods=["GET"])

    @app.get("/static/vendor/plotly.min.js", include_in_schema=False)
    def plotly_js():
        return FileResponse(_plotly_js(), media_type="text/javascript",
                            headers={"Cache-Control": "public, max-age=86400"})

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    # ------------------------------------------------------------------ API
    @app.get("/api/health", tags=["meta"])
    async def health() -> dict[str, Any]:
        """Liveness, readiness (``ready``: the start-up warm-up is done, a Simulate answers in seconds;
        ``warm_up_s``: how long it took), the model queue, the jobs and the server's caps."""
        warm_up_s = app.state.warm_up_s
        return {"status": "ok", "ready": warm_up_s is not None, "warm_up_s": warm_up_s,
                "warm_up_error": app.state.warm_up_error,
                "version": __version__, "simulations_waiting": worker.pending,
                "simulations_done": worker.completed, "jobs": jobs.counts(), "limits": asdict(limits),
                "features": tasks.features()}

    def _simulate_sync(data: dict[str, Any]) -> dict[str, Any]:
        return simulate_payload(prepare_scenario(data, limits))

    # body (canonical JSON) -> answer; touched only on the event loop's thread
    answers: OrderedDict[str, dict[str, Any]] = OrderedDict()

    async def _answer(body: ScenarioIn) -> dict[str, Any]:
        data = body.to_mapping()
        key = json.dumps(data, sort_keys=True)
        if key in answers:
            answers.move_to_end(key)
            return answers[key]
        out = await on_worker(_simulate_sync, data)
        answers[key] = out
        while len(answers) > KEPT_ANSWERS:
            answers.popitem(last=False)
        return out

    async def _warm_up(started: float) -> None:
        """The page's first Simulate, once, on the model thread; then the app reports ready."""
        try:
            for body in WARM_UP_BODIES:
                await _answer(ScenarioIn.model_validate(body))
        except Exception as exc:  # a bug: say so in /api/health, and serve anyway (requests compile as needed)
            app.state.warm_up_error = f"{type(exc).__name__}: {exc}"
        app.state.warm_up_s = round(time.perf_counter() - started, 3)
        if on_ready is not None:
            on_ready(app.state.warm_up_s)

    @app.post("/api/simulate", tags=["simulate"])
    async def simulate(body: ScenarioIn) -> dict[str, Any]:
        """Run one scenario (the `osteosim simulate` contract as JSON): time series by column and the summary."""
        return await _answer(body)

    @app.post("/api/risk", tags=["simulate"])
    async def risk(body: RiskIn) -> dict[str, Any]:
        """A clinic patient's FRAX-style 10-year hip and major osteoporotic fracture probabilities (%), with and
        without BMD, from the chosen country's incidence and mortality (`osteosim risk` as JSON)."""
        try:
            return tasks.risk(body)
        except tasks.InputError as exc:
            raise _error(422, str(exc)) from None

    @app.get("/api/models", tags=["reference"])
    async def models() -> list[dict[str, Any]]:
        """The model zoo: name, kind (patient-driven or classic), description, states."""
        return await on_worker(tasks.model_list)

    @app.get("/api/models/{name}", tags=["reference"])
    async def model_detail(name: str = PathParam(..., max_length=64)) -> dict[str, Any]:
        """One model's default parameters with value, unit, description, source and citations."""
        found = await on_worker(tasks.model_detail, name)
        if found is None:
            raise _error(404, f"model: unknown model {name!r}")
        return found

    @app.get("/api/therapies", tags=["reference"])
    async def therapies() -> dict[str, Any]:
        """Every therapy of the regimen language (as `osteosim therapies --json`)."""
        return tasks.therapy_catalog()

    @app.get("/api/sites", tags=["reference"], response_model=list[SiteOut])
    async def sites() -> list[dict[str, Any]]:
        """The skeletal sites: name, label, abbreviation, colour, the fracture kinds that read them."""
        return tasks.site_list()

    @app.get("/api/columns", tags=["reference"], response_model=ColumnsOut)
    async def columns() -> dict[str, Any]:
        """Every output column (time series, ensemble bands, trial tables): name or pattern, unit, description,
        plot group."""
        return tasks.column_catalog()

    @app.get("/api/citations", tags=["reference"])
    async def citations() -> list[dict[str, Any]]:
        """Every registered reference."""
        return tasks.citation_list()

    # ------------------------------------------------------------------ trials
    @app.get("/api/trials/templates", tags=["trials"])
    async def trial_templates() -> list[dict[str, Any]]:
        """The trial templates of examples/trials/ (name, title, the trial mapping)."""
        return tasks.trial_templates()

    @app.post("/api/trials", tags=["trials"], status_code=202)
    async def start_trial(body: TrialIn) -> dict[str, Any]:
        """Start a trial job from a template or a trial mapping; poll GET /api/trials/{id}."""
        if not tasks.features()["trials"]:
            raise _error(404, "virtual trials are not available in this version (osteosim.trials is missing)")
        mapping = await on_worker(tasks.prepare_trial, body.model_dump(), limits)
        try:
            job = jobs.submit("trial", tasks.trial_target, {"trial": mapping})
        except JobsFull as exc:
            raise _error(429, str(exc), {"Retry-After": "30"}) from None
        return _job_view(job)

    @app.get("/api/trials", tags=["trials"])
    async def list_trials() -> list[dict[str, Any]]:
        """Every trial job this server remembers, newest last."""
        return [_job_view(j, with_result=False) for j in jobs.list() if j.kind == "trial"]

    def _job_or_404(job_id: str):
        job = jobs.get(job_id)
        if job is None or job.kind != "trial":  # a study job is /api/studies/runs/{id}
            raise _error(404, f"trial {job_id}: no such job on this server")
        return job

    @app.get("/api/trials/{job_id}", tags=["trials"])
    async def get_trial(job_id: str = PathParam(..., pattern=JOB_ID_PATTERN)) -> dict[str, Any]:
        """Status, progress and, when done, the summary and the report link."""
        return _job_view(_job_or_404(job_id))

    @app.delete("/api/trials/{job_id}", tags=["trials"], status_code=202)
    async def cancel_trial(job_id: str = PathParam(..., pattern=JOB_ID_PATTERN)) -> dict[str, Any]:
        """Cancel a queued or running job (a finished job is returned unchanged)."""
        _job_or_404(job_id)
        return _job_view(jobs.cancel(job_id))

    def _finished_file(job_id: str, name: str) -> Path:
        job = _job_or_404(job_id)
        if job.status != "done":
            raise _error(409, f"trial {job_id} is {job.status}; results exist once it is done")
        path = job.out_dir / name
        if not path.is_file():
            raise _error(404, f"trial {job_id}: the run wrote no {name}")
        return path

    @app.get("/api/trials/{job_id}/results", tags=["trials"])
    async def trial_results(job_id: str = PathParam(..., pattern=JOB_ID_PATTERN)) -> dict[str, Any]:
        """The trial's summary.json (contract: arms -> BMD change, fractures, relative risk)."""
        job = _job_or_404(job_id)
        if job.status != "done":
            raise _error(409, f"trial {job_id} is {job.status}; results exist once it is done")
        return job.result or {}

    @app.get("/api/trials/{job_id}/report", tags=["trials"], response_class=FileResponse)
    async def trial_report(job_id: str = PathParam(..., pattern=JOB_ID_PATTERN)):
        """The trial's report.html."""
        return FileResponse(_finished_file(job_id, "report.html"), media_type="text/html")

    def _job_view(job, with_result: bool = True) -> dict[str, Any]:
        out = job.to_dict()
        out["links"] = {"self": f"/api/trials/{job.id}"}
        if job.status == "done":
            out["links"]["results"] = f"/api/trials/{job.id}/results"
            if (job.out_dir / "report.html").is_file():
                out["links"]["report"] = f"/api/trials/{job.id}/report"
            if with_result:
                out["summary"] = job.result
        return out

    # ------------------------------------------------------------------ studies
    add_study_routes(app, jobs=jobs, limits=limits, cache_dir=Path(study_cache or default_cache_dir()),
                     on_worker=on_worker, error=_error)

    # ------------------------------------------------------------------ healing
    @app.post("/api/heal", tags=["healing"])
    async def heal(body: HealIn) -> dict[str, Any]:
        """Run a fracture-healing scenario and, by default, the same fracture untreated: callus snapshots over
        time, tissue fractions and time to union."""
        if body.weeks > limits.max_heal_weeks:
            raise _error(422, f"weeks: {body.weeks!r} is outside the range this server accepts "
                              f"(0, {limits.max_heal_weeks:g}]")
        if body.fracture.grid == "fine" and body.fracture.geometry == "planar":
            raise _error(422, "fracture.grid: 'fine' with the planar geometry takes many minutes; this server runs "
                              "'coarse' (or the fine 1-D line); use `osteosim heal` for the fine planar grid")
        return await on_worker(tasks.heal, body.to_mapping(), worker=healer)

    return app
