"""One joint fit of the natural history and the drug effects (issue 17, deliver 9).

The site turnovers are what both sets of targets read: the loss rates of untreated women (SWAN,
Guthrie, FREEDOM placebo, older men; :mod:`.natural_history`) and the drugs' gains site by site
(the pivotal-trial C rows and FRAME marker shapes; :mod:`.therapies`).  Fitted one after the other,
the turnovers were set by the loss rates alone, and the drugs could not be made site-specific
(the spine gained too little, the hip too much).  Here every parameter of both fits is fitted at
once: MAP least squares, residuals (miss / tolerance) of every row plus log-normal priors (one SD =
a factor of 3) around the literature values, from fixed starting values, so the fit is
deterministic.  ``osteosim calibrate`` runs it; ``--write`` stores each part's values and report in
its own file (``natural_history_fit.json``, ``therapy_fit.json``: what the parameter sets read);
``--check`` re-derives and compares.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from scipy.optimize import least_squares

from ..models.osteosim import Osteosim
from . import natural_history as nh
from . import stored_fit
from . import therapies as th

__all__ = ["FITTED", "fit", "write_fit", "check", "summary", "METHOD"]

#: every fitted parameter -> (lower, upper) bounds: the natural history's, then the drugs'
FITTED = {**nh.FITTED, **th.FITTED}
_PRIORS = {**nh._PRIORS, **th._PRIORS}
#: where the search starts: the priors, except the drugs' start values (therapies._START)
_START = {**nh._PRIORS, **th._START}
PRIOR_LOG_SD = float(np.log(3.0))
#: least-squares stopping tolerance (ftol = xtol)
FIT_TOL = 1e-3
METHOD = (f"osteosim.calibration.joint: natural history and drug effects fitted together, scipy.optimize.least_squares "
          f"(trf, ftol = xtol = {FIT_TOL:g}), residuals (miss / tolerance) of every row + log-normal priors "
          "(one SD = a factor of 3), log-parameters")


def _rows(params: dict, model: Osteosim) -> tuple[dict, dict]:
    return nh.simulate_targets(params, model), th.simulate_trial_targets(params, model)


def fit(verbose: int = 0, max_nfev: int = 60) -> dict:
    """The joint MAP fit; returns values, per-row reports of both parts, cost and evaluations."""
    model = Osteosim()
    base = model.default_parameters().values_dict()
    names = list(FITTED)
    lo = np.log([FITTED[n][0] for n in names])
    hi = np.log([FITTED[n][1] for n in names])
    x_prior = np.log([_PRIORS[n] for n in names])
    nh_targets, th_targets = nh._targets(), th._target_table()

    def resid(x):
        a, b = _rows(dict(base, **{n: float(np.exp(v)) for n, v in zip(names, x)}), model)
        data = [(a[k] - v) / tol for k, (v, tol, _) in nh_targets.items()]
        data += [th._miss(b[k], lo_, hi_) / tol for k, (lo_, hi_, tol, _) in th_targets.items()]
        return np.concatenate([data, (x - x_prior) / PRIOR_LOG_SD])

    x0 = np.clip(np.log([_START[n] for n in names]), lo + 1e-9, hi - 1e-9)
    res = least_squares(resid, x0, bounds=(lo, hi), diff_step=1e-3, ftol=FIT_TOL, xtol=FIT_TOL, verbose=verbose,
                        max_nfev=max_nfev)
    values = {n: float(np.exp(v)) for n, v in zip(names, res.x)}
    a, b = _rows(dict(base, **values), model)
    report_nh = {k: {"target": v, "tolerance": tol, "simulated": float(a[k]), "pass": bool(abs(a[k] - v) <= tol),
                     "source": src} for k, (v, tol, src) in nh_targets.items()}
    report_th = {k: {"target": [lo_, hi_] if lo_ != hi_ else lo_, "tolerance": tol, "simulated": float(b[k]),
                     "pass": bool(abs(th._miss(b[k], lo_, hi_)) <= tol), "source": src}
                 for k, (lo_, hi_, tol, src) in th_targets.items()}
    return {"values": values, "report": {**report_nh, **report_th}, "parts": {"natural_history": report_nh,
            "therapies": report_th}, "cost": float(res.cost), "nfev": int(res.nfev), "method": METHOD,
            "patients": {k: v.model_dump(exclude_defaults=True) for k, v in th.TRIALS.items()}}


def write_fit(result: dict) -> tuple[Path, Path]:
    """Store each part (values it owns, its rows' report) where its parameter set reads it."""
    paths = []
    for module, part in ((nh, "natural_history"), (th, "therapies")):
        payload = {"values": {k: result["values"][k] for k in module.FITTED}, "report": result["parts"][part],
                   "cost": result["cost"], "nfev": result["nfev"], "method": result["method"]}
        if part == "therapies":
            payload["patients"] = result["patients"]
        paths.append(stored_fit.write(payload, module.FIT_PATH))
    return tuple(paths)


def check(rtol: float = 1e-3) -> tuple[bool, dict]:
    """Re-derive the joint fit and compare with the stored values of both parts."""
    stored = {**json.loads(nh.FIT_PATH.read_text())["values"], **json.loads(th.FIT_PATH.read_text())["values"]}
    return stored_fit.compare_values(stored, fit()["values"], rtol)


def summary(result: dict, therapies_first: bool = False) -> stored_fit.Summary:
    """The joint fit's rows, natural history first (or the drug rows first)."""
    parts = ("therapies", "natural_history") if therapies_first else ("natural_history", "therapies")
    rows = [(k, f"{r['simulated']:.2f}", str(r["target"]), f"{r['tolerance']:.2f}", "yes" if r["pass"] else "NO",
             r["source"]) for part in parts for k, r in result["parts"][part].items()]
    return stored_fit.Summary("joint calibration: natural history and drug effects",
                              ("target", "simulated", "value", "tolerance", "pass", "source"), rows, [])
