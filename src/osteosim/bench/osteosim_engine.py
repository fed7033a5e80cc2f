"""The ``osteosim`` engine: the production batched solve over tasks of patients, in-process or on worker processes.

Each task goes through :func:`osteosim.solve.solve_chunked` (fixed-width compiled calls), the path
trials and ensembles take: diffrax solvers in calls of ``block`` lanes; Rodas5P
(:mod:`osteosim.solve.rosenbrock`) with solve_chunked's own lane count, so whatever that path does
for it (fixed lanes, refills) is what is timed.
"""
from __future__ import annotations

import contextlib
import math
import os
import time
from collections.abc import Sequence

import numpy as np

from ..cores import pin_to_core, usable_cores
from ..models.base import get_model
from ..solve import SOLVERS, SolverOptions, solve_chunked
from .accuracy import rel_err
from .problem import Problem


#: rtol at which the bench runs a solver when ``--rtol`` is not given.  Rodas5P: 5e-6.  The engine
#: study's 1e-5 (/work/shared/reference/engine-study.md: error 1.4e-5 against the rtol 1e-10 reference)
#: no longer meets the 1e-4 limit on the 4-site model with the radius's strain exponent: 1.2e-4 at 1e-5,
#: 6.2e-5 at 5e-6, at the same speed within noise (519 vs 522 patients/s, 333 vs 336 per CPU second;
#: 2048 bench patients, 2026-12-06, benchmarks/README.md).  Every other solver, and the peer loops
#: (libroadrunner's CVODE, scipy), at the usual rtol 1e-6.
SOLVER_RTOL = {"Rodas5P": 5e-6}
PEER_RTOL = 1e-6
#: atol on the scaled states = rtol x this, for every engine (rtol 1e-6 -> atol 1e-8 x state scale)
ATOL_PER_RTOL = 1e-2
#: models whose automatic pick tries the stiff solvers only: on Osteosim (stiff at every age, fastest
#: eigenvalues ~ -0.4 per day) the explicit Tsit5 needs ~2,500 steps and ran at 22-38 patients/s against
#: 53-81 for Kvaerno5 (benchmarks/README.md), so piloting it only costs minutes
STIFF_MODELS = frozenset({"Osteosim"})


def default_rtol(label: str) -> float:
    """The bench's rtol for the ``--solver`` label when none is given (:data:`SOLVER_RTOL`)."""
    return SOLVER_RTOL.get(label.partition("/")[0], PEER_RTOL)


def default_atol(rtol: float) -> float:
    """atol on the scaled states for ``rtol`` (rtol x ATOL_PER_RTOL, printed as 1e-07, not 1.0000000000000001e-07)."""
    return float(f"{rtol * ATOL_PER_RTOL:.12g}")


def candidates(model) -> tuple[str, ...]:
    """Solvers the automatic pick times on a pilot block: the model's own choice and Rodas5P
    (stiff models), or the model's choice, Tsit5 and Tsit5/shared (the others)."""
    if model.name in STIFF_MODELS:
        return tuple(dict.fromkeys(["Rodas5P", model.solver]))
    return tuple(dict.fromkeys([model.solver, "Tsit5", "Tsit5/shared"]))


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
    """One task of patients through solve_chunked (also run in worker processes): diffrax solvers in
    compiled calls of ``block`` lanes, Rodas5P with solve_chunked's own lane count."""
    m = get_model(model_name)
    # Rodas5P: the task is one queue worked through by solve_chunked's lanes (as a trial task's history)
    lanes = {"chunk_size": y0.shape[0]} if opts.solver == "Rodas5P" else {"block": block}
    s = solve_chunked(m, p, y0, ts, d, t0=t0, options=opts, **lanes)
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


def _pinned_worker(cores, *warm) -> None:
    """A worker's start: pin it to the next free core (:mod:`osteosim.cores`), then compile (or load) the solve."""
    pin_to_core(cores.get())
    _solve_block(*warm)


@contextlib.contextmanager
def _worker_pool(prob: Problem, opts: SolverOptions, block: int, workers: int):
    """``workers`` spawned processes, each pinned to its own core and with the solver compiled (or
    loaded from the cache) before timing.

    Processes, not threads: two threads running compiled solves of the full model at once
    deadlocked in XLA's CPU runtime (measured, 2 cores); processes are also what a local Dask
    cluster uses.  Pinned, because unpinned workers' XLA thread pools compete for every core
    (:mod:`osteosim.cores`).
    """
    if workers <= 1:
        yield None
        return
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    ctx = mp.get_context("spawn")
    cores = ctx.SimpleQueue()
    for i in range(workers):
        cores.put(i)
    warm = _block_tasks(prob, opts, block, slice(0, min(block, prob.n)))[0]
    ex = ProcessPoolExecutor(workers, mp_context=ctx, initializer=_pinned_worker, initargs=(cores, *warm))
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


def _plan(n: int, block: int | None, workers: int | None, max_block: int = 1024) -> tuple[int, int]:
    """Patients per task (= lanes per compiled call for the diffrax solvers, one queue for Rodas5P)
    and worker processes.

    Below 1,024 patients one task of 8*ceil(n/8); above, one task per worker of up to ``max_block``
    (wide diffrax blocks amortise the per-step loop overhead; a long Rodas5P queue spends less of
    its time in the tail, where lanes fall idle: 50.9 lane-steps per patient for a queue of 4,096
    against 57.9 for 1,000, measured).  Timed in one process, and again on one pinned worker
    process per core (:func:`_worker_block`) when there are at least ``MIN_PER_WORKER`` patients
    per worker (a worker costs seconds to start).
    """
    workers = workers or len(usable_cores())
    if block is None:
        per = n if n < 1024 else math.ceil(n / workers)
        block = min(max_block, 8 * math.ceil(per / 8))
    block = max(1, int(block))
    if n < MIN_PER_WORKER * workers:
        workers = 1
    return block, int(workers)


