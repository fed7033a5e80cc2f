"""Model work of the web server: one thread runs every solve, one at a time.

JAX's compiled Osteosim solve is not safe to run from two threads at once (two
threads deadlocked inside XLA), so every call that touches a model (parsing a
scenario builds the model, solving, healing) goes through :class:`ModelWorker`:
a single-thread executor with a bounded number of waiting calls.  A full queue
is :class:`Busy` (HTTP 503 with Retry-After), never an unbounded backlog.
"""
from __future__ import annotations

import asyncio
import math
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import numpy as np

from ..io_utils import to_jsonable
from ..outcomes.columns import ordered
from ..outcomes.risk_course import ten_year_risk_course
from ..physiology.who import WHO_THRESHOLDS
from ..runs import Lane, build_run
from ..scenario import Scenario, ScenarioError, parse_scenario
from .schemas import Limits

__all__ = ["Busy", "SolveFailed", "ModelWorker", "prepare_scenario", "simulate_payload", "WHO_THRESHOLDS"]

T = TypeVar("T")


class Busy(Exception):
    """Too many calls are already waiting for the model thread."""


class SolveFailed(Exception):
    """The solver broke down on a valid scenario (a per-scenario outcome, not a server fault)."""


#: held while any web model work runs: one solve at a time in the whole process, even with several apps
_MODEL_LOCK = threading.Lock()


def _locked(fn: Callable[..., T], *args: Any) -> T:
    with _MODEL_LOCK:
        return fn(*args)


class ModelWorker:
    """A single thread that runs model work; at most ``max_pending`` calls wait or run."""

    def __init__(self, max_pending: int, name: str = "osteosim-model", jax: bool = True):
        self._name = name
        self._pool: ThreadPoolExecutor | None = None  # started on first use, again after a shutdown
        self._jax = jax  # JAX work also takes the process-wide model lock
        self._max_pending = max_pending
        self._pending = 0
        self._lock = threading.Lock()
        self.completed = 0

    @property
    def pending(self) -> int:
        return self._pending

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        with self._lock:
            if self._pending >= self._max_pending:
                raise Busy(f"{self._pending} runs are waiting; this server queues at most {self._max_pending}")
            self._pending += 1
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=self._name)
            pool = self._pool
        try:
            call = (_locked, fn, *args) if self._jax else (fn, *args)
            return await asyncio.wrap_future(pool.submit(*call))
        finally:
            with self._lock:
                self._pending -= 1
                self.completed += 1

    def shutdown(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


# ----------------------------------------------------------------------------
# scenarios


def _check_override(where: str, name: str, value: float, default: float, factor: float) -> None:
    """Web cap: an override stays within ``factor`` of its default (a solve must end in seconds)."""
    if default != 0.0:
        lo, hi = sorted((default / factor, default * factor))
        if not (lo <= value <= hi):
            raise ScenarioError(f"{where}.{name}: {value!r} is outside the range this server accepts "
                                f"{lo:.6g}..{hi:.6g} (default {default:.6g}, x/÷ {factor:g})")
    elif abs(value) > factor:
        raise ScenarioError(f"{where}.{name}: {value!r} is outside the range this server accepts "
                            f"-{factor:g}..{factor:g} (default 0)")


def prepare_scenario(data: dict[str, Any], limits: Limits) -> Scenario:
    """Validate a scenario mapping with the CLI's rules plus the server's caps (ScenarioError on any problem)."""
    regimen = data.get("regimen")
    if isinstance(regimen, list) and len(regimen) > limits.max_regimen_items:
        raise ScenarioError(f"regimen: {len(regimen)} prescriptions; this server accepts at most "
                            f"{limits.max_regimen_items}")
    years = data.get("years")
    if years is not None and years > limits.max_years:
        raise ScenarioError(f"years: {years!r} is outside the range this server accepts (0, {limits.max_years:g}]")
    scen = parse_scenario(data, source="body")
    if scen.parameters or scen.initial_state or scen.drivers:
        sim = scen.simulation()
        base = sim.model.default_parameters()
        for k, v in scen.parameters.items():
            _check_override("parameters", k, v, base[k].value, limits.override_factor)
        if scen.drivers:
            defaults = sim.model.default_drivers()
            for k, v in scen.drivers.items():
                _check_override("drivers", k, v, float(defaults.get(k, 0.0)), limits.override_factor)
        if scen.initial_state:
            y0 = build_run(sim.model, [Lane()], base.values_dict(), ts=np.zeros(1)).y0[0]
            for k, v in scen.initial_state.items():
                default = float(y0[sim.model.state_names.index(k)])
                if v < 0:
                    raise ScenarioError(f"initial_state.{k}: {v!r} is not allowed (a state is >= 0)")
                _check_override("initial_state", k, v, default, limits.override_factor)
    return scen


def _rounded(values) -> list[float | None]:
    """Seven significant digits (the plots need no more; the JSON is a third the size)."""
    out: list[float | None] = []
    for v in values:
        f = float(v)
        out.append(float(f"{f:.7g}") if math.isfinite(f) else None)
    return out


def _who_bands(params: dict[str, float]) -> dict[str, dict[str, float]]:
    """BMD (g/cm^2) at the WHO T-score thresholds per site, from the run's own reference values."""
    from ..outcomes.densitometry import bmd_from_tscore
    from ..physiology.sites import SITE_TABLE

    out = {}
    for row in SITE_TABLE:
        if row.reference_mean in params:
            out[row.name] = {k: float(bmd_from_tscore(t, params, row.name)) for k, t in WHO_THRESHOLDS.items()}
    return out


#: output points of every web simulation (so any span reuses one compiled solve; 24 a year over 10 years)
SAVE_POINTS = 241

def simulate_payload(scen: Scenario) -> dict[str, Any]:
    """Solve a validated scenario and return what ``POST /api/simulate`` answers.

    A solver breakdown (``RuntimeError``) becomes :class:`SolveFailed`.
    """
    # a fixed number of save points: the compiled solve depends on the output shape, not on the years
    sim = scen.simulation(saves_per_year=(SAVE_POINTS - 1) / scen.years) if scen.years else scen.simulation()
    try:
        result = sim.solve()
    except RuntimeError as exc:
        raise SolveFailed(" ".join(str(exc).split())) from None
    df = result.timeseries[ordered(list(result.timeseries.columns))]
    out: dict[str, Any] = {
        "model": result.model.name,
        "scenario": to_jsonable(scen.to_dict()),
        "columns": list(df.columns),
        "timeseries": {c: _rounded(df[c].to_numpy()) for c in df.columns},
        "summary": to_jsonable(result.summary),
    }
    if result.patient is not None and result.parameters is not None:
        out["who_bands"] = _who_bands(result.parameters.values_dict())
        risk = ten_year_risk_course(result.patient, df)
        if risk is not None:
            out["fracture_risk"] = risk
    return out
