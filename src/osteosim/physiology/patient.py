"""The Patient schema: risk factors and optional measured baseline densitometry.

Field names follow the scenario contract (DESIGN section 5).  Validation errors
name the field, the value and what is allowed.
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, create_model, model_validator

from .sites import SITE_TABLE, SITES

__all__ = ["Patient", "SITES", "ActivityLevel"]

ActivityLevel = Literal["sedentary", "low", "moderate", "high"]

#: allowed age ranges (years) by species
AGE_RANGE = {"human": (18.0, 100.0), "rat": (0.05, 3.0)}
#: allowed body weights (kg) by species
WEIGHT_RANGE = {"human": (25.0, 300.0), "rat": (0.05, 1.2)}
#: assumed adult height (m) by sex, to derive a body weight from BMI when none is given:
#: approximately the mean height of US adults >= 20 y (NHANES 2015-2018: women ~1.61 m, men ~1.75 m)
ASSUMED_HEIGHT_M = {"female": 1.62, "male": 1.76}
#: assumed rat body weight (kg) when none is given: adult Sprague-Dawley rats at 3-6 months
#: (females ~0.25 kg, males ~0.45 kg; Kimmel 1990 OVX'd female rats weighed 0.2-0.3 kg)
ASSUMED_RAT_WEIGHT_KG = {"female": 0.25, "male": 0.45}


class _PatientBase(BaseModel):
    """The risk factors; :data:`Patient` adds the measured baseline of every site in SITES."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    species: Literal["human", "rat"] = "human"
    sex: Literal["female", "male"] = "female"
    age: float = Field(52.0, description="age at simulation start, years")
    menopause_age: float | None = Field(None, description="natural menopause (final menstrual period), years; women")
    ovariectomy_age: float | None = Field(None, description="surgical menopause / OVX, years; females")
    bmi: float = Field(26.0, ge=12.0, le=70.0, description="body-mass index, kg/m^2")
    weight_kg: float | None = Field(None, description="body weight, kg (cells/kg doses); default: from BMI "
                                    "and an assumed height (ASSUMED_HEIGHT_M), or ASSUMED_RAT_WEIGHT_KG for rats")
    calcium_mg_per_day: float = Field(800.0, ge=0.0, le=5000.0, description="dietary + supplemental calcium, mg/day")
    vitamin_d_ng_per_ml: float = Field(25.0, ge=0.0, le=200.0, description="serum 25(OH)D, ng/mL")
    physical_activity: ActivityLevel = "moderate"
    family_history: bool = Field(False, description="parental hip fracture")
    smoker: bool = False
    glucocorticoids: bool = Field(False, description="current oral glucocorticoids (>= 5 mg prednisolone/day)")
    prior_fracture: bool = Field(False, description="prior fragility fracture (fracture risk only)")

    @model_validator(mode="after")
    def _check(self) -> "_PatientBase":
        lo, hi = AGE_RANGE[self.species]
        if not (lo <= self.age <= hi):
            raise ValueError(f"age: {self.age} is outside the allowed range {lo}..{hi} years for species {self.species}")
        if self.weight_kg is not None:
            wlo, whi = WEIGHT_RANGE[self.species]
            if not (wlo <= self.weight_kg <= whi):
                raise ValueError(f"weight_kg: {self.weight_kg} is outside the allowed range {wlo}..{whi} kg "
                                 f"for species {self.species}")
        for fld in ("menopause_age", "ovariectomy_age"):
            v = getattr(self, fld)
            if v is None:
                continue
            if self.sex == "male":
                raise ValueError(f"{fld}: {v} given for a male patient; only females have a menopause or ovariectomy")
            if not (lo <= v <= hi):
                raise ValueError(f"{fld}: {v} is outside the allowed range {lo}..{hi} years")
        if self.menopause_age is not None and self.species == "human" and not (35.0 <= self.menopause_age <= 62.0):
            raise ValueError(f"menopause_age: {self.menopause_age} is outside the allowed range 35..62 years")
        for site in SITES:
            if getattr(self, f"tscore_{site}") is not None and getattr(self, f"bmd_{site}") is not None:
                raise ValueError(f"tscore_{site} and bmd_{site}: give one measured baseline per site, not both")
        return self

    # ------------------------------------------------------------------
    @property
    def effective_menopause_age(self) -> float | None:
        """Age at which ovarian estrogen is lost: the earlier of natural menopause and ovariectomy.

        A woman with neither given is assumed to reach natural menopause at 51 (median age, SWAN).
        """
        if self.sex == "male":
            return None
        ages = [a for a in (self.menopause_age, self.ovariectomy_age) if a is not None]
        if not ages:
            return 51.0 if self.species == "human" else None
        return min(ages)

    @property
    def body_weight_kg(self) -> float:
        """Body weight (kg): ``weight_kg`` if given, else BMI x assumed height^2 (humans) or the
        assumed adult rat weight (see ASSUMED_HEIGHT_M, ASSUMED_RAT_WEIGHT_KG)."""
        if self.weight_kg is not None:
            return float(self.weight_kg)
        if self.species == "rat":
            return ASSUMED_RAT_WEIGHT_KG[self.sex]
        return float(self.bmi) * ASSUMED_HEIGHT_M[self.sex] ** 2

    @property
    def surgical(self) -> bool:
        return self.ovariectomy_age is not None and (
            self.menopause_age is None or self.ovariectomy_age <= self.menopause_age
        )

    def measured_baseline(self) -> dict[str, tuple[str, float]]:
        """site -> ("tscore" | "bmd", value) for the sites with a measurement."""
        out = {}
        for site in SITES:
            for kind in ("tscore", "bmd"):
                v = getattr(self, f"{kind}_{site}")
                if v is not None:
                    out[site] = (kind, float(v))
        return out


#: optional measured baseline per site (contract: ``tscore_<site>`` or ``bmd_<site>`` in g/cm^2), all
#: T-scores first, then all BMDs, in the order of SITES
_BASELINE_FIELDS = {
    **{f"tscore_{s.name}": (float | None, Field(None, ge=-7.0, le=5.0,
                                                description=f"measured T-score, {s.lower_label}"))
       for s in SITE_TABLE},
    **{f"bmd_{s.name}": (float | None, Field(None, gt=0.2, lt=2.5,
                                             description=f"g/cm^2; measured BMD, {s.lower_label}"))
       for s in SITE_TABLE},
}

Patient = create_model("Patient", __base__=_PatientBase, __module__=__name__,
                       __doc__="One person (or animal) whose risk factors drive the model through a lifetime.",
                       **_BASELINE_FIELDS)
