"""Benchmark: osteosim's batched solve against what users would otherwise run.

One call of :func:`run_benchmark` builds one virtual cohort and times, in one run,

- ``osteosim``: the batched diffrax solve (:func:`osteosim.solve.solve_batch`) over
  fixed-width blocks of patients (each block one compiled call), spread over
  ``workers`` spawned processes (one per core by default).  The one-off
  compile is timed separately (``compile_s``) and excluded from ``patients_per_s``;
- ``scipy_loop``: a per-patient ``scipy.integrate.solve_ivp`` loop (LSODA and BDF)
  over the model's own RHS, ``jax.jit``-compiled for one patient (numpy in and out)
  with a ``jax.jacfwd`` Jacobian, i.e. what a competent scipy user writes;
- ``libroadrunner_loop``: the model exported with :func:`osteosim.interop.export_sbml`,
  loaded once; per patient ``reset()``, set the varied parameters, simulate with CVODE
  at the same save times and tolerances;
- ``bone_models`` (Pivonka2008 only): the Pivonka group's PyPI package ``bone-models``
  with its own solve of its PTH load case, per patient (skipped with the reason when
  the package is not installed).

Every engine solves the same patients, the same model, span, save times and
tolerances (rtol, and atol per state = atol x the model's state scale), and the
input switch times are given to every engine (osteosim clips steps there; the
loops restart their integrator there).  The slow loops are timed on the first
``loop_patients`` patients and extrapolated per patient (``timed_patients`` says so).
``max_rel_err`` of each engine is measured against a tight-tolerance osteosim
reference (rtol 1e-10) on the first ``ref_patients`` patients.

The command line is ``osteosim bench``; ``benchmarks/`` holds the scripts that
run it for the tables in ``benchmarks/README.md``.

Modules: ``problem`` (the cohort every engine solves), ``accuracy`` (error against the
reference), one module per engine (``osteosim_engine``, ``scipy_loop``, ``roadrunner_loop``,
``bone_models_loop``), ``machine`` (machine info and FLOP profile), ``startup`` (CLI start-up
latency) and ``run`` (:func:`run_benchmark`, which runs them together).
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
