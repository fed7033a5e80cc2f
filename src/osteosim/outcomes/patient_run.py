"""Run one patient through the full model and turn states into outcomes.

The patient is simulated from the young-adult peak (age 25) through their own
history to ``age + years``; the time series reported starts at ``age``.  A
measured baseline (``tscore_<site>`` or ``bmd_<site>``) rescales that site's peak
so the simulated BMD at ``age`` equals the measurement: the model's relative
dynamics do not depend on the absolute peak (bone volume and mechanics are
relative to the patient's own peak), so the match is exact and the history shape
is kept.  The implied peak T-score is reported in the summary.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .. import citations
from ..physiology.drivers import patient_drivers
from ..physiology.patient import SITES, Patient
from ..solve import solve_batch
from ..units import DAYS_PER_YEAR
from . import densitometry as dens

__all__ = ["run_patient", "simulate_cohort", "relative_bmd"]

PEAK_AGE = 25.0


def simulate_cohort(model, params: dict, patients: list[Patient], ages: np.ndarray, options=None):
    """Solve several patients in one batch from PEAK_AGE; save at the same ages (years)."""
    drivers = [model.complete_drivers(params, dict(model.default_drivers(), **patient_drivers(pt, params)))
               for pt in patients]
    batch = {k: np.array([d[k] for d in drivers]) for k in drivers[0]}
    y0 = model.initial_state(params, drivers[0])
    ts = np.asarray(ages, dtype=float) * DAYS_PER_YEAR
    sol = solve_batch(model, params, np.tile(y0, (len(patients), 1)), ts, batch,
                      t0=PEAK_AGE * DAYS_PER_YEAR, options=options)
    return sol


def relative_bmd(model, ys, site: str):
    """BMD relative to the young-adult peak (bv * mineral); ys (..., n_states)."""
    return ys[..., model.state_names.index(f"bv_{site}")] * ys[..., model.state_names.index(f"mineral_{site}")]


def _col(model, ys, name):
    return ys[:, model.state_names.index(name)]


def run_patient(model, sim):
    from ..simulation import Result, _outputs_over_time

    patient: Patient = sim.patient
    if patient.species != "human":
        raise ValueError(f"patient.species: {patient.species!r} is not available yet for the Osteosim model; allowed: human")
    from ..therapies import Regimen, parse_regimen
    from ..therapies.pkpd import regimen_tables

    regimen = sim.regimen if isinstance(sim.regimen, Regimen) else parse_regimen(list(sim.regimen or []))
    p = sim.parameters.values_dict()
    years = sim.years if sim.years is not None else 10.0
    per_year = sim.saves_per_year or 12.0
    n = int(round(years * per_year)) + 1
    ages = patient.age + np.linspace(0.0, years, n)
    # the patient and the reference person of the same sex (for Z-scores) in one batch
    reference = Patient(sex=patient.sex, age=patient.age)
    base = model.default_drivers()
    tables = regimen_tables(regimen, patient.age * DAYS_PER_YEAR, years * DAYS_PER_YEAR)
    d = model.complete_drivers(p, dict(base, **patient_drivers(patient, p), **tables, **sim.drivers))
    d_ref = model.complete_drivers(p, dict(base, **patient_drivers(reference, p)))
    batch = {k: np.array([d[k], d_ref[k]]) for k in d}
    sol = solve_batch(model, p, np.tile(model.initial_state(p, d), (2, 1)), ages * DAYS_PER_YEAR, batch,
                      t0=PEAK_AGE * DAYS_PER_YEAR, options=sim.solver_options)
    ys, ys_ref = sol.ys[0], sol.ys[1]
    if not sol.ok[0]:
        raise RuntimeError("solver failed for this patient (retry with tighter tolerances did not help)")
    cols: dict[str, np.ndarray] = {"t_years": ages - patient.age, "age": ages}
    peaks = dens.peak_bmd(patient, p)
    measured = patient.measured_baseline()
    implied_peak_t = {}
    for site in SITES:
        rel = _col(model, ys, f"bv_{site}") * _col(model, ys, f"mineral_{site}")
        if site in measured:
            kind, v = measured[site]
            target = float(dens.bmd_from_tscore(v, p, site)) if kind == "tscore" else v
            peaks[site] = target / rel[0]
            implied_peak_t[site] = float(dens.tscore(peaks[site], p, site))
        bmd = peaks[site] * rel
        cols[f"bmd_{site}"] = bmd
        cols[f"tscore_{site}"] = dens.tscore(bmd, p, site)
    for site in SITES:
        mean_at_age = dens.reference(p, site)[0] * relative_bmd(model, ys_ref, site)
        if patient.sex == "male":
            mean_at_age = mean_at_age + dens.reference(p, site)[1] * (
                p["peak_z_male_lumbar_spine"] if site == "lumbar_spine" else p["peak_z_male_hip"])
        cols[f"zscore_{site}"] = (cols[f"bmd_{site}"] - mean_at_age) / dens.reference(p, site)[1]
    # turnover markers: skeleton-wide resorption / formation, weighted by each site's turnover
    rho = np.array([p[f"turnover_{s}"] for s in SITES])
    res = sum(r * _col(model, ys, f"oca_{s}") * _col(model, ys, f"bv_{s}") for r, s in zip(rho, SITES))
    form = sum(r * _col(model, ys, f"oba_{s}") * _col(model, ys, f"bv_{s}") for r, s in zip(rho, SITES))
    cols["ctx"] = 100.0 * res / res[0]
    cols["p1np"] = 100.0 * form / form[0]
    cols["marrow_fat_fraction"] = _col(model, ys, "fat_lumbar_spine")
    for site in SITES:
        cols[f"strength_{site}"] = dens.strength_index(_col(model, ys, f"bv_{site}"), _col(model, ys, f"mineral_{site}"), p)
    for i, name in enumerate(model.state_names):
        cols[name] = ys[:, i]
    cols.update(_outputs_over_time(model, sol.ts, ys, p, d))
    df = pd.DataFrame(cols)
    citations.cite("Greendale2012", "Looker1998", "Kanis2008")
    summary = _summary(model, sim, patient, df, implied_peak_t, sol)
    return Result(model, df, summary, patient, sim.parameters)


def _summary(model, sim, patient, df, implied_peak_t, sol) -> dict:
    first, last = df.iloc[0], df.iloc[-1]
    out = {
        "model": model.name,
        "parameter_set": sim.parameters.name,
        "patient": patient.model_dump(),
        "start_age": float(first.age),
        "end_age": float(last.age),
        "years": float(last.t_years),
        "solver_ok": bool(sol.ok[0]),
        "solver_steps": int(sol.num_steps[0]),
        "baseline": {},
        "final": {},
        "bmd_pct_change": {},
        "who_category": {},
    }
    for site in SITES:
        b0, b1 = float(first[f"bmd_{site}"]), float(last[f"bmd_{site}"])
        out["baseline"][f"bmd_{site}"] = b0
        out["baseline"][f"tscore_{site}"] = float(first[f"tscore_{site}"])
        out["final"][f"bmd_{site}"] = b1
        out["final"][f"tscore_{site}"] = float(last[f"tscore_{site}"])
        out["bmd_pct_change"][site] = 100.0 * (b1 / b0 - 1.0)
        out["who_category"][site] = dens.who_category(float(last[f"tscore_{site}"]))
    out["final"]["ctx_pct_baseline"] = float(last.ctx)
    out["final"]["p1np_pct_baseline"] = float(last.p1np)
    out["final"]["marrow_fat_fraction"] = float(last.marrow_fat_fraction)
    if implied_peak_t:
        out["measured_baseline_method"] = "peak rescaled so simulated BMD at start age equals the measurement"
        out["implied_peak_tscore"] = implied_peak_t
    if sim.regimen:
        out["regimen"] = [str(pr) for pr in (sim.regimen if not isinstance(sim.regimen, list) else [])] or list(sim.regimen)
    out["citations"] = [c.key for c in citations.used()]
    return out
