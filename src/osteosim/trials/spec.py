"""Trial files (DESIGN section 5, **contract**): schema, loader and validation.

A trial is a YAML mapping::

    name: FREEDOM-like
    published: freedom           # optional: a published trial of the reference (side by side)
    population:
      patients_per_arm: 1000
      sex: female
      age: [60, 90]
      age_mean: 72               # optional: mean age at randomisation (the age density is tilted)
      tscore_any: [-4.0, -2.5]   # lowest of spine/hip/neck (not the radius); or tscore_<site>: [lo, hi]
      prevalent_vertebral_fracture: 0.23
      fracture_hazard: strength  # load over strength (outcomes/strength_hazard.py); or bmd (FRAX-style)
      risk_factors: {smoker: 0.1, family_history: 0.12, glucocorticoids: 0.03, prior_fracture: 0.3, bmi: [26, 4]}
    years: 3
    control: placebo
    arms:
      placebo: []
      denosumab: ["denosumab 60 mg every 6 months for 3 years"]
    visits_months: [12, 24, 36]
    seed: 7
    uncertainty:                 # optional: parameter uncertainty (trials/uncertainty.py)
      parameter_draws: 10        # parameter sets drawn as the ensemble draws them; 0: none (the default)
      seed: 20260                # seed of those draws (default: the ensemble's)

Every problem is a :class:`TrialError` (a ``ValueError``) with one line naming the field by
its dotted path, the value and what is allowed, as for scenarios.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..outcomes.ensemble import DEFAULT_SEED
from ..physiology.patient import SITES
from ..scenario import MAX_FILE_BYTES, ScenarioError
from ..validation import format_validation_error, parse_yaml
from .published import PUBLISHED_TRIALS

__all__ = ["TrialSpec", "Population", "RiskFactorSpec", "Uncertainty", "TrialError", "PUBLISHED", "MAX_PARAMETER_DRAWS"]

#: published trials of the reference whose BMD targets (calibration-targets.csv C rows) a
#: trial file may name for the side-by-side comparison (data/published_trials.yaml)
PUBLISHED = PUBLISHED_TRIALS
MAX_PATIENTS = 10_000_000
MAX_YEARS = 20.0
#: parameter draws of one trial: each draw re-solves every arm with an uncertain parameter
MAX_PARAMETER_DRAWS = 1000


class TrialError(ScenarioError):
    """A trial file that cannot be run; ``str(err)`` is one line naming the field."""


Range = tuple[float, float]


def _range(v: Any, lo: float, hi: float, what: str) -> Range:
    if not (isinstance(v, (list, tuple)) and len(v) == 2 and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in v)):
        raise ValueError(f"{v!r} is not allowed (a [low, high] pair of {what})")
    a, b = float(v[0]), float(v[1])
    if not (lo <= a <= b <= hi):
        raise ValueError(f"{v!r} is not allowed (low <= high, both within {lo:g}..{hi:g} {what})")
    return a, b


class RiskFactorSpec(BaseModel):
    """Prevalences of clinical risk factors (fractions 0..1) and the BMI distribution [mean, sd]."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    smoker: float | None = Field(None, ge=0.0, le=1.0)
    family_history: float | None = Field(None, ge=0.0, le=1.0, description="parental hip fracture")
    glucocorticoids: float | None = Field(None, ge=0.0, le=1.0)
    prior_fracture: float | None = Field(None, ge=0.0, le=1.0, description="prior non-vertebral fragility fracture")
    bmi: tuple[float, float] | None = None

    @field_validator("bmi", mode="before")
    @classmethod
    def _bmi(cls, v):
        if v is None:
            return v
        if not (isinstance(v, (list, tuple)) and len(v) == 2
                and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in v)):
            raise ValueError(f"{v!r} is not allowed (a [mean, sd] pair in kg/m^2)")
        m, s = float(v[0]), float(v[1])
        if not (12.0 <= m <= 70.0 and 0.0 <= s <= 20.0):
            raise ValueError(f"{list(v)!r} is not allowed ([mean, sd] with mean in 12..70 and sd in 0..20 kg/m^2)")
        return (m, s)


