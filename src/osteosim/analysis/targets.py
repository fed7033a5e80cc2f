"""What a sensitivity analysis runs: a patient model, a classic zoo model, the healing callus, or a function.

Each target answers three questions: which parameters it has (``parameter_set``), which outputs
it can give (``check_output``) and the output of many parameter draws (``evaluate``: name -> (n,)
values -> (n,) outputs, NaN where a run failed).

* :class:`PatientTarget` (Osteosim, rats included) and :class:`ClassicTarget` (Komarova2003,
  Lemaire2004, Pivonka2008, ...) run every draw as one lane of ONE batched solve through the run lane
  (:func:`osteosim.runs.build_run`, ``reference="lane"``: a draw moves its own reference state and
  initial state, as parameter ensembles do), in fixed-width compiled blocks
  (:data:`osteosim.outcomes.ensemble.BLOCK`), so the numbers do not depend on how many draws
  there are.  Any parameter may differ between lanes: parameters that differ become per-lane
  arrays and the rest stay shared scalars (``solve/lanes.py``), so no compiled call is split.
* :class:`HealingTarget` solves the callus PDE once per draw (scipy BDF; ~6 s CPU per coarse
  planar course of 26 weeks: prefer Morris, the 1-D ``line`` geometry, or few parameters).
* :class:`FunctionTarget`: a vectorised Python function of an (n, k) array (test functions such as
  Ishigami's; a user's own model).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from ..outcomes import densitometry as dens
from ..outcomes.ensemble import BLOCK
from ..outcomes.fracture import KIND_SITES, KINDS, NONVERTEBRAL_KINDS, FractureModel, RiskFactors
from ..outcomes.patient_run import relative_bmd, species_parameters, turnover_marker
from ..outcomes.strength import strength
from ..parameters.base import P, ParameterSet
from ..runs import Lane, as_regimen, build_run
from ..solve import outputs_over_time
from ..units import DAYS_PER_YEAR
from .outputs import OUTPUTS, Output
from .errors import SensitivityError

__all__ = ["PatientTarget", "ClassicTarget", "HealingTarget", "FunctionTarget", "as_target",
           "FRACTURE_SAVES_PER_YEAR"]

#: save times per year of a fracture-incidence output (the hazard is piecewise constant between them)
FRACTURE_SAVES_PER_YEAR = 12


def _lanes_params(values: Mapping[str, np.ndarray]) -> list[dict[str, float]]:
    n = len(next(iter(values.values())))
    return [{k: float(v[i]) for k, v in values.items()} for i in range(n)]


def _column(model, name: str, ts, ys, p, d) -> np.ndarray:
    """A state or model output of one lane over its save times."""
    if name in model.state_names:
        return ys[:, model.state_names.index(name)]
    return outputs_over_time(model, ts, ys, p, d)[name]


class _ModelTarget:
    """Shared by patient and classic models: the batched solve and the state/output columns."""

    kind = ""
    lanes_per_draw = 1

    def __init__(self, sim):
        self.sim = sim
        self.model = sim.model
        self.owner = sim.model.name

    def _column_names(self, run) -> list[str]:
        outs = outputs_over_time(self.model, run.ts[:1], run.y0[:1], run.lane_params[0], run.lane_drivers[0])
        return list(self.model.state_names) + [k for k in outs if k not in self.model.state_names]

    def _check_column(self, output: Output) -> None:
        run = self._build([{}], output)
        names = self._column_names(run)
        if output.name not in names:
            import difflib

            close = difflib.get_close_matches(output.name, names, n=3, cutoff=0.6)
            hint = f"did you mean {', '.join(close)}?" if close else f"allowed: {', '.join(names)}"
            raise SensitivityError(f"output: {self.model.name} has no state or output {output.name!r}; {hint}")

    def check_output(self, output: Output) -> Output:
        if self.kind not in output.spec.targets:
            allowed = [k for k, spec in OUTPUTS.items() if self.kind in spec.targets]
            raise SensitivityError(f"output: {output.kind} is not available for {self.describe()} "
                                   f"(allowed: {', '.join(allowed)})")
        if output.name is not None:
            self._check_column(output)
        return output

    def evaluate(self, output: Output, values: Mapping[str, np.ndarray]) -> np.ndarray:
        """Model parameters go to the lanes; outcome parameters (the fracture model's, see
        :meth:`PatientTarget.parameter_set`) act after the solve, per draw."""
        n = len(next(iter(values.values())))
        lane = {k: v for k, v in values.items() if k in self.p}
        after = _lanes_params({k: v for k, v in values.items() if k not in self.p}) if len(lane) < len(values) \
            else [{}] * n
        # no model parameter varies (only outcome parameters): one solve serves every draw
        run = self._build(_lanes_params(lane) if lane else [{}], output)
        sol = run.solve(self.sim.solver_options, block=BLOCK)
        k = self.lanes_per_draw  # 2 with a comparator regimen: (regimen, versus) lanes of each draw
        out = np.full(n, np.nan)
        for i in range(n):
            vals = []
            for j in range(k * (i if lane else 0), k * (i if lane else 0) + k):
                vals.append(self._value(output, sol.ts, sol.ys[j], run.lane_params[j], run.lane_drivers[j], after[i])
                            if sol.ok[j] else np.nan)
            out[i] = vals[0] if k == 1 else vals[0] - vals[1]
        return out

    def _value(self, output: Output, ts, ys, p, d, after=None) -> float:
        col = _column(self.model, output.name, ts, ys, p, d)
        if output.kind == "value":
            return float(col[-1])
        return float(100.0 * (col[-1] / col[0] - 1.0))  # pct_change


class PatientTarget(_ModelTarget):
    """A patient-driven model (Osteosim): the patient's run from the young-adult peak, reported from their age."""

    kind = "patient"

    def __init__(self, sim, versus=None):
        """``versus``: a comparator regimen (strings, a Regimen, or [] for no treatment): the output is then
        the difference, the scenario's regimen minus the comparator's, for the same patient and draw."""
        super().__init__(sim)
        self.patient = sim.patient
        self.regimen = as_regimen(sim.regimen)
        self.versus = None if versus is None else as_regimen(versus)
        self.lanes_per_draw = 1 if self.versus is None else 2
        self.pset = species_parameters(self.model, sim.parameters, self.patient.species)
        self.p = self.pset.values_dict()

    @staticmethod
    def _regimen_text(regimen) -> str:
        return "; ".join(str(pr) for pr in regimen) or "no treatment"

    def describe(self) -> str:
        vs = "" if self.versus is None else f" minus the same with ({self._regimen_text(self.versus)})"
        return (f"{self.model.name}, {self.patient.species} {self.patient.sex} aged {self.patient.age:g} "
                f"({self._regimen_text(self.regimen)}){vs}")

    def parameter_set(self, requested=None, output: Output | None = None) -> ParameterSet:
        """The species' set; for ``fracture_incidence`` also the fracture model's (Fracture2026: incidences,
        gradients of risk, mortality), which act on the simulated BMD course after the solve."""
        if output is not None and output.kind == "fracture_incidence":
            from ..parameters.fracture2026 import FRACTURE2026

            return self.pset.merged(FRACTURE2026, name=self.pset.name)
        return self.pset

    def citation_keys(self, output: Output) -> tuple[str, ...]:
        from ..outcomes.fracture import CITATION_KEYS as FRACTURE_KEYS
        from ..parameters.msc2026 import MSC2026

        given = [*self.regimen, *(self.versus or [])]
        keys = ("osteosim", *self.pset.cited_keys(), *dens.CITATION_KEYS, *self.regimen.citation_keys(),
                *(self.versus.citation_keys() if self.versus is not None else ()))
        if any(pr.is_msc for pr in given):
            keys += MSC2026.citation_keys
        if output.kind == "fracture_incidence":
            keys += FRACTURE_KEYS
        return keys

    def check_output(self, output: Output) -> Output:
        output = super().check_output(output)
        if output.kind == "fracture_incidence" and self.patient.species != "human":
            raise SensitivityError(f"output: fracture_incidence needs a human patient (got {self.patient.species}; "
                                   "the fracture model's incidences are human cohorts)")
        return output

    def _build(self, lane_params: Sequence[Mapping[str, float]], output: Output):
        years = output.years
        per_year = FRACTURE_SAVES_PER_YEAR if output.kind == "fracture_incidence" else None
        grid = (np.linspace(0.0, years, int(round(years * per_year)) + 1) if per_year else np.array([0.0, years]))
        ages = self.patient.age + grid
        regimens = [self.regimen] if self.versus is None else [self.regimen, self.versus]
        lanes = [Lane(self.patient, reg, params=dict(lp), drivers=self.sim.drivers)
                 for lp in lane_params for reg in regimens]
        return build_run(self.model, lanes, self.p, ts=ages * DAYS_PER_YEAR, years=years, reference="lane")

    def _tscore(self, ys, p, site: str) -> np.ndarray:
        """T-score course of one lane; a measured baseline rescales the lane's peak (as run_patient does)."""
        rel = relative_bmd(self.model, ys, site)
        return dens.tscore(dens.baseline_peak(self.patient, p, site, rel[0]) * rel, p, site)

    def _value(self, output: Output, ts, ys, p, d, after=None) -> float:
        k = output.kind
        if k == "bmd_pct_change":
            rel = relative_bmd(self.model, ys, output.site)
            return float(100.0 * (rel[-1] / rel[0] - 1.0))
        if k == "strength_pct_change":
            s = strength(self.model, ys, p, output.site)
            return float(100.0 * (s[-1] / s[0] - 1.0))
        if k == "tscore":
            return float(self._tscore(ys, p, output.site)[-1])
        if k in ("ctx", "p1np"):
            return float(turnover_marker(self.model, ys, p, "oca" if k == "ctx" else "oba")[-1])
        if k == "fracture_incidence":
            return self._incidence(output, ys, p, after or {})
        return super()._value(output, ts, ys, p, d)

    def _incidence(self, output: Output, ys, p, fracture_params: Mapping[str, float]) -> float:
        """% probability of a first fracture of the kind(s) within the span: the simulated T-scores set the
        hazards (piecewise constant between monthly saves), death competes (as ten_year_probability).
        ``fracture_params``: this draw's values of Fracture2026 parameters."""
        from ..parameters.fracture2026 import FRACTURE2026

        fm = FractureModel(dict(FRACTURE2026.values_dict(), **fracture_params)) if fracture_params else FractureModel()
        ages = self.patient.age + np.arange(ys.shape[0]) / FRACTURE_SAVES_PER_YEAR
        a, dt = ages[:-1], np.diff(ages)
        h, mortality = fm.course_hazards(a, RiskFactors.from_patient(self.patient),
                                         {s: self._tscore(ys, p, s)[:-1] for s in set(KIND_SITES.values())})
        kinds = {"any": KINDS, "nonvertebral": NONVERTEBRAL_KINDS}.get(output.fracture, (output.fracture,))
        rate = h[:, [KINDS.index(k) for k in kinds]].sum(axis=1)
        total = rate + mortality
        alive = np.concatenate([[1.0], np.cumprod(np.exp(-total * dt))[:-1]])
        return float(100.0 * np.sum(alive * rate / total * -np.expm1(-total * dt)))


