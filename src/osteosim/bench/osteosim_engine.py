"""The ``osteosim`` engine: batched diffrax solves over blocks of patients, in-process or on worker processes."""
from __future__ import annotations

import contextlib
import math
import os
import time
from collections.abc import Sequence

import numpy as np

from ..models.base import get_model
from ..solve import SOLVERS, SolverOptions, solve_batch
from .accuracy import rel_err
from .problem import Problem


def solver_options(label: str, rtol: float, atol: float) -> SolverOptions:
    """``--solver`` label -> options: a diffrax solver name (each patient its own steps, vmap over
    diffeqsolve) or ``NAME/shared`` (the block as one ODE system with one step size)."""
    name, _, mode = label.partition("/")
    if mode not in ("", "shared"):
        raise ValueError(f"--solver: {label!r}; use a solver name ({', '.join(SOLVERS)}) or NAME/shared")
    if mode == "shared":
        # PID coefficients diffrax's docs suggest for explicit solvers: 565 -> 507 steps on Pivonka2008
        # (benchmarks/solver_study.py)
        return SolverOptions(solver=name, rtol=rtol, atol=atol, step_control="shared", pcoeff=0.4, icoeff=0.3)
    return SolverOptions(solver=name, rtol=rtol, atol=atol)


def _label(opts: SolverOptions) -> str:
    return opts.solver + ("/shared" if opts.step_control == "shared" else "")


def _solve_block(model_name: str, p: dict, d: dict, y0: np.ndarray, ts: np.ndarray, t0: float,
                 opts: SolverOptions, block: int):
    """One compiled call of ``block`` lanes (also run in worker processes)."""
    m = get_model(model_name)
    s = solve_batch(m, p, y0, ts, d, t0=t0, options=opts, pad_to=block)
    return s.ys, s.ok, s.num_steps


def _block_tasks(prob: Problem, opts: SolverOptions, block: int, sl: slice) -> list[tuple]:
    tasks = []
    for s0 in range(sl.start, sl.stop, block):
        s1 = min(s0 + block, sl.stop)
        p, d = prob.take(slice(s0, s1))
        tasks.append((prob.model.name, p, d, np.tile(prob.y0, (s1 - s0, 1)), prob.ts, prob.t0, opts, block))
    return tasks


def _run_task(task: tuple):
    return _solve_block(*task)


def _pid_after(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def _osteosim_solve(prob: Problem, opts: SolverOptions, block: int, pool=None, sl: slice | None = None):
    """Solve patients ``sl`` (default all) in blocks of ``block`` lanes, in-process or on ``pool``."""
    sl = sl or slice(0, prob.n)
    tasks = _block_tasks(prob, opts, block, sl)
    parts = list(pool.map(_run_task, tasks)) if pool is not None and len(tasks) > 1 else [_run_task(t) for t in tasks]
    return (np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]),
            np.concatenate([p[2] for p in parts]), sl.stop - sl.start)


@contextlib.contextmanager
def _worker_pool(prob: Problem, opts: SolverOptions, block: int, workers: int):
    """``workers`` spawned processes, each with the solver compiled (or loaded from the cache) before timing.

    Processes, not threads: two threads running compiled solves of the full model at once
    deadlocked in XLA's CPU runtime (measured, 2 cores); processes are also what a local Dask
    cluster uses.
    """
    if workers <= 1:
        yield None
        return
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    warm = _block_tasks(prob, opts, block, slice(0, min(block, prob.n)))[0]
    ex = ProcessPoolExecutor(workers, mp_context=mp.get_context("spawn"), initializer=_solve_block, initargs=warm)
    try:
        # a worker runs tasks only after its warm-up: wait until every worker has answered
        seen: set[int] = set()
        for _ in range(50):
            seen |= set(ex.map(_pid_after, [0.2] * workers))
            if len(seen) >= workers:
                break
        yield ex
    finally:
        ex.shutdown(wait=True, cancel_futures=True)


