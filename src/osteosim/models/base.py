"""The one Model protocol every model of the zoo follows.

A model is a small, immutable description: its state names, its default
(cited) parameter set, how to build an initial state, and a *pure* right-hand
side written in ``jax.numpy``.  The RHS sees one patient; :mod:`osteosim.solve`
vectorises it over a leading patient axis with ``jax.vmap``.

Shapes: ``y`` is ``(n_states,)``; ``p`` and ``drivers`` are dicts of scalars
(one patient's values).  Time ``t`` is in the model's ``time_unit`` (days for
every model here).
"""
from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from ..parameters.base import ParameterSet

__all__ = ["Model", "MODEL_REGISTRY", "register_model", "get_model"]

Array = Any


class Model:
    name: ClassVar[str] = "Model"
    state_names: tuple[str, ...] = ()
    time_unit: ClassVar[str] = "day"
    #: diffrax solver chosen for this model by measurement (see benchmarks/README.md)
    solver: ClassVar[str] = "Kvaerno5"
    #: default relative tolerance (scaled states); see benchmarks/README.md for the error it gives
    default_rtol: ClassVar[float] = 1e-8
    description: ClassVar[str] = ""

    # --- parameters and inputs ---------------------------------------------
    def default_parameters(self) -> ParameterSet:  # pragma: no cover - abstract
        raise NotImplementedError

    def default_drivers(self) -> dict[str, float]:
        """External inputs (load cases, patient drivers) with their neutral values."""
        return {}

    def initial_state(self, params: ParameterSet | dict, drivers: dict | None = None) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    # --- dynamics ------------------------------------------------------------
    def rhs(self, t: Array, y: Array, p: dict, drivers: dict) -> Array:  # pragma: no cover - abstract
        raise NotImplementedError

    def outputs(self, t: Array, y: Array, p: dict, drivers: dict) -> dict[str, Array]:
        """Derived quantities (signals, bone mass, ...) for one patient at one time."""
        return {}

    def complete_drivers(self, params: dict, drivers: dict) -> dict:
        """Derived constant inputs (e.g. reference steady states) added before a solve."""
        return dict(drivers)

    def state_scale(self) -> np.ndarray:
        """Typical magnitude of each state; the solver integrates y / scale."""
        return np.ones(self.n_states)

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
