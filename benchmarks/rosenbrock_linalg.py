"""Rodas5P's linear algebra: the dense batched LAPACK LU against the block-bordered LU of solve/linalg.py.

Osteosim bench cohort (``build_problem("Osteosim", N, years=10, seed=7)``), Rodas5P at rtol 1e-5
(atol 1e-7 on scaled states), once per variant in the same process: Osteosim with no declared
block structure (the solver falls back to LAPACK) and Osteosim as declared.  Printed: patients/s
(best of 3 warm calls, the variants taking turns), steps, the max relative error over the first 8
patients against Kvaerno5 at rtol 1e-10 (floor 1e-6 x state scale, as ``osteosim bench``), the
ratio of the two speeds and the max relative difference between their answers (all N).

Usage: python benchmarks/rosenbrock_linalg.py [N ...]     (default 64 256)
"""
from __future__ import annotations

import dataclasses
import sys
import time

import numpy as np

from osteosim.bench.accuracy import rel_err
from osteosim.bench.problem import build_problem
from osteosim.models import Osteosim
from osteosim.solve.integrate import SolverOptions, solve_batch

N_REF = 8


class _DenseLU(Osteosim):
    """Osteosim without its declared block structure: the solver falls back to batched LAPACK."""

    name = "Osteosim-denseLU"
    block_structure = None


def _solve(prob, n, opts):
    p, d = prob.take(slice(0, n))
    return solve_batch(prob.model, p, np.tile(prob.y0, (n, 1)), prob.ts, d, t0=prob.t0, options=opts)


def main(sizes: list[int], repeats: int = 3) -> None:
    rodas = SolverOptions(solver="Rodas5P", rtol=1e-5, atol=1e-7)
    cases = {"Rodas5P rtol 1e-5, LAPACK LU": (_DenseLU(), rodas),
             "Rodas5P rtol 1e-5, bordered LU": (None, rodas)}
    print("| N | solver | patients/s (warm) | steps mean/max | max rel err (8 patients) | first call s |")
    print("|---:|---|---:|---:|---:|---:|")
    for n in sizes:
        prob = build_problem("Osteosim", n, years=10, seed=7)
        floor = 1e-6 * np.asarray(prob.model.state_scale())
        ref = _solve(prob, n, SolverOptions(solver="Kvaerno5", rtol=1e-10, atol=1e-12)).ys[:N_REF]
        first, walls, sols = {}, {name: [] for name in cases}, {}
        for name, (model, opts) in cases.items():
            t = time.perf_counter()
            _solve(_with(prob, model), n, opts)
            first[name] = time.perf_counter() - t
        # warm calls, the cases taking turns (the machine is shared: the best of ``repeats``)
        for _ in range(repeats):
            for name, (model, opts) in cases.items():
                t = time.perf_counter()
                sols[name] = _solve(_with(prob, model), n, opts)
                walls[name].append(time.perf_counter() - t)
        rates = [n / min(walls[name]) for name in cases]
        for (name, sol), rate in zip(sols.items(), rates):
            err = rel_err(sol.ys[:N_REF], ref, floor)
            print(f"| {n} | {name} | {rate:.0f} | {sol.num_steps.mean():.0f}/{sol.num_steps.max()} | "
                  f"{err:.1e} | {first[name]:.1f} |", flush=True)
        ys = [sol.ys for sol in sols.values()]
        diff = rel_err(ys[1], ys[0], floor)  # every patient: how far the two variants' answers differ
        print(f"| {n} | ratio {' / '.join(list(cases)[::-1])} | {rates[1] / rates[0]:.2f} | | "
              f"{diff:.1e} between them (all {n}) | |", flush=True)


def _with(prob, model):
    return prob if model is None else dataclasses.replace(prob, model=model)

if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [64, 256])
