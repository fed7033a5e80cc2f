"""Run a virtual trial: chunks of patients as Dask tasks, results streamed to a resumable store.

Per chunk of patients (``simulate_chunk``, a pure function of the trial, the seed and the
patient range):

1. the virtual population (:mod:`.population`), each patient from its own random stream;
2. each patient's untreated history from the young-adult peak (age 25) to randomisation,
   solved ONCE: one batched solve saving every whole month of the trial's age range, each
   patient's state taken at its own age (ages are whole months);
3. every arm branched from that state on trial time (:class:`.engine.ShiftedModel`): the
   same patients in every arm (a randomised population's perfect balance: the arms differ
   only by treatment), saved monthly;
4. BMD per site from the measured-baseline rescaling (reported with each scan's DXA precision
   error, :mod:`.population`), fractures and deaths sampled from the simulated BMD trajectory
   (:mod:`osteosim.outcomes.fracture`; with ``fracture_hazard: strength`` from the patient's
   strength change, :func:`strength_change`) with the patient's own uniforms, the same in every
   arm (common random numbers).

Solves go through :func:`osteosim.solve.solve_chunked` with fixed-width blocks, and chunks
start at multiples of the block, so every number is bit-identical for any chunk size or
worker count.  Chunks run on Dask: an in-process cluster by default (one task at a time), ``workers``
local processes, or an existing cluster at ``scheduler``; the driving process writes each
finished chunk to the :class:`.store.TrialStore` and records it, so a killed run resumes.
"""
from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from ..outcomes import columns as C
from ..physiology.patient import SITES
from ..units import DAYS_PER_YEAR
from .outputs import months_grid
from .draws import trial_draws
from .spec import TrialSpec
from .store import TrialStore

__all__ = ["run_trial", "simulate_chunk", "strength_change", "DEFAULT_CHUNK", "TRIAL_SOLVER"]

#: patients per Dask task (a multiple of the solver block)
DEFAULT_CHUNK = 256
#: solvers (measured per task of 1,024 FREEDOM-like patients, one process pinned to one core, warm;
#: benchmarks/trials_window.py; benchmarks/README.md, "Trial window"):
#: * untreated history, age 25 to randomisation: the model's stiff solver (Rodas5P; the lifetime
#:   solve is stiff: explicit Tsit5 took 4.1-6.6 s per 256 patients) at rtol 1e-5 instead of the
#:   patient-run 1e-6 (engine-study.md: max rel err 1.4e-5 against an rtol 1e-10 reference), and
#:   the measured-baseline rescaling sets BMD at entry anyway;
#: * an untreated arm's window: Rodas5P lanes too (smooth and stiff: 7 steps per patient over 3
#:   years against Tsit5's 159 shared steps; 0.25 s vs 1.25 s per task);
#: * a treated arm's window: explicit Tsit5 at rtol 1e-5 with the block's shared step
#:   (solve/integrate.py).  Each dose excites transients the error control follows (~360 steps per
#:   patient under denosumab for either method: accuracy-limited, not stiff), and a Tsit5 shared
#:   step costs ~8 us per patient against ~28 us for a Rodas5P lane-step (3.2 s vs 11 s per task).
#:   64 patients x 3 years against Kvaerno5 at rtol 1e-8 (max error in LS BMD % change):
#:   denosumab 4e-6 %; placebo, alendronate, teriparatide, MSC + denosumab <= 9e-6 %.
TRIAL_RTOL = 1e-5
HISTORY_RTOL = 1e-5
#: the untreated history saves every month of the trial's age range, padded to this many
#: points (age ranges up to ~42 years share one compiled solver)
MIN_HISTORY_SAVES = 512


def _trial_options(treated: bool = True):
    """A treated arm's window: Tsit5 with the block's shared step; an untreated one: Rodas5P lanes."""
    from ..solve import SolverOptions

    if not treated:
        return SolverOptions(solver="Rodas5P", rtol=TRIAL_RTOL, atol=TRIAL_RTOL * 1e-2)
    return SolverOptions(solver="Tsit5", rtol=TRIAL_RTOL, atol=TRIAL_RTOL * 1e-2, step_control="shared")


def _history_options():
    from ..solve import SolverOptions

    return SolverOptions(rtol=HISTORY_RTOL, atol=HISTORY_RTOL * 1e-2)


