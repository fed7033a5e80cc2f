"""Fracture hazard from BMD vs from load over strength: template trials and the untreated reference population.

For each template (examples/trials) run with ``fracture_hazard: bmd`` and ``strength`` (the same
patients, BMD and fracture draws; only the hazard differs), the simulated fracture ratios next to
the published ones (every simulated ratio is a prediction, trials.predictions), and the placebo
incidences.  Then the untreated reference population (Z ~ N(0, 1), Fracture2026's risk factors
at reference prevalence, women and men by age): the incidence by age under both hazards and the
gradients of risk per SD of strength and of BMD (osteosim.calibration.strength_hazard).

    python benchmarks/strength_hazard_trials.py --per-arm 4000
    python benchmarks/strength_hazard_trials.py --per-arm 2000 --only freedom_like

Writes benchmarks/results/strength_hazard_trials.json and prints markdown tables.
"""
from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml

HERE = Path(__file__).resolve().parent
EXAMPLES = HERE.parent / "examples" / "trials"
TEMPLATES = ("freedom_like", "fit1_like", "fpt_like", "frame_like")
HAZARDS = ("bmd", "strength")


def reference_incidence(n: int = 200_000, seed: int = 11) -> dict:
    """{sex: {age: {kind: [bmd, strength] mean hazard per year}}} of the untreated reference population."""
    from osteosim.outcomes.fracture import KINDS, FractureModel, RiskFactors
    from osteosim.parameters.fracture2026 import POPULATION2026

    pop = POPULATION2026.values_dict()
    models = {h: FractureModel(hazard=h) for h in HAZARDS}
    rng = np.random.default_rng(seed)
    out = {}
    for sex, female in (("women", 1.0), ("men", 0.0)):
        flag = lambda p: (rng.random(n) < pop[p]).astype(float)  # noqa: E731
        rf = RiskFactors(np.full(n, female), flag("smoking_prevalence"), flag("parental_hip_prevalence"),
                         flag("glucocorticoid_prevalence"), np.full(n, pop["bmi_mean"]),
                         flag("prior_fracture_prevalence"), np.zeros(n))
        z_fn = rng.standard_normal(n)
        z_ls = 0.6 * z_fn + 0.8 * rng.standard_normal(n)
        z_dr = 0.6 * z_fn + 0.8 * rng.standard_normal(n)
        out[sex] = {}
        for age in (55.0, 65.0, 75.0, 85.0):
            a = np.full(n, age)
            z = {"lumbar_spine": z_ls, "femoral_neck": z_fn, "distal_radius": z_dr}
            h = {k: m.hazards(a, rf, z).mean(axis=0) for k, m in models.items()}
            out[sex][f"{age:g}"] = {kind: [float(h["bmd"][i]), float(h["strength"][i])] for i, kind in enumerate(KINDS)}
    return out


