"""Fit the distal radius's turnover to published forearm BMD loss (reproducible), every other parameter fixed.

The radius is a local site (physiology.sites): it feeds neither the shared osteoclast precursor pool
nor the serum markers, so ``turnover_distal_radius`` moves the radius alone and is fitted here on
its own, after the natural-history fit (:mod:`osteosim.calibration.natural_history`), whose values
stay as they are.  Targets (calibration-targets.csv):

* 90a-90c: distal-forearm BMD loss 2.0, 1.0 and 1.0 %/y at 0-8, 8-16 and 16-28 years after the
  menopause (Svejme 2012, 81 women followed from menopause for 24 years; SPA): the SWAN woman of
  the natural-history cohort (menopause at 51), 51-59, 59-67 and 67-79 y;
* 90d, 90e: Tromso 1994-2001 (Emaus 2006): distal forearm -0.9 %/y in women not on hormone
  therapy and -0.5 %/y in men aged 45-84; taken at the cohort's middle, 60 to 66.5 y (assumption);
* 90f (check, never fitted): Zebaze 2010, 84 % of the distal-radius bone lost between 50 and 80
  is lost after 65 (HR-pQCT; cortical porosity the model does not carry yet).

Method: ``scipy.optimize.minimize_scalar`` (bounded, in log turnover) of
``sum(((sim - target) / tol)^2) + ((ln rho - ln rho_prior) / ln 3)^2`` (the natural-history fit's
log-normal prior, one SD a factor of 3) over the bounds of the parameter.  Deterministic;
``osteosim calibrate --radius``.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
from scipy.optimize import minimize_scalar

from ..models.osteosim import Osteosim
from ..outcomes.patient_run import relative_bmd, simulate_cohort
from ..parameters.osteosim2026 import RADIUS_TURNOVER_PRIOR
from ..physiology.patient import Patient
from ..trials.targets import load_targets
from .natural_history import CALIBRATION_SOLVER, FMP, PRIOR_LOG_SD

from . import stored_fit

__all__ = ["PARAMETER", "SITE", "ROWS", "FITTED_ROWS", "simulate_targets", "targets", "fit", "write_fit", "check", "summary",
           "FIT_PATH"]

SITE = "distal_radius"
PARAMETER = "turnover_distal_radius"
BOUNDS = (0.01 / 365.25, 0.5 / 365.25)
#: the cohort: the natural-history SWAN woman (menopause at 51) and an untreated man
COHORT = {"women": Patient(sex="female", age=50.0, menopause_age=FMP), "men": Patient(sex="male", age=65.0)}
#: id -> (who, from age, to age, quantity): "rate" %/y of radius BMD, "share_after" share (%) of the
#: from..to loss that happens after the middle age (90f: 50, 65, 80)
ROWS = {
    "90a": ("women", FMP, FMP + 8.0, "rate"),
    "90b": ("women", FMP + 8.0, FMP + 16.0, "rate"),
    "90c": ("women", FMP + 16.0, FMP + 28.0, "rate"),
    "90d": ("women", 60.0, 66.5, "rate"),
    "90e": ("men", 60.0, 66.5, "rate"),
    "90f": ("women", 50.0, 80.0, "share_after"),
}
#: the rows the turnover is fitted to (90f is a check)
FITTED_ROWS = ("90a", "90b", "90c", "90d", "90e")
#: the SWAN transmenopause window of rows 1b/2b, reported for the radius beside the spine
TRANSMENOPAUSE = (FMP - 1.0, FMP + 2.0)
AGES = np.unique(np.array([a for _, a0, a1, _ in ROWS.values() for a in (a0, a1)] + [65.0, *TRANSMENOPAUSE]))
FIT_PATH = Path(str(resources.files("osteosim").joinpath("data/radius_fit.json")))


def _solve(params: dict, model: Osteosim):
    sol = simulate_cohort(model, params, list(COHORT.values()), AGES, CALIBRATION_SOLVER)
    if not sol.ok.all():
        raise RuntimeError("radius calibration cohort solve failed")
    return sol


def simulate_targets(params: dict, model: Osteosim | None = None) -> dict[str, float]:
    """Simulated value of every radius row (and of the transmenopause change of radius and spine, %)."""
    model = model or Osteosim()
    sol = _solve(params, model)
    names = list(COHORT)

    def at(who, age, site=SITE):
        return float(relative_bmd(model, sol.ys[names.index(who), int(np.searchsorted(AGES, age))], site))

    out = {}
    for tid, (who, a0, a1, kind) in ROWS.items():
        if kind == "rate":
            out[tid] = 100.0 * (at(who, a1) / at(who, a0) - 1.0) / (a1 - a0)
        else:
            out[tid] = 100.0 * (at(who, 65.0) - at(who, a1)) / (at(who, a0) - at(who, a1))
    for site, key in ((SITE, "transmenopause_distal_radius"), ("lumbar_spine", "transmenopause_lumbar_spine")):
        out[key] = 100.0 * (at("women", TRANSMENOPAUSE[1], site) / at("women", TRANSMENOPAUSE[0], site) - 1.0)
    return out


def targets() -> dict[str, tuple[float, float, str]]:
    """id -> (value, tolerance, source) of the radius rows of calibration-targets.csv."""
    t = load_targets()
    return {k: (t[k].value_f, t[k].tolerance_f, t[k].source) for k in ROWS}


def _report(sim: dict, table: dict) -> dict:
    return {k: {"target": v, "tolerance": tol, "simulated": float(sim[k]), "pass": bool(abs(sim[k] - v) <= tol),
                "fitted": k in FITTED_ROWS, "source": src} for k, (v, tol, src) in table.items()}


def fit() -> dict:
    """The fitted radius turnover (1/day) with a report of every radius row (fitted and check)."""
    model = Osteosim()
    base = model.default_parameters().values_dict()
    table = targets()

    def cost(log_rho: float) -> float:
        sim = simulate_targets(dict(base, **{PARAMETER: float(np.exp(log_rho))}), model)
        data = sum(((sim[k] - table[k][0]) / table[k][1]) ** 2 for k in FITTED_ROWS)
        return data + ((log_rho - np.log(RADIUS_TURNOVER_PRIOR)) / PRIOR_LOG_SD) ** 2

    res = minimize_scalar(cost, bounds=tuple(np.log(BOUNDS)), method="bounded", options={"xatol": 1e-4})
    rho = float(np.exp(res.x))
    sim = simulate_targets(dict(base, **{PARAMETER: rho}), model)
    return {"values": {PARAMETER: rho}, "report": _report(sim, table), "cost": float(res.fun),
            "transmenopause_pct": {k: sim[f"transmenopause_{k}"] for k in (SITE, "lumbar_spine")},
            "method": "scipy.optimize.minimize_scalar (bounded, log turnover), ((sim - target) / tol)^2 over rows "
                      f"{', '.join(FITTED_ROWS)} + log-normal prior {RADIUS_TURNOVER_PRIOR * 365.25:g}/y (log-SD ln 3); "
                      "every other parameter fixed at the shipped values"}


def write_fit(result: dict, path: Path = FIT_PATH) -> Path:
    return stored_fit.write(result, path)


def check(rtol: float = 1e-3) -> tuple[bool, dict]:
    """Re-derive the fit: (reproduced within rtol, {name: (stored, re-derived, rel. diff)})."""
    return stored_fit.check(fit, FIT_PATH, rtol)


def summary(result: dict) -> stored_fit.Summary:
    return stored_fit.target_summary("distal radius: forearm BMD loss (rows not fitted are checks)", result,
                                     lambda name, v: f" ({v * 365.25:.4f}/y)" if name.startswith("turnover") else "")