TRIAL_SOLVER = ("untreated history and untreated arms: the model's stiff solver (Rodas5P), rtol 1e-5, atol 1e-7; "
                "treated arms' window: Tsit5 with the block's shared step, rtol 1e-5, atol 1e-7 (scaled states)")


def _model_and_params():
    from ..models import Osteosim

    model = Osteosim()
    return model, model.default_parameters().values_dict()


def _patient_params(base: dict, pop) -> list[dict]:
    """Per-patient parameter values: the population's multipliers on the variable parameters (and on
    those that share one, :data:`~osteosim.trials.population.SHARED_MULTIPLIERS`)."""
    from .population import SHARED_MULTIPLIERS

    varied = {}
    for name, m in pop.multipliers.items():
        targets = [f"turnover_{s}" for s in SITES] if name == "turnover" else \
            [name, *(k for k, v in SHARED_MULTIPLIERS.items() if v == name)]
        for t in targets:
            if t in base:
                varied[t] = base[t] * m
    return [{k: float(v[i]) for k, v in varied.items()} for i in range(len(pop))]


def _padded(ts: np.ndarray, n: int) -> np.ndarray:
    """``ts`` with its last time repeated up to ``n`` points (same solve, one compiled shape)."""
    return np.concatenate([ts, np.repeat(ts[-1:], max(0, n - len(ts)))])


def history_run(model, patients: list, variability: list[dict], base: dict, ages: np.ndarray):
    """Untreated lanes from the young-adult peak, saved at ``ages`` (years; padded to
    :data:`MIN_HISTORY_SAVES` points); the base parameters set every patient's reference state."""
    from ..runs import Lane, build_run

    return build_run(model, [Lane(pt, params=v) for pt, v in zip(patients, variability)], base,
                     ts=_padded(np.asarray(ages, dtype=float), MIN_HISTORY_SAVES) * DAYS_PER_YEAR)


def arm_run(shifted, patients: list, variability: list[dict], base: dict, regimen, ages: np.ndarray, years: float,
            months: np.ndarray):
    """One arm's lanes on trial time (:class:`.engine.ShiftedModel`; t_shift = age at randomisation,
    days): doses from randomisation over ``years``, saved at ``months`` (padded to ``MIN_SAVES``).
    The initial state is the caller's (each patient's state at randomisation)."""
    from ..runs import Lane, as_regimen, build_run
    from .engine import MIN_SAVES

    regimen = as_regimen(regimen)
    lanes = [Lane(pt, regimen, params=v, drivers={"t_shift": age * DAYS_PER_YEAR}, start_age=age)
             for pt, v, age in zip(patients, variability, ages)]
    ts = _padded(np.asarray(months, dtype=float), MIN_SAVES) / 12.0 * DAYS_PER_YEAR
    return build_run(shifted, lanes, base, ts=ts, years=years)


def strength_change(model, ys: np.ndarray, p: dict) -> np.ndarray:
    """(N, T, len(KINDS)) per fracture kind (its site, outcomes.fracture.KIND_SITES): ``ln S(t) - ln S(0)``, the
    patient's log strength change since randomisation (the first column of states ys (N, T, n_states))."""
    from ..outcomes.fracture import KIND_SITES
    # the hazard reads the fracture strength: volume, mineral and the remodeling space's cavities (docs/model.md 6b)
    from ..outcomes.strength import fracture_strength as hazard_strength

    out = {}
    for site in set(KIND_SITES.values()):
        ln_s = np.log(hazard_strength(model, ys, p, site))
        out[site] = ln_s - ln_s[:, :1]
    return np.stack([out[s] for s in KIND_SITES.values()], axis=-1)


