"""PK kinds: how a drug's dose table becomes an exposure channel of the model (closed forms, one patient).

A drug module picks one kind and names the parameters it reads; the kind says which exposure
channel(s) it fills (:mod:`osteosim.therapies.channels`) and whether each dose is resolved (a
jump time of the solve) or enters as its time-averaged rate.  Two drugs of the same kind add
their exposures in the same channel (e.g. alendronate + risedronate + zoledronic acid in the
bone-bound bisphosphonate pool), so a new drug of an existing class is data, not code.

Processes faster than a day are closed form (:mod:`osteosim.therapies.dosing`): SC/IV depots,
linear PK, the bone-bound bisphosphonate pool and the daily-averaged exposure of daily
injections or tablets.  Only the target-mediated antibody (nonlinear elimination) is an ODE
state of the model (``den_central``).

The declarations are plain dataclasses (no jax at import); the closed forms import
``jax.numpy`` when the model evaluates them.  ``table`` is one drug's dose table
``{field: (B,)}`` (fields of :data:`osteosim.therapies.dosing.FIELDS`), ``p`` the parameter values,
``t`` the time in days.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

__all__ = ["PKKind", "AveragedRate", "AveragedBonePool", "BolusBonePool", "LinearDepot", "TargetMediated",
           "BONE_POOL", "BONE_RELEASE_HALFLIFE"]

#: channel of the bone-bound bisphosphonate pool (alendronate-equivalent mg)
BONE_POOL = "bp_bound"
#: parameter: release half-life of the bone-bound pool (days), shared by every bisphosphonate
BONE_RELEASE_HALFLIFE = "bp_release_halflife"


def _product(p: Mapping, names: tuple[str, ...]):
    """p[a] * p[b] * ... (left to right); 1.0 for no names."""
    out = p[names[0]] if names else 1.0
    for n in names[1:]:
        out = out * p[n]
    return out


def _release_rate(p: Mapping):
    import jax.numpy as jnp

    return jnp.log(2.0) / p[BONE_RELEASE_HALFLIFE]


class PKKind:
    """Base of the PK kinds: which channels a kind fills and its closed form."""

    #: every dose is a jump time of the solve (else the block's start and end are)
    resolved: ClassVar[bool] = False
    #: the model state the kind drives (None: closed form only)
    state: ClassVar[str | None] = None

    @property
    def channels(self) -> tuple[str, ...]:
        return (self.channel,)  # type: ignore[attr-defined]

    def parameter_names(self) -> tuple[str, ...]:
        """Parameters the kind reads (checked against the parameter sets at registration)."""
        return ()

    def exposures(self, t, d: Mapping, prefix: str, p: Mapping, states: Mapping) -> dict[str, Any]:
        """``{channel: value}`` at time t from the drivers ``d`` (this drug's table under ``prefix``)."""
        from .dosing import FIELDS

        return {self.channel: self.exposure(t, {f: d[f"{prefix}_{f}"] for f in FIELDS}, p)}  # type: ignore[attr-defined]

    def exposure(self, t, table: Mapping, p: Mapping):  # pragma: no cover - every kind defines it
        raise NotImplementedError

    def empty_descriptors(self, n_blocks: int) -> dict:
        """Extra per-block driver arrays of this kind when nothing is given (default: none)."""
        return {}

    def tables(self, regimen, t0_days: float, horizon_days: float, n_blocks: int, patient=None,
               params: Mapping | None = None) -> dict | None:
        """The kind's own dose tables of a regimen, or None: the generic one-table-per-drug path."""
        return None


@dataclass(frozen=True)
class AveragedRate(PKKind):
    """Daily (or weekly) dosing acting over weeks: the time-averaged dose rate (amount/day) while on.

    ``scale``: parameters multiplied onto the rate (e.g. an equivalence to the channel's
    reference drug: abaloparatide as teriparatide-ug).
    """

    channel: str
    scale: tuple[str, ...] = ()

    def parameter_names(self) -> tuple[str, ...]:
        return self.scale

    def exposure(self, t, table, p):
        from .dosing import mean_rate

        rate = mean_rate(t, table)
        return _product(p, self.scale) * rate if self.scale else rate


@dataclass(frozen=True)
class AveragedBonePool(PKKind):
    """Oral bisphosphonate: the averaged loading ``fraction x dose rate`` enters the bone-bound pool.

    Closed form of dB/dt = f r - k B per block: ``f r / k (1 - e^{-k (t - start)})`` while on,
    decaying after; ``k = ln 2 / bp_release_halflife``.  ``fraction``: parameters whose
    product is the dose fraction bound to bone in alendronate-equivalent mg (bone fraction x
    potency).
    """

    fraction: tuple[str, ...]
    channel: str = BONE_POOL

    def parameter_names(self) -> tuple[str, ...]:
        return self.fraction + (BONE_RELEASE_HALFLIFE,)

    def exposure(self, t, table, p):
        import jax.numpy as jnp

        k = _release_rate(p)
        f_bone = _product(p, self.fraction)
        start, interval, count, amount = (table[f] for f in ("start", "interval", "count", "amount"))
        rate = jnp.where(count > 0, f_bone * amount / interval, 0.0)
        stop = start + count * interval
        on_time = jnp.clip(t - start, 0.0, jnp.maximum(stop - start, 0.0))
        after = jnp.maximum(t - stop, 0.0)
        return jnp.sum(rate / k * (-jnp.expm1(-k * on_time)) * jnp.exp(-k * after))


@dataclass(frozen=True)
class BolusBonePool(PKKind):
    """IV bisphosphonate: each dose binds to bone at once (a 15-min infusion is a bolus to bone).

    ``fraction``: parameters whose product is the bound, alendronate-equivalent share of a dose.
    """

    fraction: tuple[str, ...]
    channel: str = BONE_POOL
    resolved: ClassVar[bool] = True

    def parameter_names(self) -> tuple[str, ...]:
        return self.fraction + (BONE_RELEASE_HALFLIFE,)

    def exposure(self, t, table, p):
        from .dosing import depot_amount

        bolus = dict(table, duration=0.0 * table["duration"])
        return _product(p, self.fraction) * depot_amount(t, bolus, _release_rate(p))


@dataclass(frozen=True)
class LinearDepot(PKKind):
    """SC antibody with linear PK: first-order absorption and elimination (Bateman), concentration = amount / V.

    The four names are the parameters of bioavailability, absorption rate (1/day),
    elimination rate (1/day) and volume; the channel gets amount (dose unit) / volume.
    """

    channel: str
    bioavailability: str
    absorption: str
    elimination: str
    volume: str
    resolved: ClassVar[bool] = True

    def parameter_names(self) -> tuple[str, ...]:
        return (self.bioavailability, self.absorption, self.elimination, self.volume)

    def exposure(self, t, table, p):
        from .dosing import depot_amount

        ka, ke = p[self.absorption], p[self.elimination]
        amount = p[self.bioavailability] * ka / (ka - ke) * (depot_amount(t, table, ke) - depot_amount(t, table, ka))
        return amount / p[self.volume]


@dataclass(frozen=True)
class TargetMediated(PKKind):
    """SC antibody with target-mediated (saturable) elimination: the model's one antibody state.

    dA/dt = F ka depot - kel A - vmax C / (km + C), C = A / V, A in ng (doses in mg x
    ``ng_per_dose_unit``); the channel gets C (ng/mL).  The model has one such state
    (``den_central``), so one registered drug may use this kind.
    """

    channel: str
    absorption: str
    bioavailability: str
    volume: str
    elimination: str
    vmax: str
    km: str
    ng_per_dose_unit: float = 1e6  # mg -> ng
    resolved: ClassVar[bool] = True
    state: ClassVar[str | None] = "den_central"

    def parameter_names(self) -> tuple[str, ...]:
        return (self.absorption, self.bioavailability, self.volume, self.elimination, self.vmax, self.km)

    def exposures(self, t, d, prefix, p, states):
        return {self.channel: states[self.state] / p[self.volume]}

    def rhs(self, t, amount, table, p):
        """dA/dt of the central amount (ng): SC absorption, linear and saturable elimination."""
        from .dosing import depot_amount

        depot = self.ng_per_dose_unit * depot_amount(t, table, p[self.absorption])
        conc = amount / p[self.volume]
        return (p[self.bioavailability] * p[self.absorption] * depot - p[self.elimination] * amount
                - p[self.vmax] * conc / (p[self.km] + conc))
