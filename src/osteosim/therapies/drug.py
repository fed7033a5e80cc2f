"""What a drug module declares: one :class:`Drug` (no jax here; the registry and the CLI read it).

A drug is

* ``therapy``: its regimen-facing entry (:class:`~osteosim.therapies.catalog.Therapy`): the
  words it answers to, dose units and plausible ranges, routes, infusion length, typical
  schedules, labels and trials;
* ``prefix``: the name of its dose table among the model's drivers (``<prefix>_start``,
  ``<prefix>_interval``, ... of :mod:`osteosim.therapies.dosing`);
* ``pk``: the PK kind that turns its dose table into an exposure of the model, with the names of
  its PK/PD parameters (:mod:`osteosim.therapies.pk`); the kind names the exposure channel(s)
  it drives (:mod:`osteosim.therapies.channels`), which are its PD hooks;
* ``parameters``: its own parameter set when its values are not in
  :data:`~osteosim.parameters.therapies2026.THERAPIES2026` (a drug from another package);
* ``citation_keys``: the references of its PK/PD values (keys of :mod:`osteosim.citations`);
* ``order``: where the catalogue lists it (``osteosim therapies``); the built-in drugs use
  10..110, a drug that gives none comes after them (then by name).

Drug modules export one ``DRUG`` and are found through the ``osteosim.drugs`` entry-point group
(:mod:`osteosim.therapies.registry`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .vocabulary import Therapy

if TYPE_CHECKING:  # pragma: no cover
    from ..parameters.base import ParameterSet
    from .pk import PKKind

__all__ = ["Drug"]


@dataclass(frozen=True)
class Drug:
    """One registered therapy: its catalogue entry, dose table, PK kind, parameters and references."""

    therapy: Therapy
    prefix: str
    pk: "PKKind"
    citation_keys: tuple[str, ...] = ()
    parameters: "ParameterSet | None" = None
    order: int = 1000

    @property
    def name(self) -> str:
        return self.therapy.name

    @property
    def channels(self) -> tuple[str, ...]:
        """The exposure channels of the model this drug drives (its PD hooks)."""
        return self.pk.channels
