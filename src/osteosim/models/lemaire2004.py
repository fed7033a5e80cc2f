"""Lemaire et al. 2004: responding osteoblasts R, active osteoblasts B, active osteoclasts C (pM).

Equations of reference/models/remodeling-models.md section 2.1 (BIOMD0000000278)::

    dR/dt = D_R*pi_C - (D_B/pi_C)*R + I_R
    dB/dt = (D_B/pi_C)*R - k_B*B + I_B
    dC/dt = D_C*pi_L - D_A*pi_C*C + I_C

with D_B = f0*d_B, pi_C = (C + f0*C_s)/(C + C_s),
pi_P = (I_P/k_P + P0)/(I_P/k_P + P_s), P0 = S_P/k_P, P_s = k6/k5 and
pi_L = (k3/k4)*K_LP*pi_P*B / [1 + k3*K/k4 + (k1/(k2*k_O))*(K_OP*R/pi_P + I_O)] * (1 + I_L/r_L).

The external inputs (drivers) I_R, I_B, I_C (pM/day), I_P, I_O, I_L (pM/day) act
for ``input_start <= t < input_end`` (days), as in the paper's Fig. 2 load cases.
"""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from ..parameters.base import ParameterSet
from ..parameters.lemaire2004 import LEMAIRE2004
from .base import Model, register_model

__all__ = ["Lemaire2004", "lemaire_signals", "lemaire_steady_state", "LEMAIRE2004_INPUTS"]

#: the external inputs (load cases); all zero by default
LEMAIRE2004_INPUTS = ("I_R", "I_B", "I_C", "I_P", "I_O", "I_L")
#: published steady state used as the root finder's starting point (SBML initial conditions)
_PUBLISHED_STEADY_STATE = (7.734e-4, 7.282e-4, 9.127e-4)
_SCALE = 1e-3  # pM: typical cell concentration


def lemaire_signals(R, B, C, p, u) -> dict:
    """Quasi-steady signals for states (R, B, C) and inputs ``u`` (name -> value).

    Only arithmetic, so it works on floats, numpy arrays and jax arrays alike.
    PTH, OPG and free RANKL are the concentrations (pM) behind pi_P and pi_L.
    """
    pi_C = (C + p["f0"] * p["C_s"]) / (C + p["C_s"])
    P0 = p["S_P"] / p["k_P"]
    P_s = p["k6"] / p["k5"]
    ip = u["I_P"] / p["k_P"]
    pi_P = (ip + P0) / (ip + P_s)
    opg = (p["K_OP"] * R / pi_P + u["I_O"]) / p["k_O"]
    denom = 1.0 + p["k3"] * p["K"] / p["k4"] + p["k1"] / p["k2"] * opg
    pi_L = p["k3"] / p["k4"] * p["K_LP"] * pi_P * B / denom * (1.0 + u["I_L"] / p["r_L"])
    return {
        "pi_C": pi_C,
        "pi_P": pi_P,
        "pi_L": pi_L,
        "PTH": ip + P0,
        "OPG": opg,
        "RANKL": pi_L * p["k4"] / p["k3"],
    }


def _derivatives(R, B, C, p, u):
    s = lemaire_signals(R, B, C, p, u)
    pi_C, pi_L = s["pi_C"], s["pi_L"]
    d_B = p["f0"] * p["d_B"] / pi_C  # D_B / pi_C
    dR = p["D_R"] * pi_C - d_B * R + u["I_R"]
    dB = d_B * R - p["k_B"] * B + u["I_B"]
    dC = p["D_C"] * pi_L - p["D_A"] * pi_C * C + u["I_C"]
    return dR, dB, dC


_ZERO_INPUTS = {k: 0.0 for k in LEMAIRE2004_INPUTS}
_STEADY_CACHE: dict[tuple, np.ndarray] = {}