class Population(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    patients_per_arm: int = Field(..., ge=1, le=MAX_PATIENTS)
    sex: Literal["female", "male"] = "female"
    age: tuple[float, float]
    age_mean: float | None = Field(None, description="mean age at randomisation (years) the sampled population "
                                                      "should have, inside the age range; default: whatever the "
                                                      "criteria give in the reference population")
    tscore_any: tuple[float, float] | None = None
    tscore_lumbar_spine: tuple[float, float] | None = None
    tscore_total_hip: tuple[float, float] | None = None
    tscore_femoral_neck: tuple[float, float] | None = None
    tscore_distal_radius: tuple[float, float] | None = None
    prevalent_vertebral_fracture: float = Field(0.0, ge=0.0, le=1.0)
    years_since_menopause: tuple[float, float] | None = None
    calcium_vitamin_d: bool = Field(True, description="trial background calcium + vitamin D in every arm")
    fracture_incidence: Literal["trial", "general"] = Field(
        "trial", description="background fracture incidence: 'trial' (general-population incidence times the factors "
                             "fitted to published placebo arms) or 'general' (the epidemiological incidences)")
    fracture_hazard: Literal["bmd", "strength"] = Field(
        "strength", description="fracture hazard: 'strength' (load over strength with the resorption-cavity stress "
                                "riser, osteosim.outcomes.strength_hazard; the default) or 'bmd' (gradient of risk "
                                "per SD of BMD, FRAX-style)")
    risk_factors: RiskFactorSpec = RiskFactorSpec()

    @field_validator("age", mode="before")
    @classmethod
    def _age(cls, v):
        return _range(v, 40.0, 100.0, "years")

    @field_validator("tscore_any", "tscore_lumbar_spine", "tscore_total_hip", "tscore_femoral_neck",
                     "tscore_distal_radius", mode="before")
    @classmethod
    def _tscore(cls, v):
        return None if v is None else _range(v, -6.0, 4.0, "T-score SD")

    @field_validator("years_since_menopause", mode="before")
    @classmethod
    def _ysm(cls, v):
        return None if v is None else _range(v, 0.0, 60.0, "years")

    @model_validator(mode="after")
    def _check(self):
        if self.sex == "male" and self.years_since_menopause is not None:
            raise ValueError(f"years_since_menopause: {list(self.years_since_menopause)} given for a male population")
        if self.age_mean is not None and not (self.age[0] < self.age_mean < self.age[1]):
            raise ValueError(f"age_mean: {self.age_mean:g} is not allowed (strictly inside age {list(self.age)})")
        return self

    def tscore_ranges(self) -> dict[str, Range]:
        return {s: getattr(self, f"tscore_{s}") for s in SITES if getattr(self, f"tscore_{s}") is not None}


class Uncertainty(BaseModel):
    """Parameter uncertainty of a trial: ``parameter_draws`` parameter sets (drawn as ``osteosim simulate
    --ensemble`` draws them) run on the same virtual patients and fracture draws as the nominal trial."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    parameter_draws: int = Field(0, ge=0, le=MAX_PARAMETER_DRAWS,
                                 description="parameter sets drawn (0: none, the nominal trial only)")
    seed: int = Field(DEFAULT_SEED, ge=0, le=2**63 - 1, description="seed of the parameter draws")


class TrialSpec(BaseModel):
    """A validated trial file; :meth:`from_yaml` / :meth:`from_mapping` give one-line errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(..., min_length=1, max_length=200)
    published: str | None = None
    population: Population
    years: float = Field(..., gt=0.0, le=MAX_YEARS)
    control: str
    arms: dict[str, tuple[str, ...]]
    visits_months: tuple[float, ...]
    seed: int = Field(0, ge=0, le=2**63 - 1)
    uncertainty: Uncertainty | None = None

    @field_validator("published")
    @classmethod
    def _published(cls, v):
        if v is not None and v not in PUBLISHED:
            raise ValueError(f"{v!r} is not a published trial of the reference; allowed: {', '.join(PUBLISHED)}")
        return v

    @field_validator("arms", mode="before")
    @classmethod
    def _arms(cls, v):
        if not isinstance(v, Mapping) or not v:
            raise ValueError(f"{v!r} is not allowed (a mapping of arm name -> list of regimen strings; [] for placebo)")
        out = {}
        for name, reg in v.items():
            if not isinstance(name, str) or not name.strip():
                raise ValueError(f"{name!r} is not allowed as an arm name (a non-empty string)")
            if reg is None:
                reg = []
            if isinstance(reg, str):
                reg = [reg]
            if not isinstance(reg, (list, tuple)) or not all(isinstance(x, str) and x.strip() for x in reg):
                raise ValueError(f"{name}: {reg!r} is not allowed (a list of regimen strings; [] for placebo)")
            out[name] = tuple(reg)
        return out

    @field_validator("visits_months", mode="before")
    @classmethod
    def _visits(cls, v):
        if not isinstance(v, (list, tuple)) or not v or not all(
                isinstance(x, (int, float)) and not isinstance(x, bool) and x > 0 for x in v):
            raise ValueError(f"{v!r} is not allowed (a non-empty list of months > 0)")
        if list(v) != sorted(set(v)):
            raise ValueError(f"{list(v)!r} is not allowed (months in increasing order, no repeats)")
        return tuple(float(x) for x in v)

    @model_validator(mode="after")
    def _check(self):
        if self.control not in self.arms:
            raise ValueError(f"control: {self.control!r} is not an arm; allowed: {', '.join(self.arms)}")
        if self.visits_months[-1] > self.years * 12.0 + 1e-9:
            raise ValueError(f"visits_months: {self.visits_months[-1]:g} is after the end of the trial "
                             f"({self.years:g} years = {self.years * 12:g} months)")
        for name, reg in self.arms.items():
            _parse_arm(name, reg, self.years)
        return self

    # -- construction ------------------------------------------------------------------------
    @classmethod
    def from_mapping(cls, data: Any, source: str = "trial") -> "TrialSpec":
        if not isinstance(data, Mapping):
            raise TrialError(f"{source}: a trial is a mapping with keys {', '.join(cls.model_fields)}, "
                             f"not {type(data).__name__}")
        try:
            return cls.model_validate(dict(data))
        except ValidationError as exc:
            raise TrialError(format_validation_error(exc, model=cls)) from None

    @classmethod
    def from_yaml(cls, path: str | Path) -> "TrialSpec":
        path = Path(path)
        if not path.is_file():
            raise TrialError(f"trial: {str(path)!r} is not a file")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise TrialError(f"trial: {str(path)!r} is larger than {MAX_FILE_BYTES} bytes")
        data = parse_yaml(path.read_text(encoding="utf-8", errors="replace"), source=str(path), error=TrialError)
        if data is None:
            raise TrialError(f"{path}: the trial file is empty")
        return cls.from_mapping(data, source=str(path))

    # -- derived ----------------------------------------------------------------------------
    @property
    def parameter_draws(self) -> int:
        """Parameter draws asked for (0: the nominal trial only)."""
        return self.uncertainty.parameter_draws if self.uncertainty is not None else 0

    def regimens(self) -> dict[str, Any]:
        """Arm name -> parsed Regimen (an empty list for placebo)."""
        return {name: _parse_arm(name, reg, self.years) for name, reg in self.arms.items()}

    def digest(self, seed: int | None = None) -> str:
        """Identity of what a run computes (the resume key): everything but the name."""
        d = self.model_dump(mode="json")
        d.pop("name")
        if not (d.get("uncertainty") or {}).get("parameter_draws"):
            d.pop("uncertainty", None)  # no draws: the nominal trial, the digest it always had
        if seed is not None:
            d["seed"] = seed
        return hashlib.sha256(json.dumps(d, sort_keys=True).encode()).hexdigest()[:16]


def _parse_arm(name: str, reg: tuple[str, ...], years: float):
    from ..physiology.patient import Patient
    from ..scenario import parse_regimen
    from ..therapies.pkpd import regimen_tables
    from ..units import DAYS_PER_YEAR

    parsed = parse_regimen(list(reg), where=f"arms.{name}")
    if parsed is None:
        return []
    try:  # every therapy must be available in the model (the real tables are per patient)
        regimen_tables(parsed, 0.0, years * DAYS_PER_YEAR, patient=Patient(age=70.0))
    except (ValueError, TypeError) as exc:
        raise ValueError(f"arms.{name}: {' '.join(str(exc).split())}") from None
    return parsed
