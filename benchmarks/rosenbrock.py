"""Rodas5P (solve/rosenbrock.py) against the default Kvaerno5 on the Osteosim bench cohort.

patients/s of a warm call (the second call of the same shapes, same process) for N patients of
``build_problem("Osteosim", N, years=10, seed=7)``: Rodas5P at rtol 1e-5, Kvaerno5 at rtol 1e-6
(atol = rtol * 1e-2 on scaled states), and the max relative error of each over the first 8
patients against Kvaerno5 at rtol 1e-10 (floor 1e-6 x state scale, as ``osteosim bench``).

Usage: python benchmarks/rosenbrock.py [N ...]     (default 64 256)
"""
from __future__ import annotations

import sys
import time

import numpy as np

from osteosim.bench.accuracy import rel_err
from osteosim.bench.problem import build_problem
from osteosim.solve.integrate import SolverOptions, solve_batch

N_REF = 8


def _solve(prob, n, opts):
    p, d = prob.take(slice(0, n))
    return solve_batch(prob.model, p, np.tile(prob.y0, (n, 1)), prob.ts, d, t0=prob.t0, options=opts)


def main(sizes: list[int]) -> None:
    cases = {"Rodas5P rtol 1e-5": SolverOptions(solver="Rodas5P", rtol=1e-5, atol=1e-7),
             "Kvaerno5 rtol 1e-6": SolverOptions(solver="Kvaerno5", rtol=1e-6, atol=1e-8)}
    print("| N | solver | patients/s (warm) | steps mean/max | max rel err (8 patients) | first call s |")
    print("|---:|---|---:|---:|---:|---:|")
    for n in sizes:
        prob = build_problem("Osteosim", n, years=10, seed=7)
        floor = 1e-6 * np.asarray(prob.model.state_scale())
        ref = _solve(prob, n, SolverOptions(solver="Kvaerno5", rtol=1e-10, atol=1e-12)).ys[:N_REF]
        for name, opts in cases.items():
            t = time.perf_counter()
            _solve(prob, n, opts)
            first = time.perf_counter() - t
            t = time.perf_counter()
            sol = _solve(prob, n, opts)
            wall = time.perf_counter() - t
            err = rel_err(sol.ys[:N_REF], ref, floor)
            print(f"| {n} | {name} | {n / wall:.0f} | {sol.num_steps.mean():.0f}/{sol.num_steps.max()} | "
                  f"{err:.1e} | {first:.1f} |", flush=True)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [64, 256])
