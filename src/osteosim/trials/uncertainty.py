"""Outcome intervals of a virtual trial that separate patient sampling from parameter uncertainty.

A trial with ``uncertainty: {parameter_draws: K}`` (``osteosim trial --parameter-draws K``) runs the
nominal trial (draw 0: the plain trial, its numbers unchanged) and K parameter draws
(:mod:`.draws`: the ensemble's rule and sampler) on the SAME virtual patients, states at
randomisation, DXA errors and fracture uniforms (common random numbers).  Between draws only the
parameters differ, so the spread of an estimate over the draws is parameter uncertainty alone.

For each arm and endpoint -- mean BMD % change per site and visit, fracture incidence per kind, and
against the control arm the relative risk and Cox hazard ratio per kind -- the summary's
``uncertainty.endpoints`` rows hold three intervals (95 %):

``sampling_ci95``
    the nominal trial's own confidence interval: what a finite sample of patients leaves open with
    the parameters at their nominal values (the interval the trial summary reports: Student t for a
    mean, Katz log interval for a relative risk, Cox for a hazard ratio; the Wilson score interval for
    an incidence).
``parameter_interval``
    the 2.5 and 97.5 percentiles of the point estimate over the K draws: how far the estimate moves
    when the uncertain parameters move over their priors, for these patients.
``total_interval``
    the 2.5 and 97.5 % quantiles of the equal-weight mixture, over the draws, of each draw's sampling
    distribution (draw k's estimate with draw k's own sampling spread: t for a mean, log-normal for a
    ratio, the Wilson confidence distribution for an incidence).  Why a mixture and not the law of
    total variance (total variance = mean within-draw variance + between-draw variance, then a normal
    interval): the between-draw spread is often far from normal -- log-uniform priors over a factor of
    100 (MSC homing), ratios bounded below by 0, incidences bounded by 0 and 1 -- and a normal interval
    with the total variance would be symmetric where the uncertainty is not, and could leave [0, 1].
    The mixture keeps each draw's shape, needs no normal assumption between draws, and reduces
    exactly to the sampling CI when the draws do not move the estimate.

Where no parameter is uncertain for an arm (placebo; a drug whose parameters are all fitted to
published trials) the arm is the nominal arm in every draw: its parameter interval is the nominal
estimate, its total interval the sampling CI, and the row's ``note`` says why.  Where parameters are
drawn but do not change an estimate (a parameter that acts only after a drug stops, in a trial
that never stops it), the zero-width interval is computed and the note says so.
"""
from __future__ import annotations

import math

import numpy as np

from ..outcomes import columns as C
from ..outcomes.fracture import ENDPOINT_KINDS
from ..physiology.patient import SITES
from . import stats
from .estimates import event_columns, hazard_ratio, mean_entry, month_key, visit_stats
from .spec import TrialSpec
from .store import TrialStore

__all__ = ["summarise", "INTERVAL_METHOD"]

INTERVAL_METHOD = {
    "sampling_ci95": "the nominal trial's 95 % CI (patient sampling at nominal parameters): Student t for a mean, "
                     "Wilson score for an incidence, Katz log interval for a relative risk, Cox for a hazard ratio",
    "parameter_interval": "2.5-97.5 percentiles of the estimate over the parameter draws (same patients and "
                          "fracture draws: parameter uncertainty alone)",
    "total_interval": "2.5 and 97.5 % quantiles of the equal-weight mixture of every draw's sampling distribution "
                      "(not the law of total variance: the spread over draws is skewed and bounded, a mixture keeps "
                      "its shape and equals the sampling CI when the draws do not move the estimate)",
}

#: relative width below which a parameter interval counts as zero (the draws did not change the estimate)
_SAME = 1e-12


def _events_by(df, arm: str, draw: int | None = None):
    sel = df[C.EVENT_ARM.name()] == arm
    if draw is not None:
        sel &= df[C.DRAW.name()] == draw
    return df[sel]


