"""Build the solver's batched input for a list of lanes, once (the run lane's one function)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np

from ..models.base import Model
from ..physiology.drivers import patient_drivers
from ..units import DAYS_PER_YEAR
from .inputs import RunInputs
from .lane import Lane
from .regimens import as_regimen, dose_tables

__all__ = ["build_run"]


def build_run(model: Model, lanes: Sequence[Lane], params: Mapping[str, float], *, ts: np.ndarray,
              years: float | None = None, reference: Literal["run", "lane"] = "run", t0: float | None = None,
              initial_state: Mapping[str, float] | None = None) -> RunInputs:
    """Per-lane drivers, stacked arrays, per-lane parameters, initial states and start time.

    Each lane's drivers are ``model.default_drivers()``, then the patient's
    (:func:`~osteosim.physiology.drivers.patient_drivers`), then the regimen's dose tables
    (starting at the lane's ``start_age``, over ``years``, built with the lane's own parameter
    values), then the lane's extra ``drivers``, completed by ``model.complete_drivers``.

    params: the run's parameter values (scalars); each lane's ``params`` override them.
    ts: (T,) save times (model time, days).  years: the span the dose tables cover (years;
        needed when a lane has a regimen).
    reference: which parameter values set each lane's patient drivers, the model's derived
        reference inputs (``complete_drivers``: e.g. Osteosim's young-adult reference cells) and
        the initial state.  ``"run"``: the run's ``params`` for every lane (one shared reference
        state, ``y0`` tiled) -- what a single run, its reference patient and MSC attribution lanes,
        :func:`~osteosim.outcomes.patient_run.simulate_regimens`, trials and the benchmarks use.
        ``"lane"``: each lane's own overridden values (a parameter draw moves the reference
        steady state and the initial state with it) -- what parameter ensembles and msc-explore use.
        The two differ only where an override touches a parameter of the reference state.
    t0: start time (days); default ``model.start_time`` of the lanes' drivers (the young-adult
        peak for patient-driven models, 0 for classic ones), which must agree across lanes.
    initial_state: state name -> value replacing the model's initial state in every lane.
    """
    lanes = list(lanes)
    if not lanes:
        raise ValueError("lanes: no lane given; a run needs at least one")
    if reference not in ("run", "lane"):
        raise ValueError(f"reference: {reference!r} is not allowed; allowed: run, lane")
    params = dict(params)
    base = model.default_drivers()
    derived: dict | None = None  # the reference inputs complete_drivers adds, once per run ("run")
    rows_p, rows_d = [], []
    for i, lane in enumerate(lanes):
        unknown = set(lane.params) - set(params)
        if unknown:
            raise ValueError(f"lanes[{i}].params: unknown parameter(s) {sorted(unknown)} of {model.name}")
        p = dict(params, **lane.params) if lane.params else params
        ref = params if reference == "run" else p
        d = dict(base)
        if lane.patient is not None:
            if not model.uses_patient:
                raise ValueError(f"lanes[{i}].patient: model {model.name!r} is a classic model that takes no patient")
            d.update(patient_drivers(lane.patient, ref))
        regimen = as_regimen(lane.regimen)
        if regimen:
            if lane.patient is None:
                raise ValueError(f"lanes[{i}].regimen: model {model.name!r} is a classic model; "
                                 "therapies need a patient")
            if years is None:
                raise ValueError("years: the span of the dose tables is needed when a lane has a regimen")
            start = lane.patient.age if lane.start_age is None else lane.start_age
            d.update(dose_tables(regimen, start * DAYS_PER_YEAR, years * DAYS_PER_YEAR, patient=lane.patient,
                                 params=p))
        d.update(lane.drivers)
        if reference == "run":
            # derived inputs depend on the parameters only (Model.complete_drivers): computed once
            if derived is None:
                full = model.complete_drivers(ref, d)
                derived = {k: v for k, v in full.items() if k not in d}
            else:
                full = model.complete_drivers(ref, {**derived, **d})
        else:
            full = model.complete_drivers(ref, d)
        rows_p.append(p)
        rows_d.append(full)
    n = len(lanes)
    stacked_p = {k: np.full(n, v, dtype=float) for k, v in params.items()}
    for i, lane in enumerate(lanes):
        for k, v in lane.params.items():
            stacked_p[k][i] = v
    stacked_d = {k: np.array([d[k] for d in rows_d]) for k in rows_d[0]}
    if reference == "run":
        y0 = np.tile(np.asarray(model.initial_state(params, rows_d[0]), dtype=float), (n, 1))
    else:
        y0 = np.array([model.initial_state(p, d) for p, d in zip(rows_p, rows_d)], dtype=float)
    for name, value in (initial_state or {}).items():
        y0[:, model.state_names.index(name)] = float(value)
    if t0 is None:
        starts = {model.start_time(d) for d in rows_d}
        if len(starts) > 1:
            raise ValueError(f"lanes: start times differ ({sorted(starts)} days); lanes of one run share their "
                             "start (patients of one species at or past its peak age)")
        t0 = starts.pop()
    return RunInputs(model, stacked_p, stacked_d, y0, float(t0), np.asarray(ts, dtype=float), tuple(rows_p),
                     tuple(rows_d))
