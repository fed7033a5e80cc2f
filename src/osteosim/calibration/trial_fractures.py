"""Fit the fracture incidence of trial populations to the published placebo arms (reproducible).

The fracture model's incidences are those of the general population (Norway, EPOS; Fracture2026)
and its relative risks are the FRAX meta-analyses.  Women who enrol in a fracture trial break
fewer bones than women of the same age, BMD and risk factors in those cohorts (healthier
volunteers, and trials recruit many women in regions with lower incidence: FRAME's Latin
American centres, for instance): simulated placebo arms of the template trials have 2-4 times
the published placebo incidence.  Two factors scale the background incidence of a trial
population, one for (morphometric) vertebral and one for nonvertebral (hip, wrist and other)
fractures; they are fitted here to the published placebo incidences of FREEDOM, FIT-1, the
Fracture Prevention Trial and FRAME (osteosim.trials.published).  Treated arms are not used:
the relative risks of treatment stay predictions of the mechanism.

Method: the placebo arm of each template is simulated once (``per_arm`` patients, the template's
seed, general-population incidence); each patient's cumulative hazard of a first vertebral and
a first nonvertebral fracture up to the published month is integrated monthly along the
simulated BMD (no new fractures: the first one is what the trials count); for a factor c the
expected incidence is ``mean(1 - exp(-c Lambda))``; c minimises the squared log-ratio to the
published incidences (``scipy.optimize.minimize_scalar``, bounded).  Deterministic.
"""
from __future__ import annotations

import json
import tempfile
from importlib import resources
from pathlib import Path

import numpy as np

from ..outcomes.fracture import NONVERTEBRAL_KINDS
from . import stored_fit

__all__ = ["GROUPS", "TEMPLATES", "cumulative_hazards", "fit", "write_fit", "check", "summary", "FIT_PATH"]

#: factor parameter of Fracture2026 -> fracture kinds of the model it scales
GROUPS = {"trial_vertebral_incidence_factor": ("vertebral",),
          "trial_nonvertebral_incidence_factor": NONVERTEBRAL_KINDS}
#: published trial -> template of examples/trials that mimics it
TEMPLATES = {"freedom": "freedom_like", "fit1": "fit1_like", "fpt": "fpt_like", "frame": "frame_like"}
_KIND_GROUP = {"vertebral": "trial_vertebral_incidence_factor", "nonvertebral": "trial_nonvertebral_incidence_factor"}
FIT_PATH = Path(str(resources.files("osteosim").joinpath("data/fracture_fit.json")))
EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "trials"


def _targets():
    from ..trials.published import PUBLISHED_FRACTURES

    return [pf for pf in PUBLISHED_FRACTURES
            if pf.trial in TEMPLATES and pf.placebo_pct is not None and pf.kind in _KIND_GROUP
            # one row per trial and kind: the longest follow-up
            and pf.month == max(q.month for q in PUBLISHED_FRACTURES if (q.trial, q.kind) == (pf.trial, pf.kind))]


