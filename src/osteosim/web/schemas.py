"""Request bodies of the web API and the caps that keep one local server responsive.

The bodies reuse the CLI's schema: a simulate body *is* the scenario contract
(:class:`osteosim.scenario.ScenarioFile`, the patient typed as
:class:`osteosim.physiology.patient.Patient`), so FastAPI's OpenAPI document shows
every field and its range, and :func:`osteosim.scenario.parse_scenario` then
applies exactly the checks ``osteosim simulate`` applies.  What is only a web
concern (no file paths, bounded sizes) lives here as :class:`Limits`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..healing import HealingScenario
from ..parameters.fracture_countries import COUNTRIES
from ..physiology.patient import Patient
from ..scenario import ScenarioFile

__all__ = ["Limits", "ScenarioIn", "TrialIn", "StudyRunIn", "HealIn", "RiskIn", "SiteOut", "ColumnOut", "ColumnsOut", "JOB_ID_PATTERN"]

#: job ids are uuid4 hex strings (anything else is a 422 before any lookup)
JOB_ID_PATTERN = r"^[0-9a-f]{32}$"


@dataclass(frozen=True)
class Limits:
    """Caps of one server (each violation is a 4xx that names the cap)."""

    #: simulated years per scenario (the scenario contract allows 100; a browser user waits for the answer)
    max_years: float = 50.0
    #: prescriptions per regimen
    max_regimen_items: int = 8
    #: simulations waiting for the model thread before new ones get 503
    max_pending_simulations: int = 64
    #: patients in one trial job (all arms together)
    max_trial_patients: int = 2000
    #: arms of one trial job
    max_trial_arms: int = 6
    #: trial years
    max_trial_years: float = 10.0
    #: parameter draws of one trial job (each draw re-solves the arms its parameters act on)
    max_trial_parameter_draws: int = 16
    #: trial jobs running at once (each is a process) and waiting behind them
    max_running_jobs: int = 1
    max_queued_jobs: int = 4
    #: finished jobs kept (with their output folders) before the oldest are dropped
    keep_finished_jobs: int = 20
    #: healing weeks (a 2-D coarse run of 30 weeks takes tens of seconds), and runs waiting for the healing thread
    max_heal_weeks: float = 30.0
    max_pending_healing: int = 4
    #: request body bytes
    max_body_bytes: int = 64_000
    #: a parameter / driver / initial-state override must lie within this factor of its default
    override_factor: float = 100.0
    #: a durability study job (web/study.py): its span, parameter draws per regimen, regimens, cohort women and
    #: Morris trajectories (the example study, 13 regimens x 33 runs + 8 women + 52 screening runs, fits)
    max_study_years: float = 30.0
    max_study_draws: int = 64
    max_study_regimens: int = 16
    max_study_cohort: int = 16
    max_study_sensitivity_n: int = 8


_STRICT = ConfigDict(extra="forbid", allow_inf_nan=False)


class ScenarioIn(ScenarioFile):
    """The scenario contract (DESIGN section 5) as JSON: ``osteosim simulate`` reads the same keys from YAML."""

    model_config = ConfigDict(
        **ScenarioFile.model_config,
        json_schema_extra={
            "examples": [{
                "patient": {"sex": "female", "age": 52, "menopause_age": 51, "bmi": 24,
                            "calcium_mg_per_day": 700, "vitamin_d_ng_per_ml": 18,
                            "physical_activity": "sedentary", "family_history": True},
                "years": 10,
                "regimen": ["denosumab 60 mg every 6 months for 3 years"],
            }]
        },
    )


class TrialIn(BaseModel):
    """A trial job: a template of ``examples/trials/`` by name, or a trial mapping (the trial file contract)."""

    model_config = _STRICT

    template: str | None = Field(None, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$",
                                 description="name of a template (GET /api/trials/templates)")
    trial: dict[str, Any] | None = Field(None, description="a trial mapping (the trial file contract)")
    patients_per_arm: int | None = Field(None, ge=1, description="overrides population.patients_per_arm")
    years: float | None = Field(None, gt=0, description="overrides years")
    seed: int | None = Field(None, ge=0, le=2**32 - 1)
    parameter_draws: int | None = Field(None, ge=0, description="overrides uncertainty.parameter_draws: parameter "
                                        "draws run on the same patients, for intervals that separate parameter "
                                        "from patient uncertainty (0: none)")


class StudyRunIn(BaseModel):
    """A durability-study job: an example of ``examples/studies/`` by name, or a study mapping (the study file
    contract, docs/studies.md), with smaller settings so the page answers fast."""

    model_config = ConfigDict(**_STRICT, json_schema_extra={"examples": [
        {"study": "durability", "draws": 4, "cohort_n": 0, "sensitivity": False}]})

    study: str | None = Field(None, max_length=64, pattern=r"^[A-Za-z0-9_-]+$",
                              description="name of an example study (GET /api/studies)")
    spec: dict[str, Any] | None = Field(None, description="a study mapping (the study file contract)")
    draws: int | None = Field(None, ge=1, le=512, description="overrides draws (parameter draws per regimen)")
    years: float | None = Field(None, gt=0, le=30, description="overrides years (the span)")
    seed: int | None = Field(None, ge=0, le=2**32 - 1, description="overrides seed")
    cohort_n: int | None = Field(None, ge=0, le=1000, description="overrides cohort.n (women; 0: no cohort)")
    sensitivity: bool | None = Field(None, description="false: skip the sensitivity screen")
    regimens: list[str] | None = Field(None, min_length=2, max_length=64,
                                       description="run only these regimens of the study (the reference included)")


class RiskIn(BaseModel):
    """A clinic patient's 10-year fracture probabilities (``osteosim risk`` as JSON)."""

    model_config = ConfigDict(**_STRICT, json_schema_extra={"examples": [{
        "patient": {"sex": "female", "age": 70, "bmi": 25, "tscore_femoral_neck": -2.5, "prior_fracture": True},
        "country": "uk"}]})

    patient: Patient = Field(description="age 40..90, sex, BMI, clinical risk factors, and the femoral-neck "
                                         "T-score or BMD for the probability with BMD")
    prior_vertebral_fracture: bool = Field(False, description="a prevalent vertebral fracture")
    country: Literal[COUNTRIES] = Field("us", description="incidence and mortality tables: us (Caucasian) | uk | "
                                                          "norway (Fracture2026, the trial engine's)")