class ClassicTarget(_ModelTarget):
    """A classic zoo model run from its published initial state (days), with the scenario's overrides."""

    kind = "classic"

    def __init__(self, sim):
        super().__init__(sim)
        self.pset = sim.parameters
        self.p = self.pset.values_dict()

    def describe(self) -> str:
        return f"{self.model.name} (classic model)"

    def parameter_set(self, requested=None, output=None) -> ParameterSet:
        return self.pset

    def citation_keys(self, output: Output) -> tuple[str, ...]:
        return ("osteosim", *self.pset.cited_keys())

    def _build(self, lane_params, output: Output):
        lanes = [Lane(params=dict(lp), drivers=self.sim.drivers) for lp in lane_params]
        return build_run(self.model, lanes, self.p, ts=np.array([0.0, output.years * DAYS_PER_YEAR]),
                         reference="lane", initial_state=self.sim.initial_state_overrides)


class HealingTarget:
    """The fracture callus (healing/): one PDE course per draw; the output is weeks to union."""

    kind = "healing"

    owner = "the healing model"

    def __init__(self, scenario):
        self.scenario = scenario
        self.pset = scenario.parameters()
        self.censored = 0

    def describe(self) -> str:
        f = self.scenario.fracture
        return f"fracture healing ({f.condition}, gap {f.gap_mm:g} mm, {f.geometry} {f.grid} grid)"

    def parameter_set(self, requested=None, output=None) -> ParameterSet:
        return self.pset

    def citation_keys(self, output: Output) -> tuple[str, ...]:
        return ("osteosim", *self.pset.cited_keys(), "Geris2010")

    def check_output(self, output: Output) -> Output:
        if "healing" not in output.spec.targets:
            raise SensitivityError(f"output: {output.kind} is not available for {self.describe()} (allowed: union_time)")
        return output

    def evaluate(self, output: Output, values: Mapping[str, np.ndarray]) -> np.ndarray:
        from ..healing.run import scenario_course

        rows = _lanes_params(values)
        out = np.full(len(rows), np.nan)
        self.censored = 0
        for i, row in enumerate(rows):
            params = self.pset.with_(source="sensitivity draw", **row)
            try:
                course, _ = scenario_course(self.scenario, params, n_out=2)
            except RuntimeError:
                continue
            if course.union_time is None:
                self.censored += 1
                out[i] = self.scenario.weeks
            else:
                out[i] = course.union_time * params.value("time_scale_days") / 7.0
        return out