def cumulative_hazards(template: str, months: float, per_arm: int, examples: Path = EXAMPLES) -> dict[str, np.ndarray]:
    """Per-patient cumulative hazard of a first fracture of each model kind up to ``months``,
    along the simulated BMD of the template's placebo arm (general-population incidence)."""
    import pandas as pd
    import yaml
    from scipy.interpolate import interp1d

    from ..outcomes.densitometry import tscore
    from ..outcomes.fracture import KIND_SITES, KINDS, FractureModel, RiskFactors
    from ..parameters.osteosim2026 import OSTEOSIM2026
    from ..trials import TrialSpec, run_trial

    data = yaml.safe_load((examples / f"{template}.yaml").read_text())
    spec0 = TrialSpec.from_mapping(data)
    end = spec0.years * 12.0
    data["arms"] = {spec0.control: data["arms"][spec0.control]}
    data["population"]["patients_per_arm"] = per_arm
    data["population"]["fracture_incidence"] = "general"
    data["visits_months"] = sorted({float(m) for m in np.arange(3.0, end + 1e-9, 3.0)} | {end})
    spec = TrialSpec.from_mapping(data)
    with tempfile.TemporaryDirectory() as tmp:
        run_trial(spec, tmp)
        vis = pd.read_parquet(Path(tmp) / "patients.parquet").sort_values(["patient", "month"])
        ev = pd.read_parquet(Path(tmp) / "events.parquet").sort_values("patient")
    base = OSTEOSIM2026.values_dict()
    n = len(ev)
    visit_months = vis["month"].to_numpy().reshape(n, -1)[0]
    tsc = {s: tscore(vis[f"bmd_true_{s}"].to_numpy().reshape(n, -1), base, s) for s in set(KIND_SITES.values())}
    rf = RiskFactors(
        female=(ev["sex"] == "female").to_numpy(float), smoker=ev["smoker"].to_numpy(float),
        parental_hip=ev["family_history"].to_numpy(float), glucocorticoids=ev["glucocorticoids"].to_numpy(float),
        bmi=ev["bmi"].to_numpy(float),
        prior_fracture=(ev["prior_fracture"] | ev["prevalent_vertebral_fracture"]).to_numpy(float),
        prior_vertebral=ev["prevalent_vertebral_fracture"].to_numpy(float))
    fm = FractureModel(setting="general")
    age0 = ev["age"].to_numpy(float)
    cum = np.zeros((n, len(KINDS)))
    horizon = min(float(months), end)
    starts = np.arange(0.0, horizon, 1.0)
    # T-scores at the start of each month, linear between the (common) visit months: (n, months)
    at = {s: interp1d(visit_months, tsc[s], axis=1)(starts) for s in tsc}
    for j, m in enumerate(starts):
        dt = min(1.0, horizon - m) / 12.0
        age = age0 + m / 12.0
        h = fm.hazards(age, rf, {s: fm.zscore(s, at[s][:, j], age, rf.female) for s in at})
        cum += h * dt
    return {k: cum[:, i] for i, k in enumerate(KINDS)}


def fit(per_arm: int = 1000) -> dict:
    """Fit the two factors; returns {"values", "report", "method", "per_arm"}."""
    from scipy.optimize import minimize_scalar

    targets = _targets()
    lam = {}
    for pf in targets:
        h = cumulative_hazards(TEMPLATES[pf.trial], pf.month, per_arm)
        lam[(pf.trial, pf.kind)] = h["vertebral"] if pf.kind == "vertebral" else sum(h[k] for k in NONVERTEBRAL_KINDS)

    def incidence(c: float, key) -> float:
        return 100.0 * float(np.mean(-np.expm1(-c * lam[key])))

    values, report = {}, {}
    for param, kind in ((p, k) for k, p in _KIND_GROUP.items()):
        rows = [pf for pf in targets if pf.kind == kind]
        loss = lambda c: sum((np.log(incidence(c, (pf.trial, pf.kind))) - np.log(pf.placebo_pct)) ** 2 for pf in rows)  # noqa: E731
        res = minimize_scalar(loss, bounds=(0.02, 5.0), method="bounded", options={"xatol": 1e-6})
        values[param] = float(res.x)
        for pf in rows:
            report[f"{pf.trial}_{kind}_{pf.month:g}mo"] = {
                "published_placebo_pct": pf.placebo_pct, "simulated_general_pct": incidence(1.0, (pf.trial, pf.kind)),
                "simulated_fitted_pct": incidence(values[param], (pf.trial, pf.kind)), "source": pf.source}
    return {"values": values, "report": report, "per_arm": per_arm,
            "method": "scipy.optimize.minimize_scalar (bounded) on squared log-ratios of expected placebo incidence "
                      "(first fracture, monthly cumulative hazard along the simulated BMD) to the published ones"}


def write_fit(result: dict, path: Path = FIT_PATH) -> Path:
    return stored_fit.write(result, path)


def check(rtol: float = 1e-3, per_arm: int | None = None) -> tuple[bool, dict]:
    """Re-derive the fit (with the stored patients per arm) and compare with the stored values."""
    stored = json.loads(FIT_PATH.read_text())
    return stored_fit.compare(FIT_PATH, fit(per_arm or stored["per_arm"])["values"], rtol)


def summary(result: dict) -> stored_fit.Summary:
    rows = [(k, f"{r['published_placebo_pct']:.2f}", f"{r['simulated_general_pct']:.2f}",
             f"{r['simulated_fitted_pct']:.2f}", r["source"][:60]) for k, r in result["report"].items()]
    return stored_fit.Summary("trial fracture incidence: placebo arms, % with >= 1 fracture",
                              ("target", "published", "general population", "fitted", "source"), rows,
                              [stored_fit.values_line(result["values"])])
