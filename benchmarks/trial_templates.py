"""Template trials (examples/trials) at full size against the published trials they mimic.

For each template that names a published trial: the BMD C rows (calibration-targets.csv) and the
published fracture outcomes (osteosim.trials.published), simulated vs published, one table.
The test suite checks the BMD rows at small N (tests/trials/test_templates.py); fracture counts
need the full size, so they live here.

    python benchmarks/trial_templates.py                  # every template, 1,000 per arm
    python benchmarks/trial_templates.py --per-arm 2000 --only freedom_like

Writes benchmarks/results/trial_templates.json and prints markdown tables (fractures: every simulated
ratio is a prediction, trials.predictions; "c": CI computed from the published counts).
"""
from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
EXAMPLES = HERE.parent / "examples" / "trials"
TEMPLATES = ("fit1_like", "freedom_like", "fpt_like", "frame_like", "whi_like", "horizon_like", "vert_like", "more_like", "arch_like",
             "denosumab_discontinuation")


def _fmt(x, f="+.2f"):
    return "–" if x is None else format(x, f)


def run_template(name: str, per_arm: int, workers: int | None = None) -> tuple[dict, float]:
    """examples/trials/<name>.yaml at ``per_arm`` patients per arm: (the trial summary, wall seconds)."""
    from osteosim.trials import TrialSpec, run_trial

    data = yaml.safe_load((EXAMPLES / f"{name}.yaml").read_text())
    data["population"]["patients_per_arm"] = per_arm
    t = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        s = run_trial(TrialSpec.from_mapping(data), tmp, workers=workers)
    return s, time.perf_counter() - t


def main() -> None:
    from osteosim.io_utils import atomic_write_json

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--per-arm", type=int, default=1000)
    ap.add_argument("--only", action="append", help="template name (repeatable)")
    ap.add_argument("--workers", type=int, default=0)
    args = ap.parse_args()
    out = {}
    for name in args.only or TEMPLATES:
        s, wall = run_template(name, args.per_arm, args.workers or None)
        out[name] = {"wall_s": wall, "per_arm": args.per_arm, "baseline": s["baseline"],
                     "bmd": s["published_comparison"], "fractures": [f for f in s["fracture_predictions"] if f["published"] is not None]}
        print(f"{name}: {out[name]['wall_s']:.0f} s", flush=True)
    atomic_write_json(HERE / "results" / "trial_templates.json", out)
    print("\n| template | row | quantity | month | published | simulated | within |\n|---|---|---|---|---|---|---|")
    for name, r in out.items():
        for b in r["bmd"]:
            print(f"| {name} | {b['id']} | {b['site']} {b['quantity'][:40]} | {b['month']} | {b['published']:+.1f} ± "
                  f"{b['tolerance']:g} | {b['simulated']:+.2f} | {'yes' if b['within_tolerance'] else 'no'} |")
    print("\n| template | kind | month | measure | published ctrl / treated | simulated ctrl / treated | "
          "published ratio (CI) | simulated ratio (CI), predicted | in CI |\n|---|---|---|---|---|---|---|---|---|")
    for name, r in out.items():
        for f in r["fractures"]:
            ci = f"({f['published_ci95'][0]:.2f}-{f['published_ci95'][1]:.2f}{' c' if f['published_ci_from_counts'] else ''})" \
                if f["published_ci95"] else ""
            sci = f"({_fmt(f['simulated_ci95'][0], '.2f')}-{_fmt(f['simulated_ci95'][1], '.2f')})"
            month = (f"{f['window_start']:g}-" if f["window_start"] else "") + f"{f['month']:g}"
            if f["published_month"] != f["month"]:
                month += f" (pub. {f['published_month']:g})"
            unit = "" if f["unit"] == "%" else " /100 py"
            print(f"| {name} (age {r['baseline']['age_mean']:.1f}) | {f['kind']} | {month} | {f['measure']} | "
                  f"{_fmt(f['published_control'], '.1f')} / {_fmt(f['published_treated'], '.1f')}{unit} | "
                  f"{_fmt(f['simulated_control'], '.1f')} / {_fmt(f['simulated_treated'], '.1f')}{unit} | "
                  f"{f['published']:.2f} {ci} | {_fmt(f['simulated'], '.2f')} {sci} | "
                  f"{'–' if f['within_published_ci'] is None else ('yes' if f['within_published_ci'] else 'no')} |")
    print(json.dumps({k: round(v["wall_s"]) for k, v in out.items()}))


if __name__ == "__main__":
    main()