class FunctionTarget:
    """A vectorised function ``f(X) -> (n,)`` of an (n, k) array whose columns follow the parameters' order."""

    kind = "function"
    owner = "the function"

    def __init__(self, function: Callable[[np.ndarray], np.ndarray]):
        self.function = function

    def describe(self) -> str:
        return f"function {getattr(self.function, '__name__', repr(self.function))}"

    def parameter_set(self, requested=None, output=None) -> dict:
        """A function has no parameter set: its ranges must be given, ``{"x1": (low, high), ...}``."""
        if not isinstance(requested, Mapping) or any(v is None for v in requested.values()):
            raise SensitivityError("parameters: a function has no parameter set; give each range, "
                                   "e.g. {'x1': (-3.14, 3.14), 'x2': (0, 1)}")
        out = {}
        for name, spec in requested.items():
            try:  # the nominal value is the range's midpoint; resolve_factors checks the range itself
                mid = 0.5 * (float(spec[0]) + float(spec[1]))
            except (TypeError, ValueError, IndexError, KeyError):
                mid = 0.0
            out[name] = P(name, mid, "", "function argument")
        return out

    def citation_keys(self, output) -> tuple[str, ...]:
        return ()

    def check_output(self, output):
        return output

    def evaluate(self, output, values: Mapping[str, np.ndarray]) -> np.ndarray:
        x = np.column_stack([np.asarray(v, dtype=float) for v in values.values()])
        y = np.asarray(self.function(x), dtype=float).reshape(-1)
        if y.shape != (x.shape[0],):
            raise SensitivityError(f"function: returned {y.shape[0]} values for {x.shape[0]} rows (one value per row)")
        return y


