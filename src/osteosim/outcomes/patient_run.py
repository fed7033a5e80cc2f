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
from ..physiology.patient import SITES, Patient
from ..physiology.sites import SKELETON_WIDE_SITES
from ..parameters.msc2026 import MSC2026
from ..runs import Lane, as_regimen, build_run
from ..solve import outputs_over_time, warm_outputs
from ..therapies.msc import HYPOTHETICAL_NOTE, MECHANISMS, SWITCHES, MSCProduct
from ..units import DAYS_PER_YEAR
from . import densitometry as dens
from .columns import (AGE, BMD, CTX, FRACTURE_STRENGTH, MARROW_FAT, P1NP, REMODELING_SPACE, STRENGTH, T_YEARS,
                      TSCORE, ZSCORE)
from .strength import fracture_strength, remodeling_space, strength

__all__ = ["run_patient", "simulate_cohort", "simulate_regimens", "species_parameters", "relative_bmd", "turnover_marker"]


def simulate_cohort(model, params: dict, patients: list[Patient], ages: np.ndarray, options=None):
    """Solve several untreated patients in one batch from the young-adult peak; save at the same ages (years)."""
    run = build_run(model, [Lane(pt) for pt in patients], params, ts=np.asarray(ages, dtype=float) * DAYS_PER_YEAR)
    return run.solve(options)


def simulate_regimens(model, params: dict, rows: list, ages: np.ndarray, options=None):
    """Solve several (patient, regimen, parameter overrides) rows in ONE batch; save at the same ages.

    rows: ``[(Patient, Regimen | list of strings, {name: value}), ...]``; every patient must
    share the species and start age (the save ages are common; doses start at ``ages[0]``).
    ``params``: the species' parameter values (see :func:`species_parameters`); they set every
    row's reference state (``reference="run"``), the overrides act on the solve and the dose
    tables.  Returns the BatchSolution.
    """
    ages = np.asarray(ages, dtype=float)
    lanes = [Lane(patient, regimen, params=dict(over or {}), start_age=ages[0]) for patient, regimen, over in rows]
    run = build_run(model, lanes, params, ts=ages * DAYS_PER_YEAR, years=ages[-1] - ages[0])
    return run.solve(options)


def species_parameters(model, params, species: str):
    """The model's parameters for a species: rats get the RatOVX2026 set, keeping any value the
    caller changed from the model's (human) defaults."""
    if species == "human":
        return params
    from ..parameters.rat_ovx import rat_parameters

    base = model.default_parameters()
    changed = {k: v.value for k, v in params.items() if k not in base or v.value != base[k].value}
    rat = rat_parameters(base)
    return rat.with_(source="user override", **changed) if changed else rat


def relative_bmd(model, ys, site: str):
    """BMD relative to the young-adult peak (bv * mineral); ys (..., n_states)."""
    return ys[..., model.state_names.index(f"bv_{site}")] * ys[..., model.state_names.index(f"mineral_{site}")]


def turnover_marker(model, ys, p: dict, cell: str) -> np.ndarray:
    """Serum CTX (``cell="oca"``) or P1NP (``"oba"``) in % of the first row: skeleton-wide resorption or
    formation, each skeleton-wide site (physiology.sites) weighted by its turnover; ys (T, n_states)."""
    names = model.state_names
    rate = sum(p[f"turnover_{s}"] * ys[:, names.index(f"{cell}_{s}")] * ys[:, names.index(f"bv_{s}")]
               for s in SKELETON_WIDE_SITES)
    return 100.0 * rate / rate[0]


def _col(model, ys, name):
    return ys[:, model.state_names.index(name)]


def run_patient(model, sim) -> tuple[pd.DataFrame, dict, object]:
    """One patient's run for :meth:`osteosim.Simulation.solve`: (time series, summary, the species'
    ParameterSet).  ``sim`` supplies patient, regimen, parameters, years, saves_per_year, drivers
    and solver_options; the Simulation wraps the pieces in its Result."""
    patient: Patient = sim.patient
    regimen = as_regimen(sim.regimen)
    pset = species_parameters(model, sim.parameters, patient.species)
    p = pset.values_dict()
    years = sim.years if sim.years is not None else 10.0
    per_year = sim.saves_per_year or 12.0
    n = int(round(years * per_year)) + 1
    ages = patient.age + np.linspace(0.0, years, n)
    # the patient and the reference person of the same sex (for Z-scores) in one batch, with MSCs
    # one more lane per mechanism switched off (attribution); the run's parameters set every
    # lane's reference state
    reference = Patient(species=patient.species, sex=patient.sex, age=patient.age)
    variants = list(MECHANISMS) if any(pr.is_msc for pr in regimen) else []
    lanes = [Lane(patient, regimen, drivers=sim.drivers), Lane(reference)] + [
        Lane(patient, regimen, params={SWITCHES[mech]: 0.0}, drivers=sim.drivers) for mech in variants]
    run = build_run(model, lanes, p, ts=ages * DAYS_PER_YEAR, years=years)
    d = run.lane_drivers[0]
    warming = warm_outputs(model, run.ts, run.y0[0], p, d)  # compiles beside the solve on an empty cache
    sol = run.solve(sim.solver_options)
    ys, ys_ref = sol.ys[0], sol.ys[1]
    if not sol.ok[0]:
        raise RuntimeError("solver failed for this patient (retry with tighter tolerances did not help)")
    cols: dict[str, np.ndarray] = {T_YEARS.name(): ages - patient.age, AGE.name(): ages}
    measured = patient.measured_baseline()
    implied_peak_t = {}
    for site in SITES:
        rel = _col(model, ys, f"bv_{site}") * _col(model, ys, f"mineral_{site}")
        peak = dens.baseline_peak(patient, p, site, rel[0])
        if site in measured:
            implied_peak_t[site] = float(dens.tscore(peak, p, site))
        bmd = peak * rel
        cols[BMD.name(site)] = bmd
        cols[TSCORE.name(site)] = dens.tscore(bmd, p, site)
    for site in SITES:
        mean_at_age = dens.reference(p, site)[0] * relative_bmd(model, ys_ref, site)
        if patient.sex == "male":
            mean_at_age = mean_at_age + dens.reference(p, site)[1] * dens.male_peak_z(p, site)
        cols[ZSCORE.name(site)] = (cols[BMD.name(site)] - mean_at_age) / dens.reference(p, site)[1]
    cols[CTX.name()] = turnover_marker(model, ys, p, "oca")
    cols[P1NP.name()] = turnover_marker(model, ys, p, "oba")
    cols[MARROW_FAT.name()] = _col(model, ys, "fat_lumbar_spine")
    for site in SITES:
        cols[STRENGTH.name(site)] = strength(model, ys, p, site)
        cols[FRACTURE_STRENGTH.name(site)] = fracture_strength(model, ys, p, site)
        cols[REMODELING_SPACE.name(site)] = 100.0 * remodeling_space(model, ys, site)
    for i, name in enumerate(model.state_names):
        cols[name] = ys[:, i]
    cols.update(outputs_over_time(model, sol.ts, ys, p, d, warming))
    df = pd.DataFrame(cols)
    summary = _summary(model, sim, patient, df, implied_peak_t, sol, pset)
    if variants:
        summary["msc"] = _msc_summary(model, regimen, patient, p, ys, sol.ys[2:], variants)
    summary["citations"] = citations.references(
        ("osteosim", *pset.cited_keys(), *dens.CITATION_KEYS, *regimen.citation_keys(),
         *(MSC2026.citation_keys if variants else ())))
    return df, summary, pset


