"""Old vs new: the lumbar spine, total hip and femoral neck numbers with the distal radius added.

Dumps (``--out FILE``) the natural-history targets, every therapy target (BMD, CTX, P1NP,
strength) and each pivotal-trial patient's BMD % change per (trial, arm, site, month) for the
three original sites; ``--compare OLD NEW`` prints the largest absolute differences.  Run once on
the code before the radius (git stash / another worktree) and once after:

    OSTEOSIM_CACHE_DIR=/work/jax_cache .venv/bin/python benchmarks/radius_unchanged.py --out old.json
    OSTEOSIM_CACHE_DIR=/work/jax_cache .venv/bin/python benchmarks/radius_unchanged.py --compare old.json new.json
"""
from __future__ import annotations

import argparse
import json

SITES3 = ("lumbar_spine", "total_hip", "femoral_neck")


def dump() -> dict:
    from osteosim.calibration import natural_history as nh
    from osteosim.calibration import therapies as th
    from osteosim.models.osteosim import Osteosim
    from osteosim.outcomes.patient_run import relative_bmd

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
    a = ap.parse_args()
    if a.out:
        with open(a.out, "w") as f:
            json.dump(dump(), f, indent=1, sort_keys=True)
    if a.compare:
        with open(a.compare[0]) as f0, open(a.compare[1]) as f1:
            print(json.dumps(compare(json.load(f0), json.load(f1)), indent=1))