def as_target(obj, versus=None):
    """A target from a Simulation, a Scenario, a HealingScenario (or its mapping), or a function.
    ``versus``: a comparator regimen (patient models only; :class:`PatientTarget`)."""
    from ..healing.scenario import HealingScenario
    from ..scenario import Scenario
    from ..simulation import Simulation

    if versus is not None:
        tgt = as_target(obj)
        if not isinstance(tgt, PatientTarget):
            raise SensitivityError(f"versus: a comparator regimen needs a patient model (got {tgt.describe()})")
        return PatientTarget(tgt.sim, versus=versus)
    if isinstance(obj, (PatientTarget, ClassicTarget, HealingTarget, FunctionTarget)):
        return obj
    if isinstance(obj, Scenario):
        obj = obj.simulation()
    if isinstance(obj, Mapping) and "fracture" in obj:
        obj = HealingScenario.from_mapping(obj)
    if isinstance(obj, HealingScenario):
        return HealingTarget(obj)
    if isinstance(obj, Simulation):
        if obj.model.uses_patient:
            if obj.patient is None:
                raise SensitivityError(f"target: {obj.model.name} needs a patient")
            return PatientTarget(obj)
        return ClassicTarget(obj)
    if callable(obj):
        return FunctionTarget(obj)
    raise SensitivityError(f"target: {type(obj).__name__} is not allowed (a Simulation, a Scenario, a "
                           "HealingScenario or a function of an (n, k) array)")
