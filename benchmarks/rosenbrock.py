"""Rodas5P (solve/rosenbrock.py): per-block lanes vs shared parameter scalars vs persistent lanes, one process.

For N patients of ``build_problem("Osteosim", N, years=10, seed=7)`` and each rtol (atol = rtol *
1e-2 on scaled states), warm calls (best of REPEAT interleaved rounds after one compiling call, same process) of:

* ``blocks, params per patient``: blocks of 256 lanes, every parameter a (256,) array: the
  solver as it was before persistent lanes (each block runs until its slowest patient is done);
* ``blocks, shared scalars``: the same blocks, parameters equal for all N passed as shape-() scalars;
* ``lanes 256, queue N``: one call, 256 persistent lanes refilled from a queue of N patients
  (``refill`` lanes at a time), shared scalars;
* ``Kvaerno5 rtol 1e-6``: the model's default solver, for scale (only with --kvaerno).

With ``--structures`` only ``lanes 256, queue N`` with three block structures, same patients,
interleaved in this process: the model's with its downstream states and ``read_by_coupling`` dropped
(each site's rs and conn factored with the site, all 44 Jacobian columns forward: the solver before
they were declared), with ``read_by_coupling`` dropped (blocks of 8, one forward direction and a
substitution for the 8 downstream states, 37 directions), and the model's own (also the site columns
no shared state reads in one direction for all sites: 25 directions).

With ``--prepared`` only ``lanes 256, queue N`` twice, same patients, interleaved in this process: the
lanes calling ``model.rhs`` in every evaluation (the solver before ``solve.rosenbrock.staged_rhs``) and
the shipped solver (what depends on neither time nor state computed once per patient).

Reported: patients/s (wall), process CPU us per patient (all threads; steadier under load), lane-steps paid per patient (loop iterations x lanes / N, idle lanes
included) against the patients' own mean steps, the speed ratio to the first row, the max
relative error over the first N_REF patients against Kvaerno5 at rtol 1e-10 (floor 1e-6 x state
scale, as ``osteosim bench``), and the max relative difference to the first row (all N).

Usage: python benchmarks/rosenbrock.py [--rtol 1e-5 1e-6] [--kvaerno | --structures | --prepared] [N ...]   (default N 512)
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import time
from pathlib import Path

import numpy as np

from osteosim.bench.accuracy import rel_err
from osteosim.bench.problem import build_problem
from osteosim.models.base import BlockStructure
from osteosim.solve import integrate
from osteosim.solve.integrate import SolverOptions

N_REF = 16
REPEAT = 3
LANES = 256
RESULTS = Path(__file__).parent / "results" / "rosenbrock.json"


def with_structure(model, downstream: bool):
    """``model`` with the same blocks and coupling, no ``read_by_coupling``, and its downstream states or none
    (its own compile-cache key)."""
    s = model.block_structure
    base = type(model)
    cls = type(f"{base.__name__}Structure", (base,), dict(
        block_structure=BlockStructure(s.n_states, s.blocks, s.coupling, s.downstream if downstream else ()),
        cache_key=lambda self: base.cache_key(self) + ("structure", downstream)))
    return cls()


def _blocks(prob, n, opts, shared):
    parts = []
    for b0 in range(0, n, LANES):
        sl = slice(b0, min(b0 + LANES, n))
        p, d = prob.take(sl)
        parts.append(integrate._solve_batch(prob.model, p, np.tile(prob.y0, (sl.stop - b0, 1)), prob.ts, d,
                                            prob.t0, opts, pad_to=LANES, lanes=LANES, shared=shared))
    return (np.concatenate([s.ys for s in parts]), np.concatenate([s.ok for s in parts]),
            np.concatenate([s.num_steps for s in parts]), sum(s.extra["lane_steps"] for s in parts))


def _queue(prob, n, opts, refill=None, prepared=True):
    p, d = prob.take(slice(0, n))
    s = integrate._solve_batch(prob.model, p, np.tile(prob.y0, (n, 1)), prob.ts, d, prob.t0, opts,
                               pad_to=n, lanes=LANES, refill=refill, prepared=prepared)
    return s.ys, s.ok, s.num_steps, s.extra["lane_steps"]


def _kvaerno(prob, n, opts):
    p, d = prob.take(slice(0, n))
    s = integrate.solve_batch(prob.model, p, np.tile(prob.y0, (n, 1)), prob.ts, d, t0=prob.t0, options=opts)
    return s.ys, s.ok, s.num_steps, None


def _timed(cases: dict) -> dict:
    """name -> (best wall s, best process CPU s, result): every case compiled and warmed first, then
    REPEAT rounds that time each case once (interleaved, so a change of machine load hits every case
    alike).  CPU time (all threads of this process) is the steadier measure on a shared machine."""
    out = {name: [np.inf, np.inf, fn()] for name, fn in cases.items()}
    for _ in range(REPEAT):
        for name, fn in cases.items():
            t, c = time.perf_counter(), time.process_time()
            out[name][2] = fn()
            out[name][0] = min(out[name][0], time.perf_counter() - t)
            out[name][1] = min(out[name][1], time.process_time() - c)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sizes", nargs="*", type=int, default=[512])
    ap.add_argument("--rtol", nargs="+", type=float, default=[1e-5])
    ap.add_argument("--refill", nargs="+", type=int, default=[LANES // 32])
    ap.add_argument("--kvaerno", action="store_true")
    ap.add_argument("--structures", action="store_true", help="only the queue, without vs with downstream states")
    ap.add_argument("--prepared", action="store_true", help="only the queue, model.rhs vs the staged RHS")
    args = ap.parse_args()
    rows = []
    print(f"load before: {os.getloadavg()[0]:.2f}")
    print("| N | rtol | variant | patients/s | lane-steps/patient (own steps) | ratio | CPU us/patient | CPU ratio | max rel err "
          f"({N_REF} vs Kvaerno5 1e-10) | max rel diff to row 1 |")
    print("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for n in args.sizes:
        prob = build_problem("Osteosim", n, years=10, seed=7)
        floor = 1e-6 * np.asarray(prob.model.state_scale())
        ref = _kvaerno(prob, N_REF, SolverOptions(solver="Kvaerno5", rtol=1e-10, atol=1e-12))[0]
        for rtol in args.rtol:
            opts = SolverOptions(solver="Rodas5P", rtol=rtol, atol=rtol * 1e-2).resolved(prob.model)
            if args.structures:
                old = dataclasses.replace(prob, model=with_structure(prob.model, downstream=False))
                down = dataclasses.replace(prob, model=with_structure(prob.model, downstream=True))
                cases = {f"lanes {LANES}, queue {n}, no downstream states": lambda: _queue(old, n, opts),
                         f"lanes {LANES}, queue {n}, downstream states": lambda: _queue(down, n, opts),
                         f"lanes {LANES}, queue {n}, downstream + shared site columns": lambda: _queue(prob, n, opts)}
            elif args.prepared:
                cases = {f"lanes {LANES}, queue {n}, model.rhs per evaluation": lambda: _queue(prob, n, opts, prepared=False),
                         f"lanes {LANES}, queue {n}, prepared once per patient": lambda: _queue(prob, n, opts)}
            else:
                cases = {"blocks, params per patient": lambda: _blocks(prob, n, opts, frozenset()),
                         "blocks, shared scalars": lambda: _blocks(prob, n, opts, None)}
                for k in args.refill:
                    cases[f"lanes {LANES}, queue {n}, refill {k}"] = lambda k=k: _queue(prob, n, opts, k)
            if args.kvaerno:
                kv = SolverOptions(solver="Kvaerno5", rtol=1e-6, atol=1e-8).resolved(prob.model)
                cases["Kvaerno5 rtol 1e-6"] = lambda: _kvaerno(prob, n, kv)
            base = None
            for name, (wall, cpu, (ys, ok, steps, lane_steps)) in _timed(cases).items():
                base = base or (wall, ys, cpu)
                err = rel_err(ys[:N_REF], ref, floor)
                diff = float(np.max(np.abs(ys - base[1]) / (np.abs(base[1]) + floor)))
                ls = f"{lane_steps / n:.1f} ({steps.mean():.1f})" if lane_steps else f"- ({steps.mean():.1f})"
                row = dict(n=n, rtol=rtol, variant=name, patients_per_s=n / wall, lane_steps_per_patient=
                           (lane_steps / n if lane_steps else None), mean_steps=float(steps.mean()),
                           ratio=base[0] / wall, cpu_us_per_patient=cpu / n * 1e6, cpu_ratio=base[2] / cpu,
                           max_rel_err=err, max_rel_diff_to_blocks=diff, all_ok=bool(ok.all()))
                rows.append(row)
                print(f"| {n} | {rtol:g} | {name} | {n / wall:.0f} | {ls} | {base[0] / wall:.2f} | "
                      f"{cpu / n * 1e6:.0f} | {base[2] / cpu:.2f} | {err:.1e} | "
                      f"{diff:.1e} |", flush=True)
    load = os.getloadavg()[0]
    print(f"load after: {load:.2f}")
    RESULTS.parent.mkdir(exist_ok=True)
    out = (RESULTS.with_name("rosenbrock_structures.json") if args.structures else
           RESULTS.with_name("rosenbrock_prepared.json") if args.prepared else RESULTS)
    out.write_text(json.dumps(dict(machine=platform.node(), cpus=os.cpu_count(), load_1min=load, rows=rows),
                                  indent=1))


if __name__ == "__main__":
    main()
