"""Trial engine: one untreated history per patient, then every arm branched from it.

Model time of the Osteosim model is the patient's age in days, but trial patients enter at
different ages.  :class:`ShiftedModel` runs a model on *trial time* ``t' = age - age at
randomisation`` (days): each patient's offset is the driver ``t_shift``, so one batched solve
with shared save times (visits) covers patients of any age; the right-hand side, and every
dose and switch time, are those of the wrapped model at ``t' + t_shift``.
"""
from __future__ import annotations

import numpy as np

from ..models.base import Model

__all__ = ["ShiftedModel", "first_reaching", "MIN_JUMPS", "MIN_SAVES"]

#: jump-table width (for a wrapped model without a fixed one) and smallest number of save times of
#: a trial solve: fixed shapes, so the arms and trials of up to ~5 years share one compiled solver
MIN_JUMPS = 64
MIN_SAVES = 64


def first_reaching(a: np.ndarray, shift: np.ndarray) -> np.ndarray:
    """The smallest float64 trial time t' with ``t' + shift >= a`` as the right-hand side rounds it.

    a: model times of switches and doses (days, any shape; +-inf and NaN pass through as
    ``a - shift``); shift: broadcastable (days).  Why not ``a - shift``: a model time near age
    70 (~25,600 days) is ~128 times coarser than a trial time near 180 days, so the ~128 trial
    times around ``a - shift`` all map to a, the solver's step that ends just before ``a - shift``
    (``nextafter``) sees the dose already given, and every dose cost ~70 rejected and tiny Rodas5P
    steps (and tiny shared Tsit5 steps).  Bisection on the float grid: about 10 halvings.
    """
    a = np.asarray(a, dtype=np.float64)
    shift = np.broadcast_to(np.asarray(shift, dtype=np.float64), a.shape)
    c = a - shift
    ok = np.isfinite(c)
    c0, a0, s0 = np.where(ok, c, 0.0), np.where(ok, a, 0.0), np.where(ok, shift, 0.0)
    w = 4.0 * np.maximum(np.spacing(np.abs(a0)), np.spacing(np.abs(c0)))
    lo, hi = c0 - w, c0 + w  # lo + shift < a <= hi + shift
    ok &= (lo + s0 < a0) & (hi + s0 >= a0)
    while True:
        mid = lo + 0.5 * (hi - lo)
        more = ok & (mid > lo) & (mid < hi)
        if not more.any():
            return np.where(ok, hi, c)
        reach = mid + s0 >= a0
        hi = np.where(more & reach, mid, hi)
        lo = np.where(more & ~reach, mid, lo)


class ShiftedModel(Model):
    """``model`` on trial time: ``rhs(t', y) = model.rhs(t' + t_shift, y)`` (t_shift: per-patient driver, days)."""

    def __init__(self, model: Model):
        self.base = model
        self.name = f"{model.name}-trial"
        self.state_names = model.state_names
        self.solver = model.solver
        self.default_rtol = model.default_rtol
        self.description = f"{model.name} on trial time (years since randomisation)"
        self.uses_patient = model.uses_patient

    def default_parameters(self):
        return self.base.default_parameters()

    def default_drivers(self) -> dict:
        return dict(self.base.default_drivers(), t_shift=0.0)

    def complete_drivers(self, params, drivers):
        return self.base.complete_drivers(params, drivers)

    def initial_state(self, params, drivers=None):
        return self.base.initial_state(params, drivers)

    def start_time(self, drivers) -> float:
        """Trial time starts at randomisation: 0 for every patient."""
        return 0.0

    def state_scale(self) -> np.ndarray:
        return self.base.state_scale()

    def rhs(self, t, y, p, d):
        return self.base.rhs(t + d["t_shift"], y, p, d)

    def outputs(self, t, y, p, d):
        return self.base.outputs(t + d["t_shift"], y, p, d)

    @property
    def jump_width(self) -> int:
        """The wrapped model's fixed jump-table width, or ``MIN_JUMPS``: one compiled trial solve
        serves every regimen (``solve/integrate._fixed_width`` pads the table to it)."""
        return self.base.jump_width or MIN_JUMPS

    @property
    def block_structure(self):
        return self.base.block_structure  # a time shift couples no states

    def jump_times(self, drivers):
        """The wrapped model's switch and dose times on trial time (days since randomisation), each
        the first trial time at which the right-hand side sees it (:func:`first_reaching`)."""
        shift = np.atleast_1d(np.asarray(drivers["t_shift"], dtype=float))
        n = shift.shape[0]
        cols = []
        for j in self.base.jump_times(drivers):
            a = np.asarray(j, dtype=float)
            a = np.broadcast_to(a, (n,) + a.shape[1:]).reshape(n, -1) if a.ndim else np.full((n, 1), float(a))
            cols.append(first_reaching(a, shift[:, None]))
        return cols

    def cache_key(self) -> tuple:
        return ("shifted",) + self.base.cache_key()