def lemaire_steady_state(params: ParameterSet | dict) -> np.ndarray:
    """Steady state (R, B, C) in pM with all inputs zero, by scipy root finding on the RHS.

    Raises RuntimeError when the root finder does not converge to a positive state.
    """
    p = params.values_dict() if isinstance(params, ParameterSet) else {k: float(v) for k, v in params.items()}
    key = tuple(sorted(p.items()))
    hit = _STEADY_CACHE.get(key)
    if hit is not None:
        return hit.copy()

    def f(x):  # scaled states and scaled rates keep the problem order one
        dR, dB, dC = _derivatives(*(np.asarray(x) * _SCALE), p, _ZERO_INPUTS)
        return np.array([dR, dB, dC]) / _SCALE

    from scipy.optimize import root  # here, not at import: the models load at every CLI start

    sol = root(f, np.asarray(_PUBLISHED_STEADY_STATE) / _SCALE, method="hybr", tol=1e-12)
    y = np.asarray(sol.x) * _SCALE
    resid = float(np.max(np.abs(f(sol.x))))
    if not sol.success or not np.all(np.isfinite(y)) or np.any(y <= 0) or resid > 1e-10:
        raise RuntimeError(
            f"Lemaire2004: steady state not found (root: {sol.message!r}; state {y.tolist()} pM, "
            f"max scaled residual {resid:.3g})"
        )
    if len(_STEADY_CACHE) >= 1024:  # parameter sweeps: keep the cache bounded
        _STEADY_CACHE.clear()
    _STEADY_CACHE[key] = y
    return y.copy()


@register_model
class Lemaire2004(Model):
    """Lemaire 2004 RANK/RANKL/OPG/PTH/TGF-beta model of osteoblast-osteoclast coupling.

    Starts from its steady state (computed, zero inputs); the load cases switch a
    constant input on for ``input_start <= t < input_end`` days.  There is no bone
    mass equation (bone volume arrives with Pivonka 2008).
    """

    name = "Lemaire2004"
    state_names = ("R", "B", "C")
    # Non-stiff (rates of order 1/day; the binding kinetics are already quasi-steady).
    # Measured with solve_batch on CPU (2 cores), PTH load case I_P = 1e3, 0-140 d, rtol 1e-8,
    # atol 1e-10 on scaled states, jit(vmap), compile excluded, median of 5 calls:
    #   N = 1:    Tsit5 2.6 ms (157 steps)   Kvaerno5 48.5 ms (1627 steps)
    #   N = 1000: Tsit5 54 ms                Kvaerno5 5.25 s
    # Max relative error against Dopri8 at rtol 1e-12: Tsit5 5.5e-9, Kvaerno5 8.8e-8.
    solver = "Tsit5"
    description = "Lemaire 2004 RANK/RANKL/OPG/PTH/TGF-beta osteoblast-osteoclast model"
    default_years = 140 / 365.25  # the published load cases run 0-140 d

    def default_parameters(self) -> ParameterSet:
        return LEMAIRE2004

    def default_drivers(self) -> dict[str, float]:
        d = {k: 0.0 for k in LEMAIRE2004_INPUTS}
        d.update(input_start=20.0, input_end=80.0)
        return d

    def initial_state(self, params, drivers=None) -> np.ndarray:
        """The steady state without inputs (the load cases start from it)."""
        return lemaire_steady_state(params)

    def state_scale(self) -> np.ndarray:
        return np.full(3, _SCALE)

    def jump_times(self, drivers: dict) -> list[float]:
        d = dict(self.default_drivers(), **(drivers or {}))
        ts = np.concatenate([np.ravel(np.asarray(d["input_start"], dtype=float)),
                             np.ravel(np.asarray(d["input_end"], dtype=float))])
        return [float(x) for x in np.unique(ts)]

    @staticmethod
    def _inputs(t, drivers) -> dict:
        on = (t >= drivers["input_start"]) & (t < drivers["input_end"])
        return {k: jnp.where(on, drivers[k], 0.0) for k in LEMAIRE2004_INPUTS}

    def rhs(self, t, y, p, drivers):
        dR, dB, dC = _derivatives(y[0], y[1], y[2], p, self._inputs(t, drivers))
        dy = jnp.stack([dR, dB, dC])
        # Cell concentrations cannot be negative, and past R < 0 the RANKL term has a pole.
        # NaN marks the vector field as undefined there: the step controller rejects and
        # retreats, and a trajectory that really crosses zero (a removal input larger than
        # the production, e.g. I_R = -1.2e-3) ends as a solver failure (ok = False, the
        # save times after it are inf) instead of negative cells.
        return jnp.where(jnp.any(y < 0), jnp.nan, dy)

    def outputs(self, t, y, p, drivers):
        return lemaire_signals(y[0], y[1], y[2], p, self._inputs(t, drivers))

    def cache_key(self) -> tuple:
        return (self.name,)
