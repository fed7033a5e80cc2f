"""How much steeper would fracture risk have to fall with strength for the templates to hit the trials?

Issue 17's done-means asks the predicted vertebral and nonvertebral ratios of the pivotal trials to land
inside the published 95 % CIs, with nothing fitted to a treated arm's fractures.  This script measures
the distance that is left, in the one quantity that sets it: the elasticity of the fracture hazard to
strength.  In the load-over-strength model (outcomes.strength_hazard) a treatment's log ratio is, to
first order, proportional to that elasticity (``ln RR = -E * mean shift of ln strength``), so for every
predicted ratio with a published CI::

    f_point = ln RR_published / ln RR_simulated      (the factor on E that hits the published point)
    f_edge  = ln CI_upper / ln RR_simulated          (the factor that reaches the CI's upper edge;
                                                      <= 1: already inside or below)

What sets E.  For a patient known by BMD, whose log strength a treatment shifts by d, the model's
population ratio is ``Phi((c - d) / tau) / Phi(c / tau)``, so ``E ~ lambda / tau`` with
``tau = s_B lambda / ln GR_BMD`` (calibration.strength_hazard): ``E ~ ln GR_BMD / s_B``, the cohort
gradient per SD of BMD (Fracture2026: vertebral 2.3 (1.9-2.8), Marshall 1996; hip 2.88 (2.31-3.59),
Johnell 2005, women at 65) over the SD of the BMD-explained log strength at that age.  The gradient per SD
of FE strength (Kopperdahl 2014) only splits tau between load spread and unexplained strength, so it does
not move a trial's ratio (``--what-if gr_strength_vertebral=4.3`` shows it).  For the kinds with a BMD
gradient the table therefore also prints the gradient per SD of BMD that ``f`` times E would need,
``GR_BMD ** f``: compare it with the cohort CI.

It also prints the simulated shift of log strength (treated minus control, in %, at the site of the kind)
at the ratio's month: the strength a QCT-FE analysis would see (outcomes.strength), to compare with the
FE strength changes the trials reported (calibration-targets.csv rows 81a-82), and the fracture strength
the hazard uses (with the resorption-cavity stress riser, outcomes.strength.fracture_strength).

    python benchmarks/fracture_gap.py                        # the templates with fracture ratios, 1,000 per arm
    python benchmarks/fracture_gap.py --per-arm 300 --only freedom_like
    python benchmarks/fracture_gap.py --what-if gr_strength_vertebral=4.3 --out /tmp/gap_4.3.json

``--what-if NAME=VALUE`` (repeatable) replaces an input of StrengthHazard2026 (a cohort gradient, a
per-event probability), refits the closed form (calibration.strength_hazard.fit(inputs)) and runs the
trials with the refitted hazard: how far a cohort input at the edge of its CI would move the ratios.

Writes benchmarks/results/fracture_gap.json and prints a markdown table.  Nothing here feeds a fit.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from trial_templates import run_template  # noqa: E402  (a sibling benchmark: one way to run a template)

TEMPLATES = ("fit1_like", "freedom_like", "fpt_like", "frame_like", "horizon_like", "vert_like", "more_like", "arch_like")
#: kind -> the Fracture2026 gradient per SD of BMD that sets the kind's elasticity (module doc)
BMD_GRADIENTS = {"vertebral": "gr_vertebral", "hip": "gr_hip_women", "wrist": "gr_wrist"}
#: their cohort CIs (calibration-targets.csv rows 52 and 50a; the wrist's as Fracture2026 states it)
COHORT = {"vertebral": "2.3 (1.9-2.8), Marshall 1996", "hip": "2.88 (2.31-3.59), Johnell 2005 (women, 65)",
          "wrist": "1.7 (1.4-2.0), Marshall 1996"}


def _factor(num: float | None, den: float | None) -> float | None:
    """ln num / ln den, or None where it has no meaning (a ratio >= 1 or missing)."""
    if num is None or den is None or not (0.0 < num < 1.0) or not (0.0 < den < 1.0):
        return None
    return math.log(num) / math.log(den)


def gap_rows(summary: dict, reference_gradients: dict) -> list[dict]:
    """One row per predicted ratio with a published CI (trials.predictions' rows of ``summary``)."""
    from osteosim.outcomes.fracture import KIND_SITES
    from osteosim.trials.estimates import month_key

    rows = []
    for f in summary["fracture_predictions"]:
        if f["published"] is None or not f["published_ci95"] or f["simulated"] is None:
            continue
        site = KIND_SITES.get(f["kind"])
        shift = {}
        for what in ("strength_pct_change", "fracture_strength_pct_change"):
            shift[what] = None
            if site is not None:
                key = month_key(f["month"])
                arms = summary["arms"]
                tr = arms[f["arm"]][what].get(site, {}).get(key)
                ct = arms[summary["control"]][what].get(site, {}).get(key)
                if tr and ct:
                    shift[what] = 100.0 * (math.log1p(tr["mean"] / 100.0) - math.log1p(ct["mean"] / 100.0))
        f_point = _factor(f["published"], f["simulated"])
        f_edge = _factor(f["published_ci95"][1], f["simulated"])
        gr = reference_gradients.get(f["kind"])
        rows.append({
            "trial": f["trial"], "arm": f["arm"], "kind": f["kind"], "measure": f["measure"], "month": f["month"],
            "simulated": f["simulated"], "published": f["published"], "published_ci95": f["published_ci95"],
            "within_published_ci": f["within_published_ci"], "strength_log_shift_pct": shift["strength_pct_change"],
            "fracture_strength_log_shift_pct": shift["fracture_strength_pct_change"],
            "f_point": f_point, "f_edge": f_edge,
            "bmd_gradient_model": gr,
            "bmd_gradient_for_point": None if gr is None or f_point is None else gr ** f_point,
            "bmd_gradient_for_edge": None if gr is None or f_edge is None else gr ** max(f_edge, 1.0),
        })
    return rows


def _what_if(items: list[str]) -> dict[str, float]:
    out = {}
    for item in items:
        name, sep, value = item.partition("=")
        try:
            out[name.strip()] = float(value)
        except ValueError:
            sep = ""
        if not sep:
            raise SystemExit(f"--what-if: {item!r} is not allowed (NAME=VALUE, VALUE a number)")
    return out


def _use_strength_params(sp: dict[str, float]) -> None:
    """Make every FractureModel built without strength parameters (the trial runner's) use ``sp``.

    A benchmark-only patch: the trial runs in this process (run_trial without workers), and the
    runner builds its FractureModel from the shipped StrengthHazard2026."""
    from osteosim.outcomes.fracture import FractureModel

    shipped = FractureModel._probit_shapes

    def probit_shapes(self, strength_params=None):
        return shipped(self, strength_params or sp)

    FractureModel._probit_shapes = probit_shapes


def _fmt(x, f=".2f"):
    return "–" if x is None else format(x, f)


def main() -> None:
    from osteosim.calibration import strength_hazard
    from osteosim.io_utils import atomic_write_json
    from osteosim.outcomes.fracture import FractureModel
    from osteosim.parameters.strength_hazard2026 import STRENGTH_HAZARD2026

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--per-arm", type=int, default=1000)
    ap.add_argument("--only", action="append", help="template name (repeatable)")
    ap.add_argument("--out", type=Path, default=HERE / "results" / "fracture_gap.json")
    ap.add_argument("--what-if", action="append", default=[], metavar="NAME=VALUE",
                    help="a StrengthHazard2026 input to replace (repeatable); the hazard is refitted")
    args = ap.parse_args()
    if args.per_arm < 10:
        raise SystemExit(f"--per-arm: {args.per_arm} is not allowed (at least 10)")
    sp = STRENGTH_HAZARD2026.values_dict()
    what_if = _what_if(args.what_if)
    if what_if:
        sp = {**sp, **{k: v for k, v in what_if.items() if k in sp}}
        sp.update(strength_hazard.fit(what_if)["values"])
        _use_strength_params(sp)
    p = FractureModel().p
    reference_gradients = {kind: what_if.get(key, p[key]) for kind, key in BMD_GRADIENTS.items()}
    rows, walls = [], {}
    for name in args.only or TEMPLATES:
        s, wall = run_template(name, args.per_arm)
        walls[name] = round(wall)
        rows += [{"template": name, "age_mean": s["baseline"]["age_mean"], **r} for r in gap_rows(s, reference_gradients)]
        print(f"{name}: {walls[name]} s", flush=True)
    out = {"per_arm": args.per_arm, "what_if": what_if, "reference_age": sp["hazard_reference_age"],
           "bmd_gradients": reference_gradients, "cohort_gradients": COHORT,
           "rows": rows, "wall_s": walls}
    atomic_write_json(args.out, out)
    if what_if:
        print("what-if: " + ", ".join(f"{k} = {v:g}" for k, v in what_if.items()) + " (hazard refitted)")
    print("\ngradients per SD of BMD that set the elasticity: "
          + ", ".join(f"{k} {v:.2f}" for k, v in reference_gradients.items()))
    print("\n| template | kind | month | published (CI) | simulated | in CI | shift of ln strength / ln fracture strength, % | "
          "factor on E: point / CI edge | GR per SD of BMD for point / CI edge |\n|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        lo, hi = r["published_ci95"]
        print(f"| {r['template']} | {r['kind']} | {r['month']:g} | {r['published']:.2f} ({lo:.2f}-{hi:.2f}) | "
              f"{r['simulated']:.2f} | {'yes' if r['within_published_ci'] else 'no'} | "
              f"{_fmt(r['strength_log_shift_pct'], '+.1f')} / {_fmt(r['fracture_strength_log_shift_pct'], '+.1f')} | {_fmt(r['f_point'])} / {_fmt(r['f_edge'])} | "
              f"{_fmt(r['bmd_gradient_for_point'], '.1f')} / {_fmt(r['bmd_gradient_for_edge'], '.1f')} |")
    print("\ncohort gradients per SD of BMD (95 % CI): " + "; ".join(f"{k}: {v}" for k, v in COHORT.items()))
    print(json.dumps(walls))


if __name__ == "__main__":
    main()
