"""Estimates of one trial arm from the recorded rows (the nominal trial's and each parameter draw's).

Mean change per site and visit over the patients alive at the visit (DuckDB over the Parquet
parts, so memory does not grow with N), time to first fracture censored at death or the end, and
the Cox hazard ratio against the control arm.  :mod:`.endpoints` builds the summary from them,
:mod:`.uncertainty` the per-draw estimates.
"""
from __future__ import annotations

import math

import numpy as np

from ..outcomes import columns as C
from ..physiology.patient import SITES
from . import stats
from .spec import TrialSpec
from .store import TrialStore

__all__ = ["month_key", "visit_stats", "mean_entry", "visit_means", "event_columns", "hazard_ratio"]


def month_key(m: float) -> str:
    return str(int(m)) if float(m).is_integer() else f"{m:g}"


def visit_stats(store: TrialStore, column: C.Column, kind: str = "visits"):
    """Per arm and visit (and per draw for ``kind`` visit_draws): n, ``mean_<site>`` and ``sd_<site>`` of a
    per-site visit column over the patients alive at the visit (a DataFrame)."""
    sel = ", ".join(f"avg({column.name(s)}) AS mean_{s}, stddev_samp({column.name(s)}) AS sd_{s}" for s in SITES)
    keys = ([C.DRAW.name()] if kind == "visit_draws" else []) + [f"{C.VISIT_ARM.name()}", f"{C.MONTH.name()}"]
    group = ", ".join(keys)
    return store.query(f"SELECT {group}, count(*) AS n, {sel} FROM {{parts}} "
                       f"WHERE {C.ALIVE.name()} AND {C.VISIT_SOLVER_OK.name()} AND {C.MONTH.name()} > 0 "
                       f"GROUP BY {group} ORDER BY {group}", kind)


def mean_entry(mean: float, sd: float | None, n: int) -> dict:
    """{mean, sd, ci95, n} of one arm, site and visit."""
    sd = float(sd or float("nan"))  # None (one patient) and 0 (no spread): no sd, no interval
    return {"mean": float(mean), "sd": sd if math.isfinite(sd) else None, "ci95": stats.mean_ci(float(mean), sd, int(n)),
            "n": int(n)}


def visit_means(store: TrialStore, spec: TrialSpec, column: C.Column) -> dict:
    """{arm: {site: {month: {mean, sd, ci95, n}}}} of a per-site visit column (patients alive at the visit)."""
    out: dict = {arm: {s: {} for s in SITES} for arm in spec.arms}
    for r in visit_stats(store, column).itertuples(index=False):
        for s in SITES:
            out[r.arm][s][month_key(r.month)] = mean_entry(getattr(r, f"mean_{s}"), getattr(r, f"sd_{s}"), r.n)
    return out


def event_columns(ev, kind: str, years: float):
    """Time (years) to the first fracture of ``kind`` or censoring, and the event flag."""
    t = ev[C.TIME_TO.name(kind)].to_numpy(float)
    death = ev[C.DEATH_TIME.name()].to_numpy(float)
    end = np.fmin(np.where(np.isnan(death), years, death), years)
    event = ~np.isnan(t)
    return np.where(event, t, end), event


def hazard_ratio(treated, control, kind: str, years: float) -> dict:
    """Cox hazard ratio of time to the first ``kind`` fracture, treated vs control (events rows of each arm)."""
    t1, e1 = event_columns(treated, kind, years)
    t0, e0 = event_columns(control, kind, years)
    return stats.cox_hazard_ratio(np.r_[t1, t0], np.r_[e1, e0], np.r_[np.ones(len(t1)), np.zeros(len(t0))])
