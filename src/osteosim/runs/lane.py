"""One lane of a batched solve: who is simulated, under which treatment, with which parameter values."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..physiology.patient import Patient

__all__ = ["Lane"]


@dataclass(frozen=True)
class Lane:
    """One solver lane.

    patient: the patient (patient-driven models); None for a classic model.
    regimen: a parsed Regimen, a list of regimen strings, or None (no treatment).
    params: parameter values of this lane that differ from the run's (sampled draws, a trial
        patient's variability, a mechanism switched off); names must be parameters of the run.
    drivers: extra inputs applied last (a classic model's load case, a scenario's driver
        overrides, a trial patient's time shift).
    start_age: age (years) where the regimen's time 0 falls; default the patient's age.
    """

    patient: Patient | None = None
    regimen: Any = None
    params: Mapping[str, float] = field(default_factory=dict)
    drivers: Mapping[str, Any] = field(default_factory=dict)
    start_age: float | None = None
