"""Old vs new: the MSC numbers that the evidence-based MSC2026 values and priors move (issue 18).

Dumps (``--out FILE``) the end-of-run BMD per site of the three MSC example scenarios and of their
no-MSC controls, the rat OVX femur gains of tests/validation/test_rat_ovx_msc.py (weeks 8 and 24),
and the 5/50/95 % ensemble band of the intraosseous + denosumab scenario (16 draws, default seed);
``--compare OLD NEW`` prints both side by side.  Run once on the code before the change (another
worktree: ``PYTHONPATH=<old>/src``) and once after:

    OSTEOSIM_CACHE_DIR=/work/jax_cache .venv/bin/python benchmarks/msc_evidence_numbers.py --out new.json
    .venv/bin/python benchmarks/msc_evidence_numbers.py --compare old.json new.json
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

SCENARIOS = Path(__file__).resolve().parents[1] / "examples" / "scenarios"
MSC_SCENARIOS = ("msc_iv", "msc_intraosseous_with_denosumab", "msc_rat_ovx")
#: the same patient and drug without the MSC lines: the MSC effect is the difference
CONTROLS = {"no_therapy": [], "denosumab_only": ["denosumab 60 mg every 6 months for 3 years"]}


def _final_bmd(sim) -> dict[str, float]:
    df = sim.solve().timeseries
    return {c: float(df[c].iloc[-1]) for c in df.columns if c.startswith("bmd_") and c.count("_") <= 2}


def dump(draws: int = 16) -> dict:
    import numpy as np
    import yaml

    from osteosim.models.osteosim import Osteosim
    from osteosim.outcomes.ensemble import run_ensemble
    from osteosim.outcomes.patient_run import relative_bmd, simulate_regimens, species_parameters
    from osteosim.physiology.patient import Patient
    from osteosim.simulation import Simulation

    out: dict = {"scenarios": {}, "controls": {}, "rat_gain_pp": {}}
    for name in MSC_SCENARIOS:
        sc = yaml.safe_load((SCENARIOS / f"{name}.yaml").read_text())
        out["scenarios"][name] = _final_bmd(Simulation(patient=sc["patient"], regimen=sc["regimen"], years=sc["years"]))
    human = yaml.safe_load((SCENARIOS / "msc_iv.yaml").read_text())
    for name, reg in CONTROLS.items():
        out["controls"][name] = _final_bmd(Simulation(patient=human["patient"], regimen=reg, years=human["years"]))
    # rat OVX, as tests/validation/test_rat_ovx_msc.py
    weeks = np.arange(0, 25)
    dose = "msc bone-marrow allogeneic 1e6 cells"
    model = Osteosim()
    p = species_parameters(model, model.default_parameters(), "rat").values_dict()
    ovx = Patient(species="rat", sex="female", age=0.25, ovariectomy_age=0.25)
    rows = {"ovx": [], "io": [f"{dose} intraosseous once site total_hip"],
            "io_redosed": [f"{dose} intraosseous every 4 weeks for 8 weeks site total_hip"], "iv": [f"{dose} iv once"]}
    sol = simulate_regimens(model, p, [(ovx, r, {}) for r in rows.values()], 0.25 + weeks * 7.0 / 365.25)
    rel = {n: 100.0 * relative_bmd(model, sol.ys[i], "total_hip") for i, n in enumerate(rows)}
    for n in ("io", "io_redosed", "iv"):
        out["rat_gain_pp"][n] = {f"week{w}": float(rel[n][w] - rel["ovx"][w]) for w in (8, 24)}
    sc = yaml.safe_load((SCENARIOS / "msc_intraosseous_with_denosumab.yaml").read_text())
    e = run_ensemble(Simulation(patient=sc["patient"], regimen=sc["regimen"], years=sc["years"]), draws).summary["ensemble"]
    out["ensemble_io_denosumab"] = {"draws": draws, "failed": e["failed_draws"], "parameters": len(e["parameters"]),
                                    "bmd_pct_change": e["bmd_pct_change"]}
    return out


def _flat(d: dict, prefix: str = "") -> dict[str, float]:
    flat = {}
    for k, v in d.items():
        if isinstance(v, dict):
            flat.update(_flat(v, f"{prefix}{k}."))
        else:
            flat[f"{prefix}{k}"] = v
    return flat


def compare(old: dict, new: dict) -> str:
    a, b = _flat(old), _flat(new)
    lines = ["| quantity | old | new |", "|---|---|---|"]
    for k in a.keys() | b.keys():
        lines.append(f"| {k} | {a.get(k, '-'):.6g} | {b.get(k, '-'):.6g} |"
                     if isinstance(a.get(k), float) and isinstance(b.get(k), float) else f"| {k} | {a.get(k, '-')} | {b.get(k, '-')} |")
    return "\n".join([lines[0], lines[1], *sorted(lines[2:])])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out")
    ap.add_argument("--compare", nargs=2, metavar=("OLD", "NEW"))
    ap.add_argument("--draws", type=int, default=16)
    a = ap.parse_args()
    if a.compare:
        print(compare(*(json.loads(Path(f).read_text()) for f in a.compare)))
        return
    d = dump(a.draws)
    text = json.dumps(d, indent=1)
    if a.out:
        Path(a.out).write_text(text)
    print(text)


if __name__ == "__main__":
    main()
