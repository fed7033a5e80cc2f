"""Simulation = model + parameter set + (patient, regimen) + time span -> Result.

The PyBaMM-style entry point.  A classic zoo model without a patient runs from
its published initial state in its own time unit (days); a patient-driven model
(``Osteosim``) runs from peak bone mass (age 25) through the patient's history
to ``age + years`` and reports from ``age`` on.  Both build their solver input with the
run lane (:func:`osteosim.runs.build_run`), like every other entry point.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from . import citations
from .models.base import Model, get_model
from .outcomes.columns import T_DAYS, T_YEARS
from .parameters.base import ParameterSet
from .physiology.patient import Patient
from .runs import Lane, build_run
from .solve import SolverOptions, outputs_over_time
from .units import DAYS_PER_YEAR

__all__ = ["Simulation", "Result"]


@dataclass
class Result:
    """Time series of states, signals and outcomes, plus a summary."""

    model: Model
    timeseries: pd.DataFrame
    summary: dict[str, Any]
    patient: Patient | None = None
    parameters: ParameterSet | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, column: str) -> np.ndarray:
        return self.timeseries[column].to_numpy()

    @property
    def citations(self) -> list[citations.Citation]:
        """The references this run used (full entries), as its summary lists them."""
        return citations.resolve(c["key"] for c in self.summary.get("citations", ()))

    def plot(self, columns: list[str] | None = None, path: str | None = None):
        from .report.plots import plot_result

        return plot_result(self, columns=columns, path=path)


class Simulation:
    """Combine a model, its parameters, a patient and a regimen, then :meth:`solve`.

    Parameters
    ----------
    patient: a :class:`Patient` (or mapping) for patient-driven models; ``None`` for classic models.
    model: a Model instance or a zoo name; default ``Osteosim`` with a patient, else required.
    years: simulated span after the patient's age (or after t = 0 for classic models).
    parameters: a ParameterSet or a mapping of overrides on the model's default set.
    initial_state: mapping state name -> value overriding the model's initial state (classic models).
    drivers: mapping of external inputs (load cases) overriding the model's defaults.
    saves_per_year: output resolution.
    """

    def __init__(
        self,
        patient: Patient | Mapping | None = None,
        regimen: Any = None,
        model: Model | str | None = None,
        years: float | None = None,
        parameters: ParameterSet | Mapping[str, float] | None = None,
        initial_state: Mapping[str, float] | None = None,
        drivers: Mapping[str, float] | None = None,
        saves_per_year: float | None = None,
        solver_options: SolverOptions | None = None,
    ):
        if isinstance(patient, Mapping):
            patient = Patient(**patient)
        if model is None:
            model = "Osteosim" if patient is not None else None
        if model is None:
            raise ValueError("model: a model is required when no patient is given")
        self.model = get_model(model) if isinstance(model, str) else model
        self.patient = patient
        self.regimen = regimen
        if years is not None and not (0 < float(years) <= 100):
            raise ValueError(f"years: {years} is outside the allowed range (0, 100]")
        self.years = float(years) if years is not None else None
        base = self.model.default_parameters()
        if isinstance(parameters, ParameterSet):
            self.parameters = parameters
        elif parameters:
            self.parameters = base.with_(**dict(parameters))
        else:
            self.parameters = base
        self.initial_state_overrides = dict(initial_state or {})
        unknown = set(self.initial_state_overrides) - set(self.model.state_names)
        if unknown:
            raise ValueError(
                f"initial_state: unknown state(s) {sorted(unknown)}; allowed: {', '.join(self.model.state_names)}"
            )
        self.drivers = dict(drivers or {})
        unknown = set(self.drivers) - set(self.model.default_drivers())
        if unknown and not self.model.uses_patient:
            allowed = ", ".join(self.model.default_drivers()) or "(none)"
            raise ValueError(f"drivers: unknown input(s) {sorted(unknown)}; allowed: {allowed}")
        self.saves_per_year = saves_per_year
        self.solver_options = solver_options

    # ------------------------------------------------------------------
    def solve(self) -> Result:
        if self.model.uses_patient:
            from .outcomes.patient_run import run_patient

            df, summary, pset = run_patient(self.model, self)
            return Result(self.model, df, summary, self.patient, pset)
        return self._solve_classic()

    def _solve_classic(self) -> Result:
        m = self.model
        years = self.years if self.years is not None else m.default_years
        t_end = years * DAYS_PER_YEAR
        per_year = self.saves_per_year or max(12.0, 400.0 / years)
        n = int(np.ceil(years * per_year)) + 1
        ts = np.linspace(0.0, t_end, n)
        p = self.parameters.values_dict()
        run = build_run(m, [Lane(drivers=self.drivers)], p, ts=ts, initial_state=self.initial_state_overrides)
        drivers = run.lane_drivers[0]
        sol = run.solve(self.solver_options)
        ys = sol.ys[0]
        cols: dict[str, np.ndarray] = {T_YEARS.name(): ts / DAYS_PER_YEAR, T_DAYS.name(): ts}
        for i, name in enumerate(m.state_names):
            cols[name] = ys[:, i]
        cols.update(outputs_over_time(m, ts, ys, p, drivers))
        df = pd.DataFrame(cols)
        summary = {
            "model": m.name,
            "parameter_set": self.parameters.name,
            "solver_ok": bool(sol.ok[0]),
            "solver_steps": int(sol.num_steps[0]),
            "t_end_days": float(t_end),
            "final_state": {name: float(ys[-1, i]) for i, name in enumerate(m.state_names)},
            "citations": citations.references(("osteosim", *self.parameters.cited_keys())),
        }
        return Result(m, df, summary, None, self.parameters)

