"""One trial task's solves, timed apart: the untreated history and each arm's window with Tsit5/shared and Rodas5P.

The benchmark trial of ``benchmarks/trials.py`` (placebo vs denosumab, 3 years), one task of N patients
(default 1,024) built as ``osteosim.trials.runner.simulate_chunk`` builds it; this process pinned to one
core (``--core``; as a pinned Dask worker runs).  Each solve runs once to compile (or load), then
``--repeats`` times interleaved; prints seconds per task and steps per patient (Rodas5P: also the lane-steps
paid), and writes benchmarks/results/trials_window.json.

    python benchmarks/trials_window.py                  # 1,024 patients, core 0
    python benchmarks/trials_window.py -n 256 --core 1
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=1024, help="patients in the task")
    ap.add_argument("--core", type=int, default=0, help="CPU core to pin this process to (-1: not pinned)")
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--json", default=str(HERE / "results" / "trials_window.json"), help="where to write the results")
    args = ap.parse_args()
    if args.core >= 0 and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {args.core})  # before JAX starts its threads: they inherit the core
    from osteosim.outcomes.fracture import FractureModel
    from osteosim.solve import SolverOptions
    from osteosim.solve.integrate import BLOCK
    from osteosim.trials import TrialSpec
    from osteosim.trials import runner as R
    from osteosim.trials.engine import ShiftedModel
    from osteosim.trials.outputs import months_grid
    from osteosim.trials.population import sample_population
    from trials import TRIAL

    n = args.n
    spec = TrialSpec.from_mapping(dict(TRIAL, population=dict(TRIAL["population"], patients_per_arm=n)))
    model, base = R._model_and_params()
    shifted = ShiftedModel(model)
    grid = months_grid(spec)
    fm = FractureModel(setting=spec.population.fracture_incidence)
    pop = sample_population(spec, np.arange(n), len(grid) - 1, seed=spec.seed, fracture_model=fm)
    var = R._patient_params(base, pop)
    patients = [pop.patient(i) for i in range(n)]
    lo, hi = spec.population.age
    ages = np.arange(np.round(lo * 12.0), np.round(hi * 12.0) + 1.0) / 12.0
    shared = frozenset(base) - set(var[0])
    queue = BLOCK * 2 ** int(np.ceil(np.log2(max(1, -(-n // BLOCK)))))

    def history():
        return R.history_run(model, patients, var, base, ages).solve(R._history_options(), block=BLOCK,
                                                                     chunk_size=queue, shared=shared)

    h = history()
    at = np.clip(np.rint((pop.age - ages[0]) * 12.0).astype(int), 0, len(ages) - 1)
    y0 = h.ys[np.arange(n), at]
    tsit = R._trial_options()  # a treated arm's: Tsit5/shared
    rodas = SolverOptions(solver="Rodas5P", rtol=R.TRIAL_RTOL, atol=R.TRIAL_RTOL * 1e-2)
    jobs = {"history (Rodas5P)": history}
    for arm, regimen in spec.regimens().items():
        run = replace(R.arm_run(shifted, patients, var, base, regimen, pop.age, spec.years, grid), y0=y0)
        jobs[f"{arm} window, Tsit5/shared"] = lambda run=run: run.solve(tsit, block=BLOCK, chunk_size=BLOCK)
        jobs[f"{arm} window, Rodas5P"] = lambda run=run: run.solve(rodas, block=BLOCK, chunk_size=queue,
                                                                    shared=shared)
    for f in jobs.values():
        f()  # compile or load
    res: dict[str, dict] = {}
    for _ in range(args.repeats):
        for name, f in jobs.items():
            t = time.perf_counter()
            s = f()
            dt = time.perf_counter() - t
            r = res.setdefault(name, {"seconds": [], "steps_per_patient": float(np.mean(s.num_steps))})
            r["seconds"].append(dt)
            if "lane_steps" in s.extra:
                r["lane_steps_per_patient"] = s.extra["lane_steps"] / n
    for name, r in res.items():
        extra = f", {r['lane_steps_per_patient']:.1f} lane-steps" if "lane_steps_per_patient" in r else ""
        print(f"{name:32s} {min(r['seconds']):6.2f} s per {n:,} patients, {r['steps_per_patient']:6.1f} steps "
              f"per patient{extra}", flush=True)
    out = {"patients": n, "core": args.core, "load_average": os.getloadavg(),
           "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "solves": res}
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(out, indent=1) + "\n")
    print(f"load {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