def _draw_arms(spec: TrialSpec, store: TrialStore, arms: dict, by_arm: dict, per_arm: dict, k_draws: int) -> list:
    """Per draw 1..K, each arm's estimates in the nominal summary's shapes (``bmd_pct_change``, ``fractures``,
    ``relative_risk``, ``hazard_ratio``); an arm without uncertain parameters is the nominal arm."""
    bmd = {}
    for r in visit_stats(store, C.BMD_PCT_CHANGE, "visit_draws").itertuples(index=False):
        d = bmd.setdefault(int(r.draw), {}).setdefault(r.arm, {s: {} for s in SITES})
        for s in SITES:
            d[s][month_key(r.month)] = mean_entry(getattr(r, f"mean_{s}"), getattr(r, f"sd_{s}"), r.n)
    ev = store.query("SELECT * FROM {parts}", "event_draws")
    out = []
    for k in range(1, k_draws + 1):
        events = {arm: (_events_by(ev, arm, k) if per_arm[arm] else by_arm[arm]) for arm in spec.arms}
        draw = {}
        for arm, e in events.items():
            if not per_arm[arm]:
                draw[arm] = arms[arm]
                continue
            n = int(len(e))
            fr = {}
            for kind in ENDPOINT_KINDS:
                k_ev = int(event_columns(e, kind, spec.years)[1].sum())
                fr[kind] = {"events": k_ev, "incidence": k_ev / n if n else None}
            draw[arm] = {"n": n, "bmd_pct_change": bmd.get(k, {}).get(arm, {s: {} for s in SITES}), "fractures": fr,
                         "solver_failures": int((~e[C.EVENT_SOLVER_OK.name()]).sum())}
        ctrl = spec.control
        for arm in spec.arms:
            if arm == ctrl or not (per_arm[arm] or per_arm[ctrl]):
                continue
            a, c = draw[arm], draw[ctrl]
            draw[arm] = dict(a, relative_risk={
                kind: stats.relative_risk(a["fractures"][kind]["events"], a["n"], c["fractures"][kind]["events"],
                                          c["n"]) for kind in ENDPOINT_KINDS},
                hazard_ratio={kind: hazard_ratio(events[arm], events[ctrl], kind, spec.years)
                              for kind in ENDPOINT_KINDS})
        out.append(draw)
    return out


def _finite(x) -> bool:
    return x is not None and math.isfinite(x)


def _row(arm: str, endpoint: str, nominal, ci, estimates: list, dists: list, mixture, note: str | None, **where) -> dict:
    """One endpoint's three intervals; ``dists``: per draw the sampling distribution's data (None: undefined);
    ``mixture(dists) -> [lo, hi]``; ``note``: why the draws do not act (None: they do)."""
    row = {"arm": arm, "endpoint": endpoint, **where, "nominal": nominal, "sampling_ci95": list(ci)}
    if note is not None:  # nothing drawn acts on this estimate: interval = nominal, stated
        return dict(row, parameter_interval=[nominal, nominal], total_interval=list(ci), draws_used=0, note=note)
    used = [i for i, e in enumerate(estimates) if _finite(e)]
    par = stats.percentile_interval([estimates[i] for i in used])
    ok = [dists[i] for i in used if dists[i] is not None]
    total = mixture(ok) if ok else [None, None]
    row.update(parameter_interval=par, total_interval=total, draws_used=len(used), note=None)
    if not used:
        row["note"] = "undefined in every draw (no events: in one arm or both)"
    elif len(used) < len(estimates):
        row["note"] = f"{len(estimates) - len(used)} draw(s) left out: the estimate is undefined there (no events)"
    elif par[0] is not None and abs(par[1] - par[0]) <= _SAME * max(1.0, abs(par[0])):
        row["note"] = "the drawn parameters do not change this estimate (zero width, computed)"
    return row


def _t_mixture(d: list) -> list:
    mean, se, df = (np.array(x, float) for x in zip(*d))
    return stats.mixture_quantiles(stats.t_cdf(mean, se, df), float((mean - 60 * se).min()),
                                   float((mean + 60 * se).max()))


def _wilson_mixture(d: list) -> list:
    events, n = (np.array(x, float) for x in zip(*d))
    lo, hi = stats.mixture_quantiles(stats.wilson_cdf(events, n), 0.0, 1.0)
    return [0.0 if lo < 1e-12 else lo, hi]  # the Wilson interval of 0 events starts at 0


def _ratio_mixture(d: list) -> list:
    ratio, ci = np.array([x[0] for x in d], float), np.array([x[1] for x in d], float)
    return stats.mixture_quantiles(stats.lognormal_cdf(ratio, ci), float(ci.min()) / 1e3, float(ci.max()) * 1e3)


