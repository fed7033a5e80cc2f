"""The one model contract every model of the zoo follows.

A model is a small, immutable description: its state names, its default
(cited) parameter set, how to build an initial state, and a *pure* right-hand
side written in ``jax.numpy``.  The RHS sees one patient; :mod:`osteosim.solve`
vectorises it over a leading patient axis with ``jax.vmap``.

Shapes: ``y`` is ``(n_states,)``; ``p`` and ``drivers`` are dicts of scalars
(one patient's values).  Time ``t`` is in the model's ``time_unit`` (days for
every model here).

:class:`ModelContract` states the contract as a ``typing.Protocol`` (what the run
lane, the solver and the outcome layer may use, and nothing else); :class:`Model`
is the base class that implements it with neutral defaults, so a new model is one
module under ``models/`` that subclasses :class:`Model`, is decorated with
:func:`register_model` (``models/__init__.py`` imports every module of the folder), and has its parameter set
under ``parameters/``.  Every attribute the rest of the package reads is declared
here (no ``getattr`` probing of models anywhere).
"""
from __future__ import annotations

from typing import Any, ClassVar, Protocol, runtime_checkable

import numpy as np

from ..parameters.base import ParameterSet
from ..units import DAYS_PER_YEAR

__all__ = ["Model", "ModelContract", "MODEL_REGISTRY", "register_model", "get_model"]

Array = Any


@runtime_checkable
class ModelContract(Protocol):
    """What every zoo model provides (checked for each registered model in tests/models/)."""

    name: str
    state_names: tuple[str, ...]
    time_unit: str
    solver: str
    default_rtol: float
    description: str
    uses_patient: bool
    default_years: float
    sbml_exportable: bool
    jump_width: int | None
    lane_parameters: tuple[str, ...]

    def default_parameters(self) -> ParameterSet: ...
    def default_drivers(self) -> dict[str, Any]: ...
    def complete_drivers(self, params: dict, drivers: dict) -> dict: ...
    def initial_state(self, params: ParameterSet | dict, drivers: dict | None = None) -> np.ndarray: ...
    def start_time(self, drivers: dict) -> float: ...
    def rhs(self, t: Array, y: Array, p: dict, drivers: dict) -> Array: ...
    def outputs(self, t: Array, y: Array, p: dict, drivers: dict) -> dict[str, Array]: ...
    def state_scale(self) -> np.ndarray: ...
    def jump_times(self, drivers: dict) -> list: ...
    def cache_key(self) -> tuple: ...

    @property
    def n_states(self) -> int: ...


class Model:
    """Base of every zoo model: the contract's declared attributes with their defaults."""

    name: ClassVar[str] = "Model"
    state_names: tuple[str, ...] = ()
    time_unit: ClassVar[str] = "day"
    #: diffrax solver chosen for this model by measurement (see benchmarks/README.md)
    solver: ClassVar[str] = "Kvaerno5"
    #: default relative tolerance (scaled states); see benchmarks/README.md for the error it gives
    default_rtol: ClassVar[float] = 1e-8
    #: one line for ``osteosim models`` and the web model list
    description: ClassVar[str] = ""
    #: what the model needs from a patient: False = a classic model (no patient, no regimen; runs
    #: from its published initial state at t = 0); True = driven by a :class:`~osteosim.physiology.patient.Patient`
    #: (its drivers come from :func:`osteosim.physiology.drivers.patient_drivers`, regimens add
    #: dose tables, and a run starts at :meth:`start_time`, the young-adult peak)
    uses_patient: ClassVar[bool] = False
    #: span (years) of a classic run when none is given: 1000 days
    default_years: ClassVar[float] = 1000 / DAYS_PER_YEAR
    #: False opts out of :func:`osteosim.interop.sbml.export_sbml` (e.g. a primitive SBML cannot express)
    sbml_exportable: ClassVar[bool] = True

    # --- parameters and inputs ---------------------------------------------
    def default_parameters(self) -> ParameterSet:  # pragma: no cover - abstract
        raise NotImplementedError

    def default_drivers(self) -> dict[str, float]:
        """External inputs (load cases, patient drivers) with their neutral values."""
        return {}

    def complete_drivers(self, params: dict, drivers: dict) -> dict:
        """Derived constant inputs (e.g. reference steady states) added before a solve.

        A derived input depends on ``params`` only (the run lane computes it once per run when the
        lanes share their reference parameters, :func:`osteosim.runs.build_run`)."""
        return dict(drivers)

    def initial_state(self, params: ParameterSet | dict, drivers: dict | None = None) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def start_time(self, drivers: dict) -> float:
        """Model time (days) where :meth:`initial_state` applies: 0 for classic models."""
        return 0.0

    # --- dynamics ------------------------------------------------------------
    def rhs(self, t: Array, y: Array, p: dict, drivers: dict) -> Array:  # pragma: no cover - abstract
        raise NotImplementedError

    def outputs(self, t: Array, y: Array, p: dict, drivers: dict) -> dict[str, Array]:
        """Derived quantities (signals, bone mass, ...) for one patient at one time."""
        return {}

    def state_scale(self) -> np.ndarray:
        """Typical magnitude of each state; the solver integrates y / scale."""
        return np.ones(self.n_states)

    #: fixed width of the per-patient jump table (a model whose regimens add jump times sets it,
    #: so a regimen change never changes the compiled shape); None: a power-of-two bucket
    jump_width: ClassVar[int | None] = None
    #: parameters a run may set differently for the lanes of ONE patient (e.g. mechanism switches
    #: of a regimen's attribution lanes): the Rodas5P solve always passes them per patient, so a
    #: regimen never changes which parameters are shared scalars (the compiled signature)
    lane_parameters: ClassVar[tuple[str, ...]] = ()

    def jump_times(self, drivers: dict) -> list[float]:
        """Times where inputs switch (the step controller clips steps to them)."""
        return []

    # --- identity --------------------------------------------------------------
    def cache_key(self) -> tuple:
        """Hashable identity for compiled-function caches (class + configuration)."""
        return (type(self).__name__,)

    @property
    def n_states(self) -> int:
        return len(self.state_names)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


MODEL_REGISTRY: dict[str, type[Model]] = {}


def register_model(cls: type[Model]) -> type[Model]:
    MODEL_REGISTRY[cls.name] = cls
    return cls


def get_model(name: str) -> Model:
    """Instantiate a zoo model by name; unknown names get the list of allowed ones."""
    for key, cls in MODEL_REGISTRY.items():
        if key.lower() == str(name).lower():
            return cls()
    allowed = ", ".join(sorted(MODEL_REGISTRY))
    raise ValueError(f"model: unknown model {name!r}; allowed: {allowed}")