def main() -> None:
    from osteosim.calibration import strength_hazard as sh
    from osteosim.outcomes.fracture import KINDS
    from osteosim.io_utils import atomic_write_json
    from osteosim.parameters.strength_hazard2026 import STRENGTH_HAZARD2026
    from osteosim.trials import TrialSpec, run_trial

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--per-arm", type=int, default=2000)
    ap.add_argument("--only", action="append", help="template name (repeatable)")
    ap.add_argument("--workers", type=int, default=0)
    args = ap.parse_args()
    trials = {}
    for name in args.only or TEMPLATES:
        trials[name] = {}
        for hazard in HAZARDS:
            data = yaml.safe_load((EXAMPLES / f"{name}.yaml").read_text())
            data["population"]["patients_per_arm"] = args.per_arm
            data["population"]["fracture_hazard"] = hazard
            t = time.perf_counter()
            with tempfile.TemporaryDirectory() as tmp:
                s = run_trial(TrialSpec.from_mapping(data), tmp, workers=args.workers or None)
            trials[name][hazard] = {
                "wall_s": time.perf_counter() - t,
                "placebo_pct": {k: 100.0 * v["incidence"] for k, v in s["arms"][s["control"]]["fractures"].items()},
                "fractures": [f for f in s["fracture_predictions"] if f["published"] is not None]}
            print(f"{name} {hazard}: {trials[name][hazard]['wall_s']:.0f} s", flush=True)
    # the trials first (minutes), so a later failure does not lose them
    atomic_write_json(HERE / "results" / "strength_hazard_trials.json", {"per_arm": args.per_arm, "trials": trials})
    ref = reference_incidence()
    out = {"per_arm": args.per_arm, "trials": trials, "reference_incidence": ref,
           "gradients": sh.gradient_table(STRENGTH_HAZARD2026.values_dict())}
    atomic_write_json(HERE / "results" / "strength_hazard_trials.json", out)

    print(f"\n### Fracture ratios, {args.per_arm:,} per arm: simulated (predicted) bmd vs strength hazard, published\n")
    print("| template | kind | month | measure | bmd (95% CI) | strength (95% CI) | published (95% CI) | in CI bmd / strength |")
    print("|---|---|---|---|---|---|---|---|")
    ci = lambda r, c: f"{r:.2f} ({c[0]:.2f}-{c[1]:.2f})" if c and c[0] is not None else f"{r:.2f}"  # noqa: E731
    for name, by in trials.items():
        for fb, fs in zip(by["bmd"]["fractures"], by["strength"]["fractures"]):
            yn = lambda r: {True: "yes", False: "no", None: "-"}[r["within_published_ci"]]  # noqa: E731
            print(f"| {name} | {fb['kind']} | {fb['month']:g} | {fb['measure']} | {ci(fb['simulated'], fb['simulated_ci95'])} | "
                  f"{ci(fs['simulated'], fs['simulated_ci95'])} | {ci(fb['published'], fb['published_ci95'])} | "
                  f"{yn(fb)} / {yn(fs)} |")
    print("\n### Placebo arms: % with >= 1 fracture (bmd / strength)\n")
    print("| template | vertebral | hip | wrist | nonvertebral | any |\n|---|---|---|---|---|---|")
    for name, by in trials.items():
        cells = [f"{by['bmd']['placebo_pct'][k]:.2f} / {by['strength']['placebo_pct'][k]:.2f}"
                 for k in ("vertebral", "hip", "wrist", "nonvertebral", "any")]
        print(f"| {name} | " + " | ".join(cells) + " |")
    print("\n### Untreated reference population: incidence per 1,000/y, bmd / strength hazard\n")
    print("| sex | age | " + " | ".join(KINDS) + " |\n|---|---|" + "---|" * len(KINDS))
    worst = 0.0
    for sex, ages in ref.items():
        for age, kinds in ages.items():
            worst = max([worst] + [abs(s / b - 1.0) for b, s in kinds.values()])
            print(f"| {sex} | {age} | " + " | ".join(f"{1e3 * b:.2f} / {1e3 * s:.2f}" for b, s in kinds.values()) + " |")
    print(f"\nlargest relative difference: {worst:.2%} (Monte Carlo, 200,000 per sex and age)")
    print("\n### Gradients of risk per SD lower strength / BMD, untreated population (cohorts: strength "
          "vertebral 2.8, hip 4.2, Kopperdahl 2014; BMD 2.3 / 2.88 / 1.38, Fracture2026)\n")
    print("| sex | kind | " + " | ".join(next(iter(out["gradients"]["women"].values()))) + " |")
    print("|---|---|" + "---|" * len(next(iter(out["gradients"]["women"].values()))))
    for sex, kinds in out["gradients"].items():
        for kind, ages in kinds.items():
            print(f"| {sex} | {kind} | " + " | ".join(f"{gs:.2f} / {gb:.2f}" for gs, gb in ages.values()) + " |")
    print(json.dumps({"per_arm": args.per_arm}))


if __name__ == "__main__":
    main()