class HealIn(HealingScenario):
    """The healing scenario contract (``osteosim heal``) as JSON, plus whether to also run it untreated."""

    compare_untreated: bool = Field(True, description="also run the same fracture without the treatment")

    def to_mapping(self) -> dict[str, Any]:
        """The plain healing-scenario mapping (``compare_untreated`` included for the route)."""
        return self.model_dump(mode="json", exclude_none=True)


# ----------------------------------------------------------------------------
# reference answers (the declarations of osteosim.physiology.sites and osteosim.outcomes.columns)


class SiteOut(BaseModel):
    """One skeletal site (GET /api/sites): what the pages label and colour it with."""

    name: str = Field(description="identifier: the suffix of per-site fields and columns (bmd_<name>)")
    label: str
    abbr: str
    color: str
    fracture_kinds: list[str] = Field(description="fracture kinds whose hazard reads this site's BMD")


class ColumnOut(BaseModel):
    """One output column or column family (outcomes.columns.Column)."""

    pattern: str = Field(description="the name, or its pattern with a {site} / {kind} / {endpoint} field")
    per: str | None = Field(description="the axis the family repeats over (GET /api/columns axes)")
    unit: str
    description: str
    group: str = Field(description="plot group")
    table: str = Field(description="timeseries | visits (patients.parquet) | events (events.parquet)")
    banded: bool = Field(description="ensembles add <name>_p05/_p50/_p95")
    source: str
    names: list[str] | None = Field(None, description="every name of the family (absent when the model names them)")


class ColumnsOut(BaseModel):
    """Every output column, declared once (GET /api/columns)."""

    axes: dict[str, list[str]]
    band_quantiles: list[str]
    plot_groups: dict[str, dict[str, str]]
    tables: dict[str, list[ColumnOut]]
    model_columns: list[ColumnOut]
    band: ColumnOut
