"""Simulated fracture ratios of a trial as predictions, next to the published ones.

Nothing in the fracture model is fitted to a treated arm's fractures (osteosim.outcomes.fracture;
the trial incidence factors are fitted to placebo arms only, calibration/trial_fractures.py), so
every simulated ratio here is a *prediction* of the mechanism, marked ``"status": "predicted"``.

One row per (treated arm, fracture kind, published count): the arm the published trial is
compared with (the first non-control arm of a file that names ``published:``) gets one row per
published result of that kind (data/published_trials.yaml), every other (arm, kind) one row at
the end of the trial without a published value.  The simulated ratio is the published one's
measure, computed from the simulated events (osteosim.trials.stats):

* ``RR``: patients with >= 1 fracture of the kind by the month, log (Katz) 95 % CI;
* ``HR``: Cox hazard ratio (lifelines, Efron ties) on time to the first fracture, censored at death,
  the month or the end of the trial;
* ``rate ratio``: first fractures per patient-year in the window [window_start, month] among the
  patients alive and without a fracture of the kind at its start, log (Poisson) 95 % CI.

A template shorter than the published trial is compared at its end (``month`` < ``published_month``).
All arms share their patients and fracture draws (common random numbers), so the CIs, which
assume independent groups, are conservative.
"""
from __future__ import annotations

import numpy as np

from ..outcomes import columns as C
from ..outcomes.fracture import ENDPOINT_KINDS
from . import stats
from .spec import PUBLISHED, TrialSpec

__all__ = ["fracture_predictions", "STATUS"]

#: how every simulated ratio was obtained: nothing is fitted to a treated arm's fractures
STATUS = "predicted"
_UNIT = {"RR": "%", "HR": "%", "rate ratio": "per 100 patient-years"}


def _at_risk(ev, kind: str, start_y: float, end_y: float, years: float):
    """(at risk at start, event in (start, end], follow-up years from start) of one arm's patients."""
    t = ev[C.TIME_TO.name(kind)].to_numpy(float)
    death = ev[C.DEATH_TIME.name()].to_numpy(float)
    stop = np.fmin(np.fmin(np.where(np.isnan(death), years, death), years), end_y)
    at_risk = ~(t <= start_y) & ~(death <= start_y)
    event = at_risk & (t > start_y) & (t <= end_y)
    follow = np.where(event, t, stop) - start_y
    return at_risk, event, np.clip(follow, 0.0, None)


def _simulated(measure: str, ctrl, act, kind: str, start_y: float, end_y: float, years: float) -> dict:
    r_c, e_c, f_c = _at_risk(ctrl, kind, start_y, end_y, years)
    r_t, e_t, f_t = _at_risk(act, kind, start_y, end_y, years)
    k_c, k_t, n_c, n_t = int(e_c.sum()), int(e_t.sum()), int(r_c.sum()), int(r_t.sum())
    py_c, py_t = float(f_c[r_c].sum()), float(f_t[r_t].sum())
    if measure == "rate ratio":
        res = stats.rate_ratio(k_t, py_t, k_c, py_c)
        control = 100.0 * k_c / py_c if py_c > 0 else None
        treated = 100.0 * k_t / py_t if py_t > 0 else None
    else:
        if measure == "HR":
            hr = stats.cox_hazard_ratio(np.r_[f_t[r_t], f_c[r_c]], np.r_[e_t[r_t], e_c[r_c]],
                                        np.r_[np.ones(n_t), np.zeros(n_c)])
            res = {"rr": hr["hr"], "ci95": hr["ci95"]}
        else:
            res = stats.relative_risk(k_t, n_t, k_c, n_c)
        control = 100.0 * k_c / n_c if n_c else None
        treated = 100.0 * k_t / n_t if n_t else None
    return {"simulated": res["rr"], "simulated_ci95": res["ci95"], "simulated_control": control,
            "simulated_treated": treated, "simulated_events": [k_c, k_t], "simulated_at_risk": [n_c, n_t]}


def _row(spec: TrialSpec, arm: str, kind: str, ctrl, act, pf) -> dict:
    end = spec.years * 12.0
    month = end if pf is None else min(float(pf.month), end)
    start = 0.0 if pf is None else min(float(pf.window_start), month)
    measure = "RR" if pf is None else pf.measure
    row = {"arm": arm, "kind": kind, "measure": measure, "month": month, "window_start": start, "status": STATUS,
           "unit": _UNIT[measure],
           **_simulated(measure, ctrl, act, kind, start / 12.0, month / 12.0 + 1e-9, spec.years),
           "trial": None, "published": None, "published_ci95": None, "published_ci_from_counts": False,
           "published_month": None, "published_control": None, "published_treated": None, "within_published_ci": None,
           "source": "", "note": ""}
    if pf is None:
        return row
    sim = row["simulated"]
    rate = measure == "rate ratio"
    row.update({
        "trial": PUBLISHED[pf.trial], "published": pf.ratio, "published_ci95": list(pf.ci) if pf.ci else None,
        "published_ci_from_counts": pf.ci_from_counts, "published_month": float(pf.month),
        "published_control": pf.placebo_rate if rate else pf.placebo_pct,
        "published_treated": pf.treated_rate if rate else pf.treated_pct,
        "within_published_ci": None if pf.ci is None or sim is None else bool(pf.ci[0] <= sim <= pf.ci[1]),
        "source": pf.source, "note": pf.note})
    return row


def fracture_predictions(spec: TrialSpec, events_by_arm: dict) -> list[dict]:
    """Rows of simulated (predicted) vs published fracture ratios: every treated arm and kind (module doc).

    events_by_arm: arm -> the arm's rows of events.parquet (time to the first fracture of each
    kind and death time, years)."""
    from .published import PUBLISHED_FRACTURES

    treated = [a for a in spec.arms if a != spec.control]
    compared = treated[0] if spec.published and treated else None
    ctrl = events_by_arm[spec.control]
    out = []
    for arm in treated:
        for kind in ENDPOINT_KINDS:
            pubs = [pf for pf in PUBLISHED_FRACTURES if arm == compared and pf.trial == spec.published and pf.kind == kind]
            for pf in pubs or [None]:
                out.append(_row(spec, arm, kind, ctrl, events_by_arm[arm], pf))
    return out