def _msc_summary(model, regimen, patient, p, ys, ys_off, variants) -> dict:
    """Products as given, and the end-of-run BMD change (percentage points) each mechanism adds."""
    def pct(y, site):
        rel = relative_bmd(model, y, site)
        return 100.0 * (rel[-1] / rel[0] - 1.0)

    attribution = {}
    for j, mech in enumerate(variants):
        attribution[mech] = {site: pct(ys, site) - pct(ys_off[j], site) for site in SITES}
    products = []
    for pr in regimen:
        if pr.is_msc:
            prod = MSCProduct.from_prescription(pr, patient, p)
            products.append({
                "prescription": str(pr), "source": prod.source, "donor": prod.donor,
                "donor_age_years": prod.donor_age_years, "osteoporotic_donor": prod.osteoporotic_donor,
                "route": prod.route, "site": prod.site, "cells_per_dose": prod.cells_per_dose,
                "osteogenic_potency": prod.osteogenic_potency, "adipogenic_bias": prod.adipogenic_bias,
                "survival_half_life_days": prod.survival_half_life_days,
                "marrow_fraction": prod.marrow_homing_fraction, "paracrine_strength": prod.paracrine_strength,
            })
    return {
        "attribution": attribution,
        "attribution_unit": "percentage points of BMD change from start to end, full model minus the model "
                            "with that mechanism switched off (interactions make the parts not add up exactly)",
        "products": products,
        "note": HYPOTHETICAL_NOTE,
    }


def _summary(model, sim, patient, df, implied_peak_t, sol, pset) -> dict:
    first, last = df.iloc[0], df.iloc[-1]
    out = {
        "model": model.name,
        "parameter_set": pset.name,
        "patient": patient.model_dump(),
        "start_age": float(first[AGE.name()]),
        "end_age": float(last[AGE.name()]),
        "years": float(last[T_YEARS.name()]),
        "solver_ok": bool(sol.ok[0]),
        "solver_steps": int(sol.num_steps[0]),
        "baseline": {},
        "final": {},
        "bmd_pct_change": {},
        "strength_pct_change": {},
        "fracture_strength_pct_change": {},
        "remodeling_space_pct_change": {},
        "who_category": {},
    }
    for site in SITES:
        bmd, tscore = BMD.name(site), TSCORE.name(site)
        b0, b1 = float(first[bmd]), float(last[bmd])
        out["baseline"][bmd] = b0
        out["baseline"][tscore] = float(first[tscore])
        out["final"][bmd] = b1
        out["final"][tscore] = float(last[tscore])
        out["bmd_pct_change"][site] = 100.0 * (b1 / b0 - 1.0)
        for key, col in (("strength_pct_change", STRENGTH), ("fracture_strength_pct_change", FRACTURE_STRENGTH),
                         ("remodeling_space_pct_change", REMODELING_SPACE)):
            out[key][site] = 100.0 * (float(last[col.name(site)]) / float(first[col.name(site)]) - 1.0)
        out["who_category"][site] = dens.who_category(float(last[tscore]))
    out["final"]["ctx_pct_baseline"] = float(last[CTX.name()])
    out["final"]["p1np_pct_baseline"] = float(last[P1NP.name()])
    out["final"][MARROW_FAT.name()] = float(last[MARROW_FAT.name()])
    if implied_peak_t:
        out["measured_baseline_method"] = "peak rescaled so simulated BMD at start age equals the measurement"
        out["implied_peak_tscore"] = implied_peak_t
    if sim.regimen:
        out["regimen"] = [str(pr) for pr in (sim.regimen if not isinstance(sim.regimen, list) else [])] or list(sim.regimen)
    return out
