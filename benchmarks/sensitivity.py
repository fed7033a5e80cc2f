"""How long a global sensitivity analysis of the full model takes on this machine (issue 18: "minutes on 2 cores").

The case is the issue's question: a woman of 65 (lumbar-spine T-score -2.7) given one IV infusion of
allogeneic bone-marrow MSCs; which MSC parameters move her 5-year spine BMD change?

1. Sobol, 5 MSC parameters, N = 256: N (k + 2) = 1792 full-model runs (each from the young-adult peak to
   age 70), run twice in one process: the first includes compiling (or loading) the solver, the
   second is warm and must give identical indices (same seed, same numbers).
2. Morris screening of 16 MSC parameters with ranges, 20 trajectories: 340 runs.  It varies another set
   of parameters, which the solver passes per lane instead of as shared scalars (solve/lanes.py), so its
   time includes compiling that signature once (cached across processes).

Prints wall and CPU seconds, runs per second and the warm/cold ratio; writes
benchmarks/results/sensitivity.json and .md.  Timings are noisy on a shared machine: the 1-minute
load average before and after is recorded.

    OSTEOSIM_CACHE_DIR=/work/jax_cache .venv/bin/python benchmarks/sensitivity.py [--n 256] [--years 5]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

SOBOL_PARAMS = ["msc_marrow_homing", "msc_survival_halflife", "msc_paracrine_ec50", "msc_paracrine_commit_gain",
                "msc_rankl_suppression"]
MORRIS_PARAMS = SOBOL_PARAMS + ["msc_lung_trapping", "msc_allo_clearance", "msc_prolif_rate", "msc_niche_capacity",
                                "msc_systemic_fraction", "msc_paracrine_activity_gain", "msc_marrow_cell_density",
                                "msc_marrow_volume_lumbar_spine", "msc_cfu_young", "msc_donor_potency_decline",
                                "msc_paracrine_age_exponent"]
REGIMEN = ["msc bone-marrow allogeneic 2e6 cells/kg iv once"]
RESULTS = Path(__file__).resolve().parent / "results"


def timed(fn):
    w, c = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - w, time.process_time() - c


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=256)
    ap.add_argument("--years", type=float, default=5.0)
    ap.add_argument("--morris-n", type=int, default=20)
    args = ap.parse_args()

    import osteosim as osi
    from osteosim.analysis import Sensitivity

    load0 = os.getloadavg()
    sim = osi.Simulation(osi.Patient(sex="female", age=65, menopause_age=51, tscore_lumbar_spine=-2.7),
                         regimen=REGIMEN, years=args.years)
    output = f"bmd_pct_change(lumbar_spine, {args.years:g})"

    def sobol():
        return Sensitivity(SOBOL_PARAMS, output=output, method="sobol", n=args.n, seed=18).fit(sim)

    cold, cold_wall, cold_cpu = timed(sobol)
    warm, warm_wall, warm_cpu = timed(sobol)
    identical = bool(cold.indices_.equals(warm.indices_))
    morris, m_wall, m_cpu = timed(lambda: Sensitivity(MORRIS_PARAMS, output=output, method="morris",
                                                      n=args.morris_n, seed=18).fit(sim))
    load1 = os.getloadavg()
    runs = cold.summary_["runs"]
    res = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load_avg_before": load0,
                    "load_avg_after": load1},
        "case": {"patient": "female 65, menopause 51, lumbar-spine T-score -2.7", "regimen": REGIMEN,
                 "output": output},
        "sobol": {"parameters": SOBOL_PARAMS, "n": args.n, "runs": runs,
                  "cold": {"wall_s": round(cold_wall, 2), "cpu_s": round(cold_cpu, 2),
                           "runs_per_s": round(runs / cold_wall, 1)},
                  "warm": {"wall_s": round(warm_wall, 2), "cpu_s": round(warm_cpu, 2),
                           "runs_per_s": round(runs / warm_wall, 1)},
                  "warm_over_cold": round(warm_wall / cold_wall, 3),
                  "same_seed_identical_indices": identical,
                  "indices": cold.indices_[["parameter", "S1", "S1_conf", "ST", "ST_conf"]].round(4).to_dict("records"),
                  "output_range": [cold.summary_["output_summary"]["min"], cold.summary_["output_summary"]["max"]]},
        "morris": {"parameters": len(MORRIS_PARAMS), "n": args.morris_n, "runs": morris.summary_["runs"],
                   "wall_s": round(m_wall, 2), "cpu_s": round(m_cpu, 2),
                   "runs_per_s": round(morris.summary_["runs"] / m_wall, 1),
                   "top5": morris.indices_[["parameter", "mu_star", "mu", "sigma"]].head(5).round(5).to_dict("records")},
    }
    print(json.dumps(res, indent=2))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "sensitivity.json").write_text(json.dumps(res, indent=2) + "\n")
    s = res["sobol"]
    lines = [
        "# Sensitivity analysis of the full model: cost on this machine",
        "",
        f"`{' '.join(['OSTEOSIM_CACHE_DIR=/work/jax_cache .venv/bin/python benchmarks/sensitivity.py'])}` "
        f"({res['machine']['cpus']} CPUs; 1-min load {load0[0]:.2f} before, {load1[0]:.2f} after).",
        "",
        f"Case: {res['case']['patient']}; {REGIMEN[0]}; output `{output}`.",
        "",
        "| design | runs | wall s | CPU s | runs/s |",
        "|---|---|---|---|---|",
        f"| Sobol k=5, N={args.n}, first call (compile or cache load) | {runs} | {s['cold']['wall_s']} | "
        f"{s['cold']['cpu_s']} | {s['cold']['runs_per_s']} |",
        f"| Sobol k=5, N={args.n}, warm | {runs} | {s['warm']['wall_s']} | {s['warm']['cpu_s']} | "
        f"{s['warm']['runs_per_s']} |",
        f"| Morris k={len(MORRIS_PARAMS)}, {args.morris_n} trajectories (compiles for its own per-lane parameters) | "
        f"{res['morris']['runs']} | "
        f"{res['morris']['wall_s']} | {res['morris']['cpu_s']} | {res['morris']['runs_per_s']} |",
        "",
        f"Warm / first call: {s['warm_over_cold']}; same seed gives identical indices: {identical}.",
        "",
        "| parameter | S1 | ± | ST | ± |",
        "|---|---|---|---|---|",
        *(f"| {r['parameter']} | {r['S1']} | {r['S1_conf']} | {r['ST']} | {r['ST_conf']} |" for r in s["indices"]),
        "",
    ]
    (RESULTS / "sensitivity.md").write_text("\n".join(lines))


if __name__ == "__main__":
    main()
