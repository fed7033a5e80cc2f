"""Trial endpoints from the recorded parts, and the output files of the contract.

``summary.json``: ``{"arms": {arm: {"n", "bmd_pct_change": {site: {month: {"mean", "sd",
"ci95"}}}, "strength_pct_change" and "fracture_strength_pct_change": (the same), "fractures": {kind: {"events", "incidence", ...}},
"relative_risk": {kind: {"rr", "ci95"}}, "hazard_ratio": ...}}, "fracture_predictions": [...], ...}``
for kind in vertebral, hip, wrist, nonvertebral, any, versus the control arm; ``fracture_predictions``:
the simulated ratios per treated arm and kind, all predictions, next to the published ones
(trials.predictions).  BMD change is over the patients alive at the visit; a fracture event is a
patient with >= 1 new fracture of that kind during the trial (incidence = events / n).
Aggregations run in DuckDB over the Parquet parts, so memory does not grow with N.
"""
from __future__ import annotations


import numpy as np

from .. import citations
from ..io_utils import atomic_write_json, atomic_write_text, to_jsonable
from ..outcomes import columns as C
from ..physiology.patient import SITES
from . import stats
from ..outcomes.fracture import ENDPOINT_KINDS
from .estimates import event_columns, hazard_ratio, month_key, visit_means
from .outputs import months_grid
from .predictions import fracture_predictions
from .spec import PUBLISHED, TrialSpec
from .store import TrialStore

__all__ = ["finish", "published_comparison", "month_key"]


def trial_citation_keys(spec: TrialSpec) -> tuple[str, ...]:
    """What a trial run draws on: the Osteosim model and its parameter set (drugs and MSCs included),
    the densitometry references (T-scores) and the fracture model's sources."""
    from ..models import Osteosim
    from ..outcomes import densitometry, fracture

    pset = Osteosim().default_parameters()
    keys = ("osteosim", *pset.cited_keys(), *densitometry.CITATION_KEYS, *fracture.CITATION_KEYS)
    if spec.population.fracture_hazard == "strength":
        from ..parameters.strength_hazard2026 import STRENGTH_HAZARD2026

        keys += STRENGTH_HAZARD2026.cited_keys()
    return keys