def _plan(n: int, block: int | None, workers: int | None) -> tuple[int, int]:
    """Lanes per compiled call and worker processes for n patients.

    Below 1,024 patients one in-process call of 8*ceil(n/8) lanes (a worker process costs
    seconds to start and its IPC more than it saves); above, blocks of up to 1,024 lanes
    (wide blocks amortise the per-step loop overhead) on one worker process per core.
    """
    workers = workers or os.cpu_count() or 1
    if block is None:
        per = n if n < 1024 else math.ceil(n / workers)
        block = min(1024, 8 * math.ceil(per / 8))
    block = max(1, int(block))
    if n <= block:
        workers = 1
    return block, int(workers)


def _time_osteosim(prob: Problem, opts: SolverOptions, block: int, workers: int, ref: np.ndarray | None,
                   floor: np.ndarray, n_ref: int) -> tuple[dict, np.ndarray]:
    first = slice(0, min(block, prob.n))
    t = time.perf_counter()
    _osteosim_solve(prob, opts, block, None, first)
    first_call = time.perf_counter() - t
    t = time.perf_counter()
    _osteosim_solve(prob, opts, block, None, first)
    warm_block = time.perf_counter() - t
    t = time.perf_counter()
    with _worker_pool(prob, opts, block, workers) as pool:
        pool_start = time.perf_counter() - t
        t = time.perf_counter()
        ys, ok, steps, n = _osteosim_solve(prob, opts, block, pool)
        wall = time.perf_counter() - t
    out = {
        "patients_per_s": prob.n / wall,
        "wall_s": wall,
        "timed_patients": prob.n,
        "extrapolated": False,
        "compile_s": max(first_call - warm_block, 0.0),
        "first_call_s": first_call,
        "solver": _label(opts),
        "step_control": opts.step_control,
        "rtol": opts.rtol,
        "atol_scaled": opts.atol,
        "block": block,
        "workers": workers,
        "parallelism": "in-process" if workers <= 1 else f"{workers} spawned worker processes, one block per task",
        "ok_all": bool(ok.all()),
        "num_steps_mean": float(steps.mean()),
        "num_steps_max": int(steps.max()),
    }
    if workers > 1:
        out["worker_start_s"] = pool_start
    # lanes of a vmapped while loop step together until the block's slowest patient is done
    lane_steps = sum(int(steps[s:s + block].max()) * block for s in range(0, prob.n, block))
    out["lane_steps"] = lane_steps
    out["us_per_step_per_patient"] = wall * workers / lane_steps * 1e6
    if ref is not None:
        out["max_rel_err"] = rel_err(ys[:n_ref], ref, floor)
    return out, ys


def _pick_solver(prob: Problem, candidates: Sequence[str], rtol: float, atol: float, block: int,
                 ref: np.ndarray | None, floor: np.ndarray, n_ref: int, max_err: float) -> tuple[str, dict]:
    """Fastest candidate on one pilot block whose error against the reference is <= max_err."""
    pilot = {}
    sl = slice(0, min(block, prob.n))
    for name in candidates:
        opts = solver_options(name, rtol, atol)
        try:
            t = time.perf_counter()
            _osteosim_solve(prob, opts, block, None, sl)  # compile
            first = time.perf_counter() - t
            t = time.perf_counter()
            ys, ok, steps, n = _osteosim_solve(prob, opts, block, None, sl)
            wall = time.perf_counter() - t
        except Exception as e:  # noqa: BLE001 - a candidate that fails is simply not chosen
            pilot[name] = {"error": f"{type(e).__name__}: {e}"}
            continue
        err = rel_err(ys[:n_ref], ref, floor) if ref is not None else None
        pilot[name] = {"patients_per_s": n / wall, "num_steps_mean": float(steps.mean()), "ok_all": bool(ok.all()),
                       "max_rel_err": err, "compile_s": max(first - wall, 0.0), "first_call_s": first}
    good = [k for k, v in pilot.items() if "error" not in v and v["ok_all"] and (v["max_rel_err"] is None
                                                                                  or v["max_rel_err"] <= max_err)]
    if not good:
        good = [k for k, v in pilot.items() if "error" not in v] or list(candidates[:1])
    return max(good, key=lambda k: pilot[k].get("patients_per_s", 0.0)), pilot
