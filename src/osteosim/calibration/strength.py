"""Fit the strength law's mineral exponent and trabecular weights (reproducible; no fracture outcome is used).

Strength per site is ``w S_tb + (1 - w) S_ct`` with ``S_tb = bvc^b_site minc^q`` and ``S_ct = bvk^b_ct mk^q``
(:mod:`osteosim.outcomes.strength`).  Two things are set here, jointly:

* ``w`` (``trabecular_strength_weight_<site>``), the trabecular share of the young adult's strength: the
  cadaver and micro-FE studies measure the share in elderly bone (``trabecular_strength_share_<site>``),
  so it holds at the model's reference woman of that age (untreated, ``strength_share_reference_age``,
  natural menopause at 51): ``w S_tb,ref / (w S_tb,ref + (1 - w) S_ct,ref) = share``, i.e.
  ``w = share S_ct,ref / (share S_ct,ref + (1 - share) S_tb,ref)``;
* ``q`` (how much mean tissue mineralization stiffens bone at a given volume) has only a loose prior, "roughly cubic" in calcium content (Currey 1988;
2-3 in the strength-and-fracture reference).  It is fitted here to the denosumab-minus-placebo
FE strength changes at 36 months (Keaveny 2014: hip +14.3 pp, spine +22.4 pp; calibration-targets
rows 81a, 81b), which are mechanical measurements, not fracture outcomes.  The other strength
checks (81c-81f: within-arm changes, 82: teriparatide) stay predictions.

Method: the pivotal-trial cohort of :mod:`osteosim.calibration.therapies` and the reference woman are
solved once (the states do not depend on q or w); for each q the weights follow from the shares, and q minimises ``sum(((sim - target) / tol)^2) + ((ln q - ln 3) / ln 2)^2``
(a log-normal prior at Currey's 3, one SD a factor of 2) over [0.5, 6]
(``scipy.optimize.minimize_scalar``, bounded).  Deterministic; ``osteosim calibrate --strength``.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
from scipy.optimize import minimize_scalar

from ..models.osteosim import Osteosim
from ..outcomes.strength import compartment_strengths, compartments
from ..physiology.patient import SITES, Patient
from ..runs import Lane, build_run
from ..units import DAYS_PER_YEAR
from . import therapies as th

from . import stored_fit

__all__ = ["FITTED_ROWS", "PARAMETER", "PRIOR", "fit", "write_fit", "check", "summary", "FIT_PATH", "reference_states",
           "trabecular_weights"]

#: the rows q is fitted to (the rest of therapies.STRENGTH_ROWS are checks)
FITTED_ROWS = ("81a", "81b")
PARAMETER = "strength_mineral_exponent"
#: prior median (Currey 1988) and one log-SD
PRIOR = (3.0, float(np.log(2.0)))
BOUNDS = (0.5, 6.0)
FIT_PATH = Path(str(resources.files("osteosim").joinpath("data/strength_fit.json")))


def reference_states(params: dict, model: Osteosim) -> np.ndarray:
    """States (n_states,) of the untreated reference woman at ``strength_share_reference_age``."""
    ref = Patient(sex="female", age=float(params["strength_share_reference_age"]))
    sol = build_run(model, [Lane(ref)], params, ts=np.array([ref.age * DAYS_PER_YEAR])).solve()
    if not sol.ok[0]:
        raise RuntimeError("calibration.strength: the reference woman's solve failed")
    return sol.ys[0, -1]


def trabecular_weights(params: dict, model: Osteosim, ys_ref: np.ndarray) -> dict[str, float]:
    """``trabecular_strength_weight_<site>`` that give each site its measured trabecular share at the reference."""
    out = {}
    for site in SITES:
        s_tb, s_ct = (float(v) for v in compartment_strengths(*compartments(model, ys_ref, params, site), params, site))
        share = params[f"trabecular_strength_share_{site}"]
        out[f"trabecular_strength_weight_{site}"] = share * s_ct / (share * s_ct + (1.0 - share) * s_tb)
    return out


def fit() -> dict:
    """The fitted exponent and derived weights with a report of every strength row (fitted and checks)."""
    model = Osteosim()
    base = model.default_parameters().values_dict()
    results = th.solve_cohort(base, model)
    ys_ref = reference_states(base, model)
    table = th.strength_table()

    def params(q: float) -> dict:
        p = dict(base, **{PARAMETER: q})
        return dict(p, **trabecular_weights(p, model, ys_ref))

    def cost(q: float) -> float:
        sim = th.strength_rows(results, params(q), model)
        data = sum(((sim[k] - table[k][0]) / table[k][2]) ** 2 for k in FITTED_ROWS)
        return data + ((np.log(q) - np.log(PRIOR[0])) / PRIOR[1]) ** 2

    res = minimize_scalar(cost, bounds=BOUNDS, method="bounded", options={"xatol": 1e-6})
    q = float(res.x)
    p = params(q)
    sim = th.strength_rows(results, p, model)
    report = {k: {"target": v, "tolerance": tol, "simulated": float(sim[k]), "pass": bool(abs(sim[k] - v) <= tol),
                  "fitted": k in FITTED_ROWS, "source": src} for k, (v, _, tol, src) in table.items()}
    shares = {}
    for site in SITES:
        s_tb, s_ct = (float(v) for v in compartment_strengths(*compartments(model, ys_ref, p, site), p, site))
        shares[site] = {"share_at_reference": p[f"trabecular_strength_share_{site}"], "s_tb_reference": s_tb,
                        "s_ct_reference": s_ct, "weight_young_adult": p[f"trabecular_strength_weight_{site}"]}
    weights = {k: p[k] for k in trabecular_weights(p, model, ys_ref)}
    return {"values": {PARAMETER: q, **weights}, "report": report, "load_sharing": shares, "cost": float(res.fun),
            "method": "scipy.optimize.minimize_scalar (bounded), ((sim - target) / tol)^2 over rows "
                      f"{', '.join(FITTED_ROWS)} + log-normal prior {PRIOR[0]:g} (log-SD ln 2), bounds {BOUNDS}; at each q "
                      "the trabecular weights w = share S_ct,ref / (share S_ct,ref + (1 - share) S_tb,ref) at the "
                      f"untreated reference woman aged {base['strength_share_reference_age']:g}"}


def write_fit(result: dict, path: Path = FIT_PATH) -> Path:
    return stored_fit.write(result, path)


def check(rtol: float = 1e-3) -> tuple[bool, dict]:
    """Re-derive the fit: (reproduced within rtol, {name: (stored, re-derived, rel. diff)})."""
    return stored_fit.check(fit, FIT_PATH, rtol)


def summary(result: dict) -> stored_fit.Summary:
    return stored_fit.target_summary("strength law: QCT finite-element strength changes (rows not fitted are checks)",
                                     result)
