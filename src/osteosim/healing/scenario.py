"""The healing scenario (DESIGN section 5, contract): fracture, patient, weeks, treatment.

::

    fracture: {gap_mm: 2, condition: atrophic_nonunion, grid: coarse}   # geometry: planar | line
    patient: {age: 35, sex: male}          # any Patient fields; omitted = reference callus (no patient effects)
    weeks: 30
    treatment: ["msc bone-marrow allogeneic 1e6 cells into the gap at 1 week"]
    codelivery: {osteogenic_gf_ng_per_ml: 50}                           # optional, with every injection

Errors are :class:`HealingScenarioError` (a ``ValueError``), one line naming the field, the
value and what is allowed.
"""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..parameters.bailon_plaza2001 import BAILON_PLAZA2001
from ..parameters.base import ParameterSet
from ..physiology.patient import Patient
from ..validation import InputError, format_validation_error, parse_yaml
from .conditions import condition_switches, healing_parameters
from .treatment import Injection, injections_from_treatment

__all__ = ["HealingScenario", "Fracture", "CoDelivery", "HealingScenarioError", "GAP_MM_RANGE"]

GAP_MM_RANGE = (0.5, 6.0)


class HealingScenarioError(InputError):
    """A healing scenario that cannot be run (one line)."""


class Fracture(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    gap_mm: float = Field(2.0, ge=GAP_MM_RANGE[0], le=GAP_MM_RANGE[1], description="fracture gap width, mm")
    condition: Literal["normal", "atrophic_nonunion"] = "normal"
    grid: Literal["coarse", "fine"] = "coarse"
    geometry: Literal["planar", "line"] = Field("planar", description="2-D planar quarter callus or 1-D axial line")


class CoDelivery(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    osteogenic_gf_ng_per_ml: float = Field(0.0, ge=0.0, le=1.0e4, description="BMP-like GF added with each injection")
    chondrogenic_gf_ng_per_ml: float = Field(0.0, ge=0.0, le=1.0e4, description="TGF-beta-like GF added with each injection")


class HealingScenario(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    fracture: Fracture = Fracture()
    patient: Patient | None = None
    weeks: float = Field(26.0, gt=0.0, le=104.0, description="simulated weeks after the fracture")
    treatment: list[str | dict[str, Any]] = Field(default_factory=list)
    codelivery: CoDelivery | None = None

    @model_validator(mode="after")
    def _check_treatment(self) -> "HealingScenario":
        self.injections()  # parse errors name treatment[i]
        return self

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_mapping(cls, data: Any) -> "HealingScenario":
        if not isinstance(data, Mapping):
            raise HealingScenarioError(f"scenario: {type(data).__name__} is not allowed (a mapping with keys "
                                       f"{', '.join(cls.model_fields)})")
        try:
            return cls.model_validate(dict(data))
        except ValidationError as exc:
            raise HealingScenarioError(format_validation_error(exc, model=cls)) from None

    @classmethod
    def from_yaml(cls, path: str | Path) -> "HealingScenario":
        p = Path(path)
        if not p.is_file():
            raise HealingScenarioError(f"scenario: file not found: {p}" if not p.exists() else f"scenario: {p} is not a file")
        return cls.from_mapping(parse_yaml(p.read_text(encoding="utf-8"), source=str(p), error=HealingScenarioError))

    # ------------------------------------------------------------------ derived
    def parameters(self) -> ParameterSet:
        return healing_parameters(self.patient, BAILON_PLAZA2001)

    def half_gap(self, params: ParameterSet) -> float:
        """Non-dimensional half-gap W."""
        return 0.5 * self.fracture.gap_mm / params.value("length_scale_mm")

    def switches(self) -> dict[str, bool]:
        return condition_switches(self.fracture.condition)

    def injections(self) -> list[Injection]:
        gf = self.codelivery.model_dump() if self.codelivery is not None else None
        return injections_from_treatment(self.treatment, self.patient, self.weeks * 7.0, gf)
