"""Old vs new: the lumbar spine, total hip and femoral neck numbers with the distal radius added.

Dumps (``--out FILE``) the natural-history targets, every therapy target (BMD, CTX, P1NP,
strength) and each pivotal-trial patient's BMD % change per (trial, arm, site, month) for the
three original sites; ``--compare OLD NEW`` prints the largest absolute differences.  Run once on
the code before the radius (git stash / another worktree) and once after:

    OSTEOSIM_CACHE_DIR=/work/jax_cache .venv/bin/python benchmarks/radius_unchanged.py --out old.json
    OSTEOSIM_CACHE_DIR=/work/jax_cache .venv/bin/python benchmarks/radius_unchanged.py --compare old.json new.json

``--rtol 1e-9`` solves tighter, to show the remaining differences are solver error (the error norm
averages over the radius's states too, so step sizes move slightly).
"""
from __future__ import annotations

import argparse
import json

SITES3 = ("lumbar_spine", "total_hip", "femoral_neck")


def dump(rtol: float | None = None) -> dict:
    from osteosim.calibration import natural_history as nh
    from osteosim.calibration import therapies as th
    from osteosim.models.osteosim import Osteosim
    from osteosim.outcomes.patient_run import relative_bmd
    from osteosim.solve import SolverOptions

    if rtol is not None:  # tighter solves: the old-new differences shrink with the tolerance (solver error only)
        nh.CALIBRATION_SOLVER = th.SOLVER = SolverOptions(rtol=rtol, atol=rtol * 1e-2)

    m = Osteosim()
    p = m.default_parameters().values_dict()
    out = {"natural_history": nh.simulate_targets(p, m), "therapies": th.simulate_trial_targets(p, m)}
    res = th.solve_cohort(p, m)
    bmd = {}
    for (trial, arm), ys in res.items():
        for s in SITES3:
            r = relative_bmd(m, ys, s)
            for i, month in enumerate(th.SAVE_MONTHS):
                bmd[f"{trial}/{arm}/{s}/{month:g}"] = float(100.0 * (r[i] / r[0] - 1.0))
    out["bmd_pct_change"] = bmd
    # trial populations: FREEDOM- and FPT-like templates, 200 patients each (ages, three-site T-scores,
    # DXA errors, variability multipliers)
    import numpy as np

    from osteosim.trials import TrialSpec
    from osteosim.trials.population import sample_population

    pop = {}
    for name in ("freedom_like", "fpt_like"):
        spec = TrialSpec.from_yaml(f"examples/trials/{name}.yaml")
        v = sample_population(spec, np.arange(200), 36)
        arrays = {"age": v.age, **{f"tscore_{s}": v.tscore[s] for s in SITES3},
                  **{f"dxa_{s}": v.dxa_error[s].ravel() for s in SITES3},
                  **{f"mult_{k}": m for k, m in v.multipliers.items()}, "uniforms": v.uniforms.ravel()}
        for k, a in arrays.items():
            for i, x in enumerate(np.asarray(a, float)):
                pop[f"{name}/{k}/{i}"] = x
    out["population"] = pop
    return {k: {kk: float(vv) for kk, vv in v.items()} for k, v in out.items()}


def compare(old: dict, new: dict) -> dict:
    report = {}
    for group, values in old.items():
        diffs = {k: abs(new[group][k] - v) for k, v in values.items() if k in new[group]}
        worst = max(diffs, key=diffs.get)
        report[group] = {"n": len(diffs), "max_abs_diff": diffs[worst], "at": worst,
                         "missing": sorted(set(values) - set(new[group]))}
    return report


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--out")
    ap.add_argument("--compare", nargs=2)
    ap.add_argument("--rtol", type=float, help="solver rtol of the cohorts (default: the calibration's 1e-6)")
    a = ap.parse_args()
    if a.out:
        with open(a.out, "w") as f:
            json.dump(dump(a.rtol), f, indent=1, sort_keys=True)
    if a.compare:
        with open(a.compare[0]) as f0, open(a.compare[1]) as f1:
            print(json.dumps(compare(json.load(f0), json.load(f1)), indent=1))
