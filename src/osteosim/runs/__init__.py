"""The one run lane: (model, patients, regimens, parameter values, span, save times) -> the solver's input.

Every entry point (``Simulation``, ensembles, trials, msc-explore, the web runner, the
benchmarks) describes its lanes as :class:`Lane` records and calls :func:`build_run` once;
the :class:`RunInputs` it returns holds the stacked per-lane parameters and drivers, the
initial states, the start time and the save times, and solves them.
"""
from .build import build_run
from .inputs import RunInputs
from .lane import Lane
from .regimens import as_regimen, dose_tables

__all__ = ["Lane", "RunInputs", "build_run", "as_regimen", "dose_tables"]