def simulate_chunk(spec_data: dict, seed: int, start: int, stop: int, block: int | None = None,
                   draws: dict[str, list[float]] | None = None) -> dict:
    """Patients ``start..stop-1`` through every arm: ``{"visits": DataFrame, "events": DataFrame}``, and with
    parameter draws ``"draws": {"visit_draws": DataFrame, "event_draws": DataFrame}``.

    draws: name -> K values (default :func:`.draws.trial_draws` of the spec: ``uncertainty:``); each draw
    solves the arms it acts on again, from the same patients (:func:`_draw_tables`)."""
    from ..outcomes.fracture import FractureModel, endpoint_first_times, sample_events
    from ..outcomes.densitometry import bmd_from_tscore, tscore as to_tscore
    from ..outcomes.patient_run import relative_bmd
    from ..outcomes.strength import fracture_strength, strength, strength_pct_change
    from ..solve.integrate import BLOCK
    from .engine import ShiftedModel
    from .population import sample_population

    block = block or BLOCK
    spec = TrialSpec.from_mapping(spec_data)
    model, base = _model_and_params()
    shifted = ShiftedModel(model)
    grid = months_grid(spec)
    t_years = grid / 12.0
    fm = FractureModel(setting=spec.population.fracture_incidence, hazard=spec.population.fracture_hazard)
    pop = sample_population(spec, np.arange(start, stop), len(grid) - 1, seed=seed, fracture_model=fm)
    n = len(pop)
    variability = _patient_params(base, pop)
    patients = [pop.patient(i) for i in range(n)]
    # --- untreated history, once per patient from the young-adult peak: saved at every whole month
    # of the trial's age range (the base parameters set the reference state of every patient)
    lo, hi = spec.population.age
    ages_grid = np.arange(np.round(lo * 12.0), np.round(hi * 12.0) + 1.0) / 12.0
    # one queue for the task's patients (a lane that finishes takes the next patient), padded to a
    # power-of-two number of blocks (few compiled shapes); the shared parameters are those the
    # population does not vary, whichever patients this task holds
    queue = block * 2 ** int(np.ceil(np.log2(max(1, -(-n // block)))))
    shared = frozenset(base) - set(variability[0] if variability else ())
    hist = history_run(model, patients, variability, base, ages_grid).solve(_history_options(), block=block,
                                                                            chunk_size=queue, shared=shared)
    at = np.clip(np.rint((pop.age - ages_grid[0]) * 12.0).astype(int), 0, len(ages_grid) - 1)
    y_base = hist.ys[np.arange(n), at]
    ok_hist = hist.ok
    del hist
    # measured baseline: each site's peak rescaled so BMD at randomisation equals the sampled T-score
    peak = {s: bmd_from_tscore(pop.tscore[s], base, s) / relative_bmd(model, y_base, s) for s in SITES}
    rf = pop.risk_factors()
    visit_idx = np.searchsorted(grid, np.concatenate([[0.0], spec.visits_months]))
    flags = (pop.smoker, pop.family_history, pop.glucocorticoids, pop.prior_fracture, pop.prevalent_vertebral)

    def solve_arm(regimen, lane_params: list[dict]):
        run = replace(arm_run(shifted, patients, lane_params, base, regimen, pop.age, spec.years, grid), y0=y_base)
        if regimen:
            return run.solve(_trial_options(), block=block, chunk_size=block)
        # Rodas5P lanes: one queue, the same shared parameters as the history (chunk-independent)
        return run.solve(_trial_options(treated=False), block=block, chunk_size=queue, shared=shared)

    def tables(arm: str, sol) -> tuple[pd.DataFrame, pd.DataFrame]:
        """One arm's visits and events rows from its solve."""
        ys = sol.ys[:, : len(grid)]
        bmd = {s: peak[s][:, None] * relative_bmd(model, ys, s) for s in SITES}
        tsc = {s: to_tscore(bmd[s], base, s) for s in SITES}
        change = strength_change(model, ys, base) if fm.hazard == "strength" else None
        hist_ev = sample_events(fm, t_years, pop.age, rf, tsc, pop.uniforms, strength_change=change)
        ok = ok_hist & sol.ok
        cols = {C.VISIT_PATIENT.name(): np.repeat(pop.index, len(visit_idx)), C.VISIT_ARM.name(): arm,
                C.MONTH.name(): np.tile(grid[visit_idx], n),
                C.VISIT_AGE.name(): np.repeat(pop.age, len(visit_idx)) + np.tile(grid[visit_idx] / 12.0, n)}
        for s in SITES:
            # what a densitometer reads (precision error per scan); the hazards above use the simulated BMD
            b_true = bmd[s][:, visit_idx]
            b = b_true * (1.0 + pop.dxa_error[s])
            cols[C.VISIT_BMD.name(s)] = b.ravel()
            cols[C.VISIT_BMD_TRUE.name(s)] = b_true.ravel()
            cols[C.VISIT_TSCORE.name(s)] = to_tscore(b, base, s).ravel()
            cols[C.BMD_PCT_CHANGE.name(s)] = (100.0 * (b / b[:, :1] - 1.0)).ravel()
            st = strength(model, ys[:, visit_idx], base, s)
            cols[C.VISIT_STRENGTH.name(s)] = st.ravel()
            cols[C.STRENGTH_PCT_CHANGE.name(s)] = strength_pct_change(st).ravel()
            fs = fracture_strength(model, ys[:, visit_idx], base, s)
            cols[C.VISIT_FRACTURE_STRENGTH.name(s)] = fs.ravel()
            cols[C.FRACTURE_STRENGTH_PCT_CHANGE.name(s)] = strength_pct_change(fs).ravel()
        cum = np.concatenate([np.zeros((n, 1, len(C.AXES["kind"])), dtype=np.int64), hist_ev.counts_by_interval],
                             axis=1)[:, visit_idx]
        for k, kind in enumerate(C.AXES["kind"]):  # the model's fracture kinds, in counts order
            cols[C.FRACTURES.name(kind)] = cum[:, :, k].ravel()
        cols[C.ALIVE.name()] = (np.repeat(hist_ev.death_time, len(visit_idx)) > np.tile(grid[visit_idx] / 12.0, n))
        cols[C.VISIT_SOLVER_OK.name()] = np.repeat(ok, len(visit_idx))
        ft = hist_ev.first_time
        ev = {C.EVENT_PATIENT.name(): pop.index, C.EVENT_ARM.name(): arm, C.EVENT_AGE.name(): pop.age,
              C.SEX.name(): np.where(pop.female, "female", "male"), C.BMI.name(): pop.bmi,
              **{col.name(): flag for col, flag in zip(C.RISK_FLAGS, flags, strict=True)}}
        for s in SITES:
            ev[C.BASELINE_TSCORE.name(s)] = pop.tscore[s]
        for kind, t in endpoint_first_times(ft).items():
            ev[C.TIME_TO.name(kind)] = np.where(np.isfinite(t), t, np.nan)
        for k, kind in enumerate(C.AXES["kind"]):  # the model's fracture kinds, in counts order
            ev[C.N_FRACTURES.name(kind)] = hist_ev.count[:, k]
        ev[C.DEATH_TIME.name()] = np.where(np.isfinite(hist_ev.death_time), hist_ev.death_time, np.nan)
        ev[C.EVENT_SOLVER_OK.name()] = ok
        return pd.DataFrame(cols), pd.DataFrame(ev)

    regimens = spec.regimens()
    visits, events = [], []
    for arm, regimen in regimens.items():
        v, e = tables(arm, solve_arm(regimen, variability))
        visits.append(v)
        events.append(e)
    out = {"visits": pd.concat(visits, ignore_index=True), "events": pd.concat(events, ignore_index=True)}
    if draws is None:
        draws = trial_draws(spec)
    if draws:
        out["draws"] = _draw_tables(spec, draws, regimens, base, pop, solve_arm, tables)
    return out


def _draw_tables(spec: TrialSpec, draws: dict, regimens: dict, base: dict, pop, solve_arm, tables) -> dict:
    """The parameter draws of one chunk: every arm with an uncertain parameter solved again per draw, on the
    same patients (state at randomisation, variability, DXA errors and fracture uniforms: common random
    numbers); the rows of :data:`~osteosim.outcomes.columns.VISIT_DRAWS` and ``EVENT_DRAWS``."""
    from .draws import arm_parameters, draw_values

    per_arm = arm_parameters(spec)
    k_draws = len(next(iter(draws.values())))
    vcols = [n for col in C.VISIT_DRAWS for n in col.names()]
    ecols = [n for col in C.EVENT_DRAWS for n in col.names()]
    visits, events = [], []
    for k in range(k_draws):
        for arm, regimen in regimens.items():
            if not per_arm[arm]:
                continue  # nothing uncertain acts on this arm: it is the nominal arm in every draw
            values = draw_values(draws, k, per_arm[arm])
            # a drawn parameter the population also varies takes the patient's multiplier on the drawn value
            varied = _patient_params(dict(base, **values), pop)
            v, e = tables(arm, solve_arm(regimen, [dict(values, **p) for p in varied]))
            visits.append(v.assign(**{C.DRAW.name(): k + 1})[vcols])
            events.append(e.assign(**{C.DRAW.name(): k + 1})[ecols])
    if not visits:
        return {}
    return {"visit_draws": pd.concat(visits, ignore_index=True), "event_draws": pd.concat(events, ignore_index=True)}


# ----------------------------------------------------------------------------------------------
# the Dask driver
@contextlib.contextmanager
def _client(workers: int | None, scheduler: str | None, pin: bool = True):
    from dask.distributed import Client, LocalCluster

    if scheduler:
        client = Client(scheduler)
        try:
            yield client
        finally:
            client.close()
        return
    if workers:
        cluster = LocalCluster(n_workers=int(workers), threads_per_worker=1, processes=True,
                               dashboard_address=":0", silence_logs=40)
    else:
        # in-process: one task at a time; XLA spreads each batched solve over the cores itself
        # (two solves from two threads deadlocked XLA's CPU thread pool on the 2-core machine)
        cluster = LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0",
                               silence_logs=40)
    client = Client(cluster)
    if workers and pin:
        from ..cores import usable_cores
        from .pinning import PinToCore

        client.register_plugin(PinToCore(usable_cores()))
    try:
        yield client
    finally:
        client.close()
        cluster.close()


def run_trial(spec: TrialSpec, out_dir, *, workers: int | None = None, scheduler: str | None = None,
              seed: int | None = None, progress: Callable[[int, int], None] | None = None,
              should_stop: Callable[[], bool] | None = None, chunk_size: int = DEFAULT_CHUNK,
              block: int | None = None, pin: bool = True) -> dict:
    """Run (or resume) ``spec`` into ``out_dir``; returns the summary (also ``out_dir/summary.json``).

    ``progress(done_patients, total_patients)`` after each chunk; ``should_stop()`` returning
    True cancels the remaining chunks (what is recorded stays, a later run resumes) and the
    return value is ``{"cancelled": True, "done_patients", "total_patients"}``.
    ``chunk_size`` patients per task (rounded up to the block); ``block`` solver lanes; ``pin``:
    each local worker process on its own core (:mod:`.pinning`; ``workers`` only).
    """
    from ..solve.integrate import BLOCK
    from . import endpoints

    if workers is not None and workers < 1:
        raise ValueError(f"--workers: {workers} is not allowed (a whole number >= 1)")
    block = int(block or BLOCK)
    chunk_size = int(np.ceil(max(1, chunk_size) / block) * block)
    seed = spec.seed if seed is None else int(seed)
    if seed < 0:
        raise ValueError(f"--seed: {seed} is not allowed (a whole number >= 0)")
    from .population import age_tilt

    age_tilt(spec)  # an unreachable age_mean is refused here, before anything is written
    out = Path(out_dir)
    n = spec.population.patients_per_arm
    data = spec.model_dump(mode="json")
    t_start = time.perf_counter()
    with TrialStore(out) as store:
        store.bind({"digest": spec.digest(seed), "patients": n, "block": block})
        pending = store.pending(n, chunk_size)
        done = store.done_patients()
        if progress:
            progress(done, n)
        if pending:
            from dask.distributed import as_completed

            with _client(workers, scheduler, pin) as client:
                ranges = {}

                def submit(chunks):
                    futs = []
                    for a, b in chunks:
                        f = client.submit(simulate_chunk, data, seed, a, b, block, pure=False)
                        ranges[f.key] = (a, b)
                        futs.append(f)
                    return futs

                # in one process (in-process, or a cluster's multi-threaded worker) the first chunk alone
                # warms the compiled solvers and the others then share them; local worker processes
                # each load or compile their own, so they all start at once (else one core idles for a task)
                futures = submit(pending if workers else pending[:1])
                queue = as_completed(futures)
                for fut in queue:
                    res = fut.result()
                    a, b = ranges.pop(fut.key)
                    store.record(a, b, res["visits"], res["events"], res.get("draws"))
                    del res
                    done += b - a
                    if progress:
                        progress(done, n)
                    if should_stop and should_stop():
                        client.cancel(futures)
                        return {"cancelled": True, "done_patients": done, "total_patients": n}
                    if len(futures) == 1 and len(pending) > 1:
                        more = submit(pending[1:])
                        futures += more
                        queue.update(more)
        summary = endpoints.finish(spec, store, seed=seed, wall_s=time.perf_counter() - t_start,
                                   solver=TRIAL_SOLVER)
    return summary

