"""Komarova et al. 2003: osteoclasts C, osteoblasts B (cells at one BMU), bone mass z (%)."""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from ..parameters.base import ParameterSet
from ..parameters.komarova2003 import KOMAROVA2003, KOMAROVA2003_OSCILLATING
from .base import Model, register_model

__all__ = ["Komarova2003", "komarova_steady_state"]


def komarova_steady_state(p: dict) -> tuple:
    """Non-trivial steady state (C̄, B̄); works on floats and on jax arrays."""
    gamma = p["g12"] * p["g21"] - (1.0 - p["g11"]) * (1.0 - p["g22"])
    r1 = p["beta1"] / p["alpha1"]
    r2 = p["beta2"] / p["alpha2"]
    c = r1 ** ((1.0 - p["g22"]) / gamma) * r2 ** (p["g21"] / gamma)
    b = r1 ** (p["g12"] / gamma) * r2 ** ((1.0 - p["g11"]) / gamma)
    return c, b


@register_model
class Komarova2003(Model):
    """Power-law (S-system) autocrine/paracrine model with bone mass.

    ``parameter_set`` selects ``"single_cycle"`` (default) or ``"oscillating"``.
    The published perturbation adds ``perturbation_C`` osteoclasts to the steady state.
    """

    name = "Komarova2003"
    state_names = ("C", "B", "z")
    solver = "Tsit5"  # non-stiff: measured 20x faster than Kvaerno5 (reference/peers.md section 4)
    description = "Komarova 2003 power-law osteoclast/osteoblast model with bone mass"

    def __init__(self, parameter_set: str = "single_cycle"):
        if parameter_set not in ("single_cycle", "oscillating"):
            raise ValueError(f"parameter_set: {parameter_set!r}; allowed: single_cycle, oscillating")
        self.parameter_set = parameter_set

    def default_parameters(self) -> ParameterSet:
        return KOMAROVA2003 if self.parameter_set == "single_cycle" else KOMAROVA2003_OSCILLATING

    def default_drivers(self) -> dict[str, float]:
        return {"perturbation_C": 10.0}

    def initial_state(self, params, drivers=None) -> np.ndarray:
        p = params.values_dict() if isinstance(params, ParameterSet) else dict(params)
        d = dict(self.default_drivers(), **(drivers or {}))
        c, b = komarova_steady_state(p)
        return np.array([c + d["perturbation_C"], b, 100.0])

    def state_scale(self) -> np.ndarray:
        return np.array([1.0, 100.0, 100.0])

    def rhs(self, t, y, p, drivers):
        c, b = y[0], y[1]
        cbar, bbar = komarova_steady_state(p)
        dc = p["alpha1"] * c ** p["g11"] * b ** p["g21"] - p["beta1"] * c
        db = p["alpha2"] * c ** p["g12"] * b ** p["g22"] - p["beta2"] * b
        dz = -p["k1"] * jnp.maximum(0.0, c - cbar) + p["k2"] * jnp.maximum(0.0, b - bbar)
        return jnp.stack([dc, db, dz])

    def outputs(self, t, y, p, drivers):
        return {"bone_mass_percent": y[2]}

    def cache_key(self) -> tuple:
        return (self.name,)
