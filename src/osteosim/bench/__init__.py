"""Benchmark: osteosim's batched solve against what users would otherwise run.

One call of :func:`run_benchmark` builds one virtual cohort and times, in one run,

- ``osteosim``: the production batched solve (:func:`osteosim.solve.solve_chunked`) over tasks of
  patients: diffrax solvers in compiled calls of fixed width, Rodas5P (the per-lane Rosenbrock
  solver, :mod:`osteosim.solve.rosenbrock`) with solve_chunked's own lanes.  The one-off compile is
  timed separately (``compile_s``) and excluded from ``patients_per_s``.  ``--solver auto`` picks
  the fastest candidate within 1e-4 on a pilot block (Osteosim: Rodas5P and the model's solver);
- ``scipy_loop``: a per-patient ``scipy.integrate.solve_ivp`` loop (LSODA and BDF)
  over the model's own RHS, ``jax.jit``-compiled for one patient (numpy in and out)
  with a ``jax.jacfwd`` Jacobian, i.e. what a competent scipy user writes;
- ``libroadrunner_loop``: the model exported with :func:`osteosim.interop.export_sbml`,
  loaded once; per patient ``reset()``, set the varied parameters, simulate with CVODE
  at the same save times;
- ``bone_models`` (Pivonka2008 only): the Pivonka group's PyPI package ``bone-models``
  with its own solve of its PTH load case, per patient (skipped with the reason when
  the package is not installed).

Every engine solves the same patients, the same model, span and save times, and the input
switch times are given to every engine (osteosim clips steps there; the loops restart their
integrator there).  Tolerances are explicit per engine (``tolerances`` and each result's
``rtol``): osteosim at its solver's setting (Rodas5P rtol 5e-6; others 1e-6),
the peer loops at their usual rtol 1e-6 (``--peer-rtol``), atol = rtol x 1e-2 on the scaled states;
every engine must reach ``max_rel_err`` <= 1e-4 (``accuracy``) against a tight-tolerance
reference (Kvaerno5, rtol 1e-10) on the first ``ref_patients`` patients.  The slow loops are
timed on the first ``loop_patients`` patients and extrapolated per patient (``timed_patients``).
Ratios are per core: osteosim in one process against each loop in one process (an all-core
osteosim rate is reported beside them), in wall time and in the process's CPU time
(``ratios.cpu_time``, less sensitive to other work on the machine); the 1-min load average is
recorded before and after the run and each engine.  ``rounds`` > 1 times every engine in
interleaved rounds and keeps each one's fastest.

The command line is ``osteosim bench``; ``benchmarks/`` holds the scripts that
run it for the tables in ``benchmarks/README.md``.

Modules: ``problem`` (the cohort every engine solves), ``accuracy`` (error against the
reference), one module per engine (``osteosim_engine``, ``scipy_loop``, ``roadrunner_loop``,
``bone_models_loop``), ``machine`` (machine info and FLOP profile), ``startup`` (CLI start-up
latency), ``summary`` (the short markdown next to the JSON) and ``run`` (:func:`run_benchmark`, which
runs them together).
"""
from __future__ import annotations

from .. import _jax  # noqa: F401  (float64 + compile cache, also in spawned worker processes)
from .accuracy import rel_err
from .machine import machine_info
from .osteosim_engine import solver_options
from .problem import PIVONKA_VARIED, Problem, build_problem, patient_problem
from .run import ENGINES, TARGETS, run_benchmark
from .startup import STARTUP_TARGET_S, time_simulate_startup
from .summary import summary_md

__all__ = ["run_benchmark", "build_problem", "patient_problem", "Problem", "ENGINES", "PIVONKA_VARIED", "TARGETS",
           "machine_info", "solver_options", "rel_err", "time_simulate_startup", "STARTUP_TARGET_S",
           "summary_md"]
