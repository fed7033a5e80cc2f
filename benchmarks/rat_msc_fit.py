"""The rat MSC fit (calibration.rat_msc): its rows, where the rows alone would put the parameters, and what tying
the human values to the rat fit would change (it is not tied: human MSC efficacy stays hypothetical, row 69).

    OSTEOSIM_CACHE_DIR=/work/jax_cache .venv/bin/python benchmarks/rat_msc_fit.py --out benchmarks/results/rat_msc_fit.md

Prints (and with ``--out`` writes) a markdown report: the stored fit's rows; the same fit with the priors' bounds
widened (capacity 0.001-5, systemic reach 0.005-50, immune gain 0.001-1 (a fraction: 1 is its physical top), immune
half-life 1-365 d: a diagnostic, never stored); the end-of-run BMD of the human MSC
example scenarios with the shipped human values and with the rat-fitted values substituted, and their no-MSC
controls (so the MSC effect is the difference).
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

SCENARIOS = Path(__file__).resolve().parents[1] / "examples" / "scenarios"
HUMAN = {"msc_iv": [], "msc_intraosseous_with_denosumab": ["denosumab 60 mg every 6 months for 3 years"]}
#: widened log bounds, in calibration.rat_msc.PARAMETERS order
WIDE = [(np.log(0.001), np.log(5.0)), (np.log(0.005), np.log(50.0)), (np.log(0.001), 0.0), (0.0, np.log(365.0))]


def _rows(result: dict) -> list[str]:
    lines = ["| row | simulated | target | tolerance | pass | fitted |", "|---|---|---|---|---|---|"]
    for k, r in result["report"].items():
        lines.append(f"| {k} | {r['simulated']:.3f} | {r['target']:g} | {r['tolerance']:g} | {'yes' if r['pass'] else 'NO'} "
                     f"| {'yes' if r['fitted'] else 'check'} |")
    return lines


def _human(overrides: dict) -> dict[str, dict[str, float]]:
    import yaml

    from osteosim.simulation import Simulation

    out = {}
    for name, control in HUMAN.items():
        sc = yaml.safe_load((SCENARIOS / f"{name}.yaml").read_text())
        for label, reg in ((name, sc["regimen"]), (f"{name} control", control)):
            df = Simulation(patient=sc["patient"], regimen=reg, years=sc["years"], parameters=overrides or None).solve().timeseries
            out[label] = {s: float(df[f"bmd_{s}"].iloc[-1]) for s in ("lumbar_spine", "total_hip")}
    return out


def report() -> str:
    from osteosim.calibration import rat_msc

    t0 = time.time()
    stored = json.loads(rat_msc.FIT_PATH.read_text())
    wide = rat_msc.fit(bounds=WIDE)
    shipped = _human({})
    tied = _human(stored["values"])
    lines = ["# Rat MSC fit (calibration.rat_msc)", "",
             f"Stored fit: {', '.join(f'{k} = {v:.4g}' for k, v in stored['values'].items())} "
             f"(at a prior bound: {', '.join(k for k, b in stored['at_prior_bound'].items() if b) or 'none'}).", "",
             *_rows(stored), "",
             "Rat femur gains over OVX (pp) of the stored fit: "
             + ", ".join(f"{k} {v:.2f}" for k, v in sorted(stored["gains_pp"].items())), "",
             "## Diagnostic: the same fit with the priors' bounds widened (never stored)", "",
             f"{', '.join(f'{k} = {v:.4g}' for k, v in wide['values'].items())}, cost {wide['cost']:.3f}", "",
             *_rows(wide), "",
             "## Human MSC scenarios: shipped human values vs the rat-fitted values substituted (NOT shipped)", "",
             "End-of-run BMD (g/cm^2); MSC effect = scenario minus its control.", "",
             "| scenario | site | shipped | rat values tied | MSC effect shipped (pp of control) | MSC effect tied |",
             "|---|---|---|---|---|---|"]
    for name in HUMAN:
        for s in ("lumbar_spine", "total_hip"):
            a, b = shipped[name][s], tied[name][s]
            ca, cb = shipped[f"{name} control"][s], tied[f"{name} control"][s]
            lines.append(f"| {name} | {s} | {a:.6f} | {b:.6f} | {100 * (a / ca - 1):+.3f} | {100 * (b / cb - 1):+.3f} |")
    lines += ["", f"Wall time {time.time() - t0:.1f} s; 1-min load {Path('/proc/loadavg').read_text().split()[0]}."]
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out")
    a = ap.parse_args()
    text = report()
    if a.out:
        Path(a.out).write_text(text)
    print(text)


if __name__ == "__main__":
    main()