def finish(spec: TrialSpec, store: TrialStore, *, seed: int, wall_s: float, solver: str) -> dict:
    """Write patients.parquet, events.parquet, summary.json and report.html; return the summary.

    solver: how the runner solved the patients (recorded in the summary's methods).
    """
    from .report import render_report

    root = store.root
    store.export("visits", root / "patients.parquet",
                 f"{C.VISIT_ARM.name()}, {C.VISIT_PATIENT.name()}, {C.MONTH.name()}")
    store.export("events", root / "events.parquet", f"{C.EVENT_ARM.name()}, {C.EVENT_PATIENT.name()}")
    death_time = C.DEATH_TIME.name()
    ev = store.query("SELECT * FROM {parts}", "events")
    years = spec.years
    bmd = visit_means(store, spec, C.BMD_PCT_CHANGE)
    strength = visit_means(store, spec, C.STRENGTH_PCT_CHANGE)
    fracture_strength = visit_means(store, spec, C.FRACTURE_STRENGTH_PCT_CHANGE)
    grid_years = months_grid(spec) / 12.0
    arms: dict = {}
    km: dict = {kind: {} for kind in ENDPOINT_KINDS}
    by_arm = {arm: ev[ev[C.EVENT_ARM.name()] == arm] for arm in spec.arms}
    for arm, e in by_arm.items():
        n = int(len(e))
        fr = {}
        person_years = float(np.fmin(np.where(e[death_time].isna(), years, e[death_time]), years).sum())
        for kind in ENDPOINT_KINDS:
            t, event = event_columns(e, kind, years)
            k = int(event.sum())
            fr[kind] = {"events": k, "incidence": k / n if n else None,
                        "per_1000_patient_years": 1000.0 * k / person_years if person_years > 0 else None}
            km[kind][arm] = stats.km_cumulative_incidence(t, event, grid_years) if n else []
        arms[arm] = {"n": n, "regimen": list(spec.arms[arm]), "solver_failures": int((~e[C.EVENT_SOLVER_OK.name()]).sum()),
                     "deaths": int(e[death_time].notna().sum()), "person_years": person_years,
                     "bmd_pct_change": bmd[arm], "strength_pct_change": strength[arm],
                     "fracture_strength_pct_change": fracture_strength[arm], "fractures": fr}
    ctrl = by_arm[spec.control]
    power: dict = {}
    for arm, e in by_arm.items():
        rr, hr = {}, {}
        for kind in ENDPOINT_KINDS:
            a, c = arms[arm]["fractures"][kind], arms[spec.control]["fractures"][kind]
            rr[kind] = stats.relative_risk(a["events"], arms[arm]["n"], c["events"], arms[spec.control]["n"])
            if arm != spec.control:
                hr[kind] = hazard_ratio(e, ctrl, kind, years)
        arms[arm]["relative_risk"] = rr
        if arm != spec.control:
            arms[arm]["hazard_ratio"] = hr
            p_c = arms[spec.control]["fractures"]["vertebral"]["incidence"] or 0.0
            p_t = arms[arm]["fractures"]["vertebral"]["incidence"] or 0.0
            power[arm] = {"endpoint": "vertebral", "p_control": p_c, "p_treated": p_t,
                          "power_at_n": stats.power_two_proportions(p_c, p_t, arms[arm]["n"]),
                          "n_per_arm_for_80pct_power": stats.sample_size_two_proportions(p_c, p_t)}
    base = ctrl
    age = base[C.EVENT_AGE.name()]
    baseline = {"age_mean": float(age.mean()), "age_sd": float(age.std()),
                "bmi_mean": float(base[C.BMI.name()].mean()),
                **{flag.name(): float(base[flag.name()].mean()) for flag in C.RISK_FLAGS}}
    for s in SITES:
        baseline[f"tscore_{s}_mean"] = float(base[C.BASELINE_TSCORE.name(s)].mean())
    summary = {
        "trial": spec.name,
        "published": spec.published,
        "seed": seed,
        "years": years,
        "control": spec.control,
        "visits_months": [month_key(m) for m in spec.visits_months],
        "patients_per_arm": spec.population.patients_per_arm,
        "baseline": baseline,
        "arms": arms,
        "power": power,
        "km": {"t_years": [float(x) for x in grid_years], "cumulative_incidence": km},
        "published_comparison": published_comparison(spec, arms),
        "fracture_predictions": fracture_predictions(spec, by_arm),
        "method": {
            "design": "every arm starts from the same virtual patients (one untreated history each, branched at "
                      "randomisation); fracture draws are shared between arms (common random numbers), so "
                      "between-arm CIs that assume independent groups are conservative",
            "fracture_model": "osteosim.outcomes.fracture (Fracture2026): no drug-specific fracture multiplier; "
                              + ("treatments act through the simulated BMD; " if spec.population.fracture_hazard == "bmd"
                                 else "hazard from load over strength (osteosim.outcomes.strength_hazard, "
                                      "StrengthHazard2026) with the resorption-cavity stress riser "
                                      "(outcomes.strength.fracture_strength): treatments act through the simulated "
                                      "bone volume, mineral and remodeling space; ")
                              + "background incidence: "
                              + ("general population" if spec.population.fracture_incidence == "general" else
                                 "trial population (general-population incidence x factors fitted to published "
                                 "placebo arms, osteosim calibrate --fractures)"),
            "baseline_bmd": "measured baseline: each patient's sampled T-scores rescale the site peaks "
                            "(outcomes/patient_run.py)",
            "solver": solver,
        },
        "wall_s": wall_s,
        "citations": citations.references(trial_citation_keys(spec)),
    }
    if spec.parameter_draws:  # intervals that separate patient sampling from parameter uncertainty
        from .uncertainty import summarise

        summary["uncertainty"] = summarise(spec, store, arms, by_arm)
    summary = to_jsonable(summary)
    atomic_write_text(root / "report.html", render_report(spec, summary))
    atomic_write_json(root / "summary.json", summary)
    return summary


def published_comparison(spec: TrialSpec, arms: dict) -> list[dict]:
    """Simulated vs published BMD targets (C rows) of the trial the file names, per row."""
    if spec.published is None:
        return []
    from .published import PUBLISHED_BMD_TARGETS
    from .targets import load_targets

    targets = load_targets()
    treated = [a for a in spec.arms if a != spec.control]
    out = []
    for row in PUBLISHED_BMD_TARGETS:
        tid, trial, site, month, kind = row[:5]
        if trial != spec.published or not treated:
            continue
        key = month_key(float(month))
        ctrl = arms[spec.control]["bmd_pct_change"][site].get(key)
        act = arms[treated[0]]["bmd_pct_change"][site].get(key)
        if ctrl is None or act is None:
            continue
        sim = {"pct": act["mean"], "vs": act["mean"] - ctrl["mean"], "pbo": ctrl["mean"]}[kind]
        t = targets[tid]
        out.append({"id": tid, "trial": PUBLISHED[trial], "arm": spec.control if kind == "pbo" else treated[0],
                     "site": site, "month": key, "quantity": t.quantity, "unit": t.unit, "published": t.value_f,
                     "tolerance": t.tolerance_f, "simulated": sim, "within_tolerance": abs(sim - t.value_f) <= t.tolerance_f,
                     "source": t.source})
    return out
