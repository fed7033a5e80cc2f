"""Dose events inside the batched solve, as closed-form inputs (no per-patient Python loop).

A regimen reaches the solver as a fixed-size *dose table* per patient and drug: up to B
regular dosing blocks, each ``(start, interval, count, amount, duration)`` (days, days, -,
amount, days; ``duration`` > 0 makes each dose an infusion).  Every dose train of a
prescription ("60 mg every 6 months for 3 years") is one block; unused blocks have count 0.

Method (documented, checked in tests/solve/test_dosing.py):

* A bolus into a first-order compartment (SC depot, gut, plasma with linear clearance) is
  the superposition of exponentials, which for a regular block sums as a geometric series:
  ``A(t) = amount * exp(-k (t - t_last)) * (1 - r^m) / (1 - r)``, ``r = exp(-k interval)``,
  ``m`` doses given by t.  So the depot is a closed-form input to the ODE, not a state with
  jumps, and costs O(B) per right-hand-side evaluation whatever the number of doses.
* The right-hand side is discontinuous at each dose (the input jumps), so every dose time is
  a per-patient *jump time*: diffrax's step controller ends a step exactly there
  (``ClipStepSizeController(jump_ts=...)``), which keeps the integrator's order.
* Dose trains far denser than the dynamics they drive (daily oral drugs acting on bone over
  weeks) can instead enter as their time-averaged rate between start and stop
  (:func:`mean_rate`); a drug module says which it uses and tests the error.

Shapes: in the RHS (one patient) every table field is ``(B,)``; ``t`` is a scalar.
"""
from __future__ import annotations

from dataclasses import dataclass

import jax.numpy as jnp
import numpy as np

__all__ = ["DosingBlock", "dose_table", "doses_given", "depot_amount", "infusion_rate", "mean_rate",
           "dose_times", "FIELDS"]

FIELDS = ("start", "interval", "count", "amount", "duration")


@dataclass(frozen=True)
class DosingBlock:
    """A regular dose train: ``count`` doses of ``amount`` every ``interval`` days from ``start``."""

    start: float  # day of the first dose (model time)
    interval: float  # days between doses (> 0)
    count: int  # number of doses (>= 1)
    amount: float  # dose amount in the drug module's unit
    duration: float = 0.0  # infusion length in days (0: bolus)

    def __post_init__(self) -> None:
        if self.interval <= 0:
            raise ValueError(f"interval: {self.interval} days; must be > 0")
        if self.count < 1:
            raise ValueError(f"count: {self.count}; must be >= 1")
        if self.amount < 0:
            raise ValueError(f"amount: {self.amount}; must be >= 0")
        if self.duration < 0 or (self.count > 1 and self.duration > self.interval):
            raise ValueError(f"duration: {self.duration} days; must be within 0..interval ({self.interval})")

    @property
    def stop(self) -> float:
        """Day the last dose has been given (end of its infusion)."""
        return self.start + (self.count - 1) * self.interval + self.duration


def dose_table(patients: list[list[DosingBlock]], n_blocks: int | None = None, prefix: str = "") -> dict[str, np.ndarray]:
    """Per-patient block lists -> driver arrays ``{prefix + field: (N, B)}`` (count 0 pads)."""
    b = max([len(x) for x in patients] + [1]) if n_blocks is None else n_blocks
    if any(len(x) > b for x in patients):
        raise ValueError(f"dose table: a patient has more than {b} dosing blocks")
    out = {f: np.zeros((len(patients), b)) for f in FIELDS}
    out["interval"][:] = 1.0
    for i, blocks in enumerate(patients):
        for j, blk in enumerate(blocks):
            for f in FIELDS:
                out[f][i, j] = float(getattr(blk, f))
    return {prefix + f: v for f, v in out.items()}


def _get(table: dict, prefix: str):
    return tuple(table[prefix + f] for f in FIELDS)


def doses_given(t, table: dict, prefix: str = ""):
    """Number of doses started by time t, per block (B,)."""
    start, interval, count, _, _ = _get(table, prefix)
    m = jnp.floor((t - start) / interval) + 1.0
    return jnp.clip(jnp.where(t >= start, m, 0.0), 0.0, count)


def depot_amount(t, table: dict, k, prefix: str = ""):
    """Amount left at t in a compartment that receives bolus doses and empties at rate k (1/day).

    Sum over bolus blocks of the geometric series of the doses given so far; ``k`` may be a
    scalar.  Infusion blocks are skipped here (they enter through :func:`infusion_rate`).
    """
    start, interval, count, amount, duration = _get(table, prefix)
    m = jnp.where(duration > 0, 0.0, doses_given(t, table, prefix))  # infusion blocks are not boluses
    t_last = start + jnp.maximum(m - 1.0, 0.0) * interval
    r = jnp.exp(-k * interval)
    # (1 - r^m) / (1 - r), written to stay finite as r -> 1
    series = jnp.where(r < 1.0 - 1e-12, -jnp.expm1(m * jnp.log(r)) / -jnp.expm1(jnp.log(r)), m)
    return jnp.sum(jnp.where(m > 0, amount * jnp.exp(-k * (t - t_last)) * series, 0.0))


def infusion_rate(t, table: dict, prefix: str = ""):
    """Input rate at t (amount/day) of infusion blocks (amount spread over ``duration``)."""
    start, interval, count, amount, duration = _get(table, prefix)
    m = doses_given(t, table, prefix)
    t_last = start + jnp.maximum(m - 1.0, 0.0) * interval
    on = (m > 0) & (duration > 0) & (t < t_last + duration)
    return jnp.sum(jnp.where(on, amount / jnp.where(duration > 0, duration, 1.0), 0.0))


def mean_rate(t, table: dict, prefix: str = ""):
    """Time-averaged input (amount/day) of each block between its first dose and one interval after its last."""
    start, interval, count, amount, _ = _get(table, prefix)
    on = (count > 0) & (t >= start) & (t < start + count * interval)
    return jnp.sum(jnp.where(on, amount / interval, 0.0))


def dose_times(table: dict, prefix: str = "", max_doses: int | None = None) -> np.ndarray:
    """Every dose (and infusion end) time per patient, (N, D) padded with +inf: the jump times."""
    start, interval, count, _, duration = (np.asarray(table[prefix + f]) for f in FIELDS)
    n = start.shape[0]
    rows = []
    for i in range(n):
        ts = []
        for j in range(start.shape[1]):
            c = int(count[i, j])
            if c <= 0:
                continue
            k = np.arange(c)
            ts.append(start[i, j] + k * interval[i, j])
            if duration[i, j] > 0:
                ts.append(start[i, j] + k * interval[i, j] + duration[i, j])
        rows.append(np.sort(np.concatenate(ts)) if ts else np.zeros(0))
    width = max([len(r) for r in rows] + [0]) if max_doses is None else max_doses
    out = np.full((n, width), np.inf)
    for i, r in enumerate(rows):
        out[i, : min(len(r), width)] = r[:width]
    return out
