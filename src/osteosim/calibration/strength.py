"""Fit the mineral exponent of the strength law to the FREEDOM QCT finite-element strength changes (reproducible).

Strength per site is ``BV^b_site * mineral^q`` (:mod:`osteosim.outcomes.strength`): the site exponents
``b_site`` are Morgan 2003's, and ``q`` (how much mean tissue mineralization stiffens bone at a
given bone volume) has only a loose prior, "roughly cubic" in calcium content (Currey 1988;
2-3 in the strength-and-fracture reference).  It is fitted here to the denosumab-minus-placebo
FE strength changes at 36 months (Keaveny 2014: hip +14.3 pp, spine +22.4 pp; calibration-targets
rows 81a, 81b), which are mechanical measurements, not fracture outcomes.  The other strength
checks (81c-81f: within-arm changes, 82: teriparatide) stay predictions.

Method: the pivotal-trial cohort of :mod:`osteosim.calibration.therapies` is solved once (the
states do not depend on q); q minimises ``sum(((sim - target) / tol)^2) + ((ln q - ln 3) / ln 2)^2``
(a log-normal prior at Currey's 3, one SD a factor of 2) over [0.5, 6]
(``scipy.optimize.minimize_scalar``, bounded).  Deterministic; ``osteosim calibrate --strength``.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
from scipy.optimize import minimize_scalar

from ..models.osteosim import Osteosim
from . import therapies as th

from . import stored_fit

__all__ = ["FITTED_ROWS", "PARAMETER", "PRIOR", "fit", "write_fit", "check", "FIT_PATH"]

#: the rows q is fitted to (the rest of therapies.STRENGTH_ROWS are checks)
FITTED_ROWS = ("81a", "81b")
PARAMETER = "strength_mineral_exponent"
#: prior median (Currey 1988) and one log-SD
PRIOR = (3.0, float(np.log(2.0)))
BOUNDS = (0.5, 6.0)
FIT_PATH = Path(str(resources.files("osteosim").joinpath("data/strength_fit.json")))


def fit() -> dict:
    """The fitted exponent with a report of every strength row (fitted and checks)."""
    model = Osteosim()
    base = model.default_parameters().values_dict()
    results = th.solve_cohort(base, model)
    table = th.strength_table()

    def cost(q: float) -> float:
        sim = th.strength_rows(results, dict(base, **{PARAMETER: q}), model)
        data = sum(((sim[k] - table[k][0]) / table[k][2]) ** 2 for k in FITTED_ROWS)
        return data + ((np.log(q) - np.log(PRIOR[0])) / PRIOR[1]) ** 2

    res = minimize_scalar(cost, bounds=BOUNDS, method="bounded", options={"xatol": 1e-6})
    q = float(res.x)
    sim = th.strength_rows(results, dict(base, **{PARAMETER: q}), model)
    report = {k: {"target": v, "tolerance": tol, "simulated": float(sim[k]), "pass": bool(abs(sim[k] - v) <= tol),
                  "fitted": k in FITTED_ROWS, "source": src} for k, (v, _, tol, src) in table.items()}
    return {"values": {PARAMETER: q}, "report": report, "cost": float(res.fun),
            "method": "scipy.optimize.minimize_scalar (bounded), ((sim - target) / tol)^2 over rows "
                      f"{', '.join(FITTED_ROWS)} + log-normal prior {PRIOR[0]:g} (log-SD ln 2), bounds {BOUNDS}"}


def write_fit(result: dict, path: Path = FIT_PATH) -> Path:
    return stored_fit.write(result, path)


def check(rtol: float = 1e-3) -> tuple[bool, dict]:
    """Re-derive the fit: (reproduced within rtol, {name: (stored, re-derived, rel. diff)})."""
    return stored_fit.check(fit, FIT_PATH, rtol)