def _rows(spec: TrialSpec, arms: dict, draws: list, notes: dict) -> list[dict]:
    rows = []
    ctrl = spec.control
    for arm, a in arms.items():
        note = notes[arm]
        for s in SITES:
            for m, nom in a["bmd_pct_change"][s].items():
                ents = [d[arm]["bmd_pct_change"][s].get(m) for d in draws]
                est = [e["mean"] if e else None for e in ents]
                dist = [(e["mean"], e["sd"] / math.sqrt(e["n"]), e["n"] - 1) if e and e["sd"] else None for e in ents]
                rows.append(_row(arm, "bmd_pct_change", nom["mean"], nom["ci95"], est, dist, _t_mixture, note,
                                 site=s, month=m))
        for kind in ENDPOINT_KINDS:
            fr, n = a["fractures"][kind], a["n"]
            est = [d[arm]["fractures"][kind]["incidence"] for d in draws]
            dist = [(d[arm]["fractures"][kind]["events"], d[arm]["n"]) if d[arm]["n"] else None for d in draws]
            rows.append(_row(arm, "incidence", fr["incidence"], stats.wilson_ci(fr["events"], n), est, dist,
                             _wilson_mixture, note, kind=kind))
        if arm == ctrl:
            continue
        contrast = notes[arm] and notes[ctrl] and f"{notes[arm]}; control: {notes[ctrl]}"
        for endpoint, key, est_key in (("relative_risk", "relative_risk", "rr"), ("hazard_ratio", "hazard_ratio", "hr")):
            for kind in ENDPOINT_KINDS:
                nom = a[key][kind]
                ents = [d[arm][key][kind] for d in draws]
                est = [e[est_key] for e in ents]
                dist = [(e[est_key], e["ci95"]) if _finite(e[est_key]) and _finite(e["ci95"][0]) else None
                        for e in ents]
                rows.append(_row(arm, endpoint, nom[est_key], nom["ci95"], est, dist, _ratio_mixture,
                                 contrast or None, kind=kind))
    return rows


def _not_varied(regimen) -> str:
    if not regimen:
        return "no therapy: no drawn parameter acts on this arm (interval = nominal)"
    return ("no parameter of this regimen is uncertain: its drug parameters are fitted to published trials and "
            "held at their fitted values (interval = nominal)")


def summarise(spec: TrialSpec, store: TrialStore, arms: dict, by_arm: dict) -> dict:
    """The ``uncertainty`` section of summary.json; also writes ``parameter_draws/visits.parquet`` and
    ``events.parquet`` (the draws' rows).  ``arms``: the nominal summary's arms; ``by_arm``: the nominal
    events rows per arm."""
    from .draws import arm_parameters, trial_uncertain

    uncertain = trial_uncertain(spec)
    per_arm = arm_parameters(spec)
    k_draws = spec.parameter_draws
    regimens = spec.regimens()
    notes = {arm: None if per_arm[arm] else _not_varied(regimens[arm]) for arm in spec.arms}
    sampled = bool(uncertain) and bool(store.files("event_draws"))
    out = {
        "parameter_draws": k_draws,
        "seed": spec.uncertainty.seed,
        "sampled": sampled,
        "reason": None if sampled else ("no parameter of this trial's regimens is uncertain (the ensemble rule "
                                        "draws MSC parameters and unfitted drug parameters; fitted ones are held): "
                                        "every parameter interval is the nominal estimate"),
        "parameters": [up.to_dict() for up in uncertain],
        "arm_parameters": {arm: list(names) for arm, names in per_arm.items()},
        "method": {
            "draws": "osteosim.outcomes.ensemble: scrambled Latin hypercube mapped through each parameter's prior; "
                     "one hypercube point per draw shared by all arms; every draw on the same virtual patients and "
                     "fracture uniforms as the nominal trial (common random numbers)",
            **INTERVAL_METHOD,
        },
    }
    if sampled:
        root = store.root / "parameter_draws"
        root.mkdir(exist_ok=True)
        store.export("visit_draws", root / "visits.parquet",
                     f"{C.DRAW.name()}, {C.VISIT_ARM.name()}, {C.VISIT_PATIENT.name()}, {C.MONTH.name()}")
        store.export("event_draws", root / "events.parquet",
                     f"{C.DRAW.name()}, {C.EVENT_ARM.name()}, {C.EVENT_PATIENT.name()}")
        draws = _draw_arms(spec, store, arms, by_arm, per_arm, k_draws)
        out["solver_failures"] = int(sum(d[a].get("solver_failures", 0) for d in draws for a in spec.arms
                                         if per_arm[a]))
    else:
        draws = []
        notes = {arm: notes[arm] or out["reason"] for arm in spec.arms}
    out["endpoints"] = _rows(spec, arms, draws, notes)
    return out