#: fewest patients per worker process for the all-core timing
MIN_PER_WORKER = 256
#: largest task of the stiff models (Rodas5P queues; :data:`STIFF_MODELS`)
MAX_QUEUE = 4096


def _worker_block(n: int, block: int, workers: int) -> int:
    """Patients per task on ``workers`` processes: at most ``block``, and at least one task per worker."""
    return min(block, 8 * math.ceil(math.ceil(n / workers) / 8))


def _time_osteosim(prob: Problem, opts: SolverOptions, block: int, workers: int, ref: np.ndarray | None,
                   floor: np.ndarray, n_ref: int, warm: dict | None = None) -> dict:
    """Time the solve of every patient: in one process (one task after another), and on ``workers``
    processes when there are several tasks.  ``patients_per_s`` is the one-process rate (the peers'
    loops run in one process: ratios are per core).  ``warm``: the pilot's timings of this solver's
    first task (its compile is then already paid), else the first task is run twice here."""
    first = slice(0, min(block, prob.n))
    if warm is None:
        t = time.perf_counter()
        _osteosim_solve(prob, opts, block, None, first)
        first_call = time.perf_counter() - t
        t = time.perf_counter()
        _osteosim_solve(prob, opts, block, None, first)
        warm_block = time.perf_counter() - t
        compile_s = max(first_call - warm_block, 0.0)
    else:
        first_call, compile_s = warm["first_call_s"], warm["compile_s"]
    t, cpu = time.perf_counter(), time.process_time()
    ys, ok, steps, n = _osteosim_solve(prob, opts, block, None)
    wall, cpu = time.perf_counter() - t, time.process_time() - cpu
    out = {
        "patients_per_s": prob.n / wall,
        "wall_s": wall,
        # CPU time of this process (every thread XLA runs counts): less sensitive to other work on the machine
        "patients_per_cpu_s": prob.n / cpu,
        "timed_patients": prob.n,
        "extrapolated": False,
        "parallelism": "one process (tasks one after another)",
        "compile_s": compile_s,
        "first_call_s": first_call,
        "solver": _label(opts),
        "step_control": opts.step_control,
        "rtol": opts.rtol,
        "atol_scaled": opts.atol,
        "path": "osteosim.solve.solve_chunked per task of patients",
        "block": block,
        "lanes_per_compiled_call": "solve_chunked's default" if opts.solver == "Rodas5P" else block,
        "ok_all": bool(ok.all()),
        "num_steps_mean": float(steps.mean()),
        "num_steps_max": int(steps.max()),
    }
    if opts.solver == "Rodas5P":
        # per-lane steps: each patient's own steps are the work (idle lanes are not counted)
        lane_steps = int(steps.sum())
    else:
        # lanes of a vmapped while loop step together until the block's slowest patient is done
        lane_steps = sum(int(steps[s:s + block].max()) * block for s in range(0, prob.n, block))
    out["lane_steps"] = lane_steps
    out["us_per_step_per_patient"] = wall / lane_steps * 1e6
    if ref is not None:
        out["max_rel_err"] = rel_err(ys[:n_ref], ref, floor)
    if workers > 1:
        t = time.perf_counter()
        w_block = _worker_block(prob.n, block, workers)
        with _worker_pool(prob, opts, w_block, workers) as pool:
            out["worker_start_s"] = time.perf_counter() - t
            t = time.perf_counter()
            w_ys = _osteosim_solve(prob, opts, w_block, pool)[0]
            out[f"patients_per_s_{workers}_workers"] = prob.n / (time.perf_counter() - t)
        out["worker_block"] = w_block
        # the same numbers whatever the tasks (persistent lanes: bit-identical; diffrax blocks: rounding)
        out["workers_max_rel_diff"] = float(np.max(np.abs(w_ys - ys) / (np.abs(ys) + floor)))
        out["workers"] = workers
        out["workers_note"] = (f"also timed on {workers} spawned worker processes, each pinned to its own core, "
                               f"tasks of {w_block} patients: the machine's rate (ratios.all_cores)")
    else:
        out["workers"] = 1
    return out


def _pick_solver(prob: Problem, cands: Sequence[str], rtol: float | None, atol: float | None, block: int,
                 ref: np.ndarray | None, floor: np.ndarray, n_ref: int, max_err: float) -> tuple[str, dict]:
    """Fastest candidate on one pilot block whose error against the reference is <= max_err.

    rtol/atol None: each candidate at its own (:func:`default_rtol`, :func:`default_atol`)."""
    pilot = {}
    sl = slice(0, min(block, prob.n))
    for name in cands:
        r = rtol if rtol is not None else default_rtol(name)
        opts = solver_options(name, r, atol if atol is not None else default_atol(r))
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
                       "max_rel_err": err, "rtol": opts.rtol, "atol_scaled": opts.atol,
                       "compile_s": max(first - wall, 0.0), "first_call_s": first}
    good = [k for k, v in pilot.items() if "error" not in v and v["ok_all"] and (v["max_rel_err"] is None
                                                                                  or v["max_rel_err"] <= max_err)]
    if not good:
        good = [k for k, v in pilot.items() if "error" not in v] or list(cands[:1])
    return max(good, key=lambda k: pilot[k].get("patients_per_s", 0.0)), pilot
