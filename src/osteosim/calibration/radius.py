"""Fit the distal radius's turnover, mechanostat strain exponent and cancellous turnover ratio to published forearm
BMD and trabecular bone loss (reproducible), every other parameter fixed.

The radius is a local site (physiology.sites): it feeds neither the shared osteoclast precursor pool
nor the serum markers, so ``turnover_distal_radius`` and ``strain_bmd_exponent_distal_radius`` move the
radius alone and are fitted here on their own, after the natural-history fit
(:mod:`osteosim.calibration.natural_history`), whose values stay as they are.  The turnover alone cannot
give the cohorts' loss: it only sets how fast the radius reaches the balance the mechanostat restores
(apparent strain ~ (bv m)^-2 at every site), so the loss stops within a decade whatever its value.  The
strain exponent says how much the radius's habitual strain rises as it loses BMD; its periosteum expands
as it loses bone (Ahlborg 2003), so its strain rises far less and the loss goes on.  That loss acts on both
compartments with the same cells, the cancellous one ``cancellous_turnover_ratio_distal_radius`` times faster per
volume: with the red-marrow ratio of the other sites (8) the radius's 5 % of cancellous bone would be all but gone by
80, where the cohorts lose about a quarter of it over adult life (rows 90g, 90h), so that ratio is fitted too.
Targets (calibration-targets.csv):

* 90a-90c: distal-forearm BMD loss 2.0, 1.0 and 1.0 %/y at 0-8, 8-16 and 16-28 years after the
  menopause (Svejme 2012, 81 women followed from menopause for 24 years; SPA): the SWAN woman of
  the natural-history cohort (menopause at 51), 51-59, 59-67 and 67-79 y;
* 90d, 90e: Tromso 1994-2001 (Emaus 2006): distal forearm -0.9 %/y in women not on hormone
  therapy and -0.5 %/y in men aged 45-84; taken at the cohort's middle, 60 to 66.5 y (assumption);
* 90g, 90h: distal-radius trabecular vBMD lost between the young adult (25, the model's peak; 20-29 in the
  cohorts) and 90: 25 % in women, 26 % in men (Riggs 2004, QCT, peripheral sites; Khosla 2006, HR-pQCT BV/TV at the
  ultradistal radius -27 % and -26 %); simulated: the cancellous compartment's bvc x minc.
* 90f (check, never fitted): Zebaze 2010, 84 % of the distal-radius bone lost between 50 and 80
  is lost after 65 (HR-pQCT; cortical porosity the model does not carry yet).

Method: ``scipy.optimize.minimize`` (Nelder-Mead within the parameters' bounds, from the priors) over
(ln rho, q, ln R) of ``sum(((sim - target) / tol)^2) + ((ln rho - ln rho_prior) / ln 3)^2 + ((q - q_prior) /
Q_PRIOR_SD)^2 + ((ln R - ln R_prior) / ln 3)^2`` (the turnover's log-normal prior is the natural-history fit's, one SD
a factor of 3; the strain exponent's normal prior is centred on the Ahlborg 2003 estimate; the cancellous ratio's
log-normal prior is 1, fatty-marrow cancellous bone turning over no faster than the cortex, Parfitt 2002).  Deterministic; ``osteosim calibrate --radius``.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

from ..models.osteosim import Osteosim
from ..outcomes.patient_run import relative_bmd, simulate_cohort
from ..parameters.osteosim2026 import (RADIUS_CANCELLOUS_RATIO_BOUNDS, RADIUS_CANCELLOUS_RATIO_PRIOR,
                                       RADIUS_STRAIN_EXPONENT_BOUNDS, RADIUS_STRAIN_EXPONENT_PRIOR,
                                       RADIUS_TURNOVER_PRIOR)
from ..physiology.patient import Patient
from ..trials.targets import load_targets
from .natural_history import CALIBRATION_SOLVER, FMP, PRIOR_LOG_SD

from . import stored_fit

__all__ = ["PARAMETER", "STRAIN_PARAMETER", "RATIO_PARAMETER", "PARAMETERS", "SITE", "ROWS", "FITTED_ROWS", "simulate_targets", "targets",
           "fit", "write_fit", "check", "summary",
           "FIT_PATH"]

SITE = "distal_radius"
PARAMETER = "turnover_distal_radius"
BOUNDS = (0.01 / 365.25, 0.5 / 365.25)
STRAIN_PARAMETER = "strain_bmd_exponent_distal_radius"
RATIO_PARAMETER = "cancellous_turnover_ratio_distal_radius"
#: the fitted parameters, in the optimiser's order
PARAMETERS = (PARAMETER, STRAIN_PARAMETER, RATIO_PARAMETER)
#: prior SD of the strain exponent (assumption: Ahlborg's strength index is a surrogate of the bending strain, and
#: his women lost 1.9 +- 0.7 %/y while the index fell 0.7 +- 0.7 %/y; 0.5 lets q range over about 0.2-1.3)
Q_PRIOR_SD = 0.5
#: the cohort: the natural-history SWAN woman (menopause at 51) and an untreated man
COHORT = {"women": Patient(sex="female", age=50.0, menopause_age=FMP), "men": Patient(sex="male", age=65.0)}
#: id -> (who, from age, to age, quantity): "rate" %/y of radius BMD, "share_after" share (%) of the
#: from..to loss that happens after the middle age (90f: 50, 65, 80), "cancellous" % change of the radius's
#: cancellous vBMD (bvc x minc) from..to
ROWS = {
    "90a": ("women", FMP, FMP + 8.0, "rate"),
    "90b": ("women", FMP + 8.0, FMP + 16.0, "rate"),
    "90c": ("women", FMP + 16.0, FMP + 28.0, "rate"),
    "90d": ("women", 60.0, 66.5, "rate"),
    "90e": ("men", 60.0, 66.5, "rate"),
    "90f": ("women", 50.0, 80.0, "share_after"),
    "90g": ("women", 25.0, 90.0, "cancellous"),
    "90h": ("men", 25.0, 90.0, "cancellous"),
}
#: the rows the parameters are fitted to (90f is a check)
FITTED_ROWS = ("90a", "90b", "90c", "90d", "90e", "90g", "90h")
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

    def ys(who, age):
        return sol.ys[names.index(who), int(np.searchsorted(AGES, age))]

    def at(who, age, site=SITE):
        return float(relative_bmd(model, ys(who, age), site))

    def cancellous(who, age):
        y = ys(who, age)
        return float(y[model.state_names.index(f"bvc_{SITE}")] * y[model.state_names.index(f"minc_{SITE}")])

    out = {}
    for tid, (who, a0, a1, kind) in ROWS.items():
        if kind == "rate":
            out[tid] = 100.0 * (at(who, a1) / at(who, a0) - 1.0) / (a1 - a0)
        elif kind == "cancellous":
            out[tid] = 100.0 * (cancellous(who, a1) / cancellous(who, a0) - 1.0)
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
    """The fitted radius turnover (1/day), strain exponent and cancellous turnover ratio with a report of every radius
    row (fitted and check)."""
    model = Osteosim()
    base = model.default_parameters().values_dict()
    table = targets()

    def values(x) -> dict:
        return {PARAMETER: float(np.exp(x[0])), STRAIN_PARAMETER: float(x[1]), RATIO_PARAMETER: float(np.exp(x[2]))}

    def cost(x) -> float:
        sim = simulate_targets(dict(base, **values(x)), model)
        data = sum(((sim[k] - table[k][0]) / table[k][1]) ** 2 for k in FITTED_ROWS)
        prior = ((x[0] - np.log(RADIUS_TURNOVER_PRIOR)) / PRIOR_LOG_SD) ** 2
        prior += ((x[2] - np.log(RADIUS_CANCELLOUS_RATIO_PRIOR)) / PRIOR_LOG_SD) ** 2
        return data + prior + ((x[1] - RADIUS_STRAIN_EXPONENT_PRIOR) / Q_PRIOR_SD) ** 2

    x0 = np.array([np.log(RADIUS_TURNOVER_PRIOR), RADIUS_STRAIN_EXPONENT_PRIOR, np.log(RADIUS_CANCELLOUS_RATIO_PRIOR)])
    bounds = [tuple(np.log(BOUNDS)), RADIUS_STRAIN_EXPONENT_BOUNDS, tuple(np.log(RADIUS_CANCELLOUS_RATIO_BOUNDS))]
    res = minimize(cost, x0, method="Nelder-Mead", bounds=bounds,
                   options={"xatol": 1e-4, "fatol": 1e-6, "maxiter": 2000})
    if not res.success:
        raise RuntimeError(f"radius calibration did not converge: {res.message}")
    fitted = values(res.x)
    sim = simulate_targets(dict(base, **fitted), model)
    return {"values": fitted, "report": _report(sim, table), "cost": float(res.fun),
            "transmenopause_pct": {k: sim[f"transmenopause_{k}"] for k in (SITE, "lumbar_spine")},
            "method": "scipy.optimize.minimize (Nelder-Mead, bounded; ln turnover, strain exponent, ln cancellous ratio), "
                      "((sim - target) / tol)^2 "
                      f"over rows {', '.join(FITTED_ROWS)} + log-normal turnover prior {RADIUS_TURNOVER_PRIOR * 365.25:g}/y "
                      f"(log-SD ln 3) + normal strain-exponent prior {RADIUS_STRAIN_EXPONENT_PRIOR:g} (SD {Q_PRIOR_SD:g}) "
                      f"+ log-normal cancellous-ratio prior {RADIUS_CANCELLOUS_RATIO_PRIOR:g} (log-SD ln 3); "
                      "every other parameter fixed at the shipped values"}


def write_fit(result: dict, path: Path = FIT_PATH) -> Path:
    return stored_fit.write(result, path)


def check(rtol: float = 1e-3) -> tuple[bool, dict]:
    """Re-derive the fit: (reproduced within rtol, {name: (stored, re-derived, rel. diff)})."""
    return stored_fit.check(fit, FIT_PATH, rtol)


def summary(result: dict) -> stored_fit.Summary:
    return stored_fit.target_summary("distal radius: forearm BMD loss (rows not fitted are checks)", result,
                                     lambda name, v: f" ({v * 365.25:.4f}/y)" if name.startswith("turnover") else "")
