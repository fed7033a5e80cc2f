"""Scenario files (DESIGN section 5, **contract**): schema, loader and validation.

A scenario is a YAML mapping::

    model: Osteosim            # optional; default Osteosim when a patient is given
    patient: {...}             # Patient fields (osteosim.physiology.patient.Patient)
    years: 10
    regimen: ["alendronate 70 mg weekly for 3 years"]
    parameters: {name: value}  # overrides on the model's default parameter set
    initial_state: {state: value}
    drivers: {input: value}    # external inputs / load cases (classic models)

:class:`Scenario` is the pydantic model of that mapping (``extra="forbid"``), shared by the
CLI and the web API.  Every problem is raised as :class:`ScenarioError` (a ``ValueError``)
with one line that names the field by its dotted path, the value and what is allowed;
unknown keys at any level come with a suggestion ("unknown key 'yeras'; did you mean
'years'?"), through :func:`osteosim.validation.format_validation_error`.
"""
from __future__ import annotations

import difflib
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from .physiology.patient import Patient
from .validation import InputError, format_validation_error, one_line, short, unknown_key_message
from .validation import parse_yaml as _parse_yaml

__all__ = [
    "SCENARIO_KEYS",
    "Scenario",
    "ScenarioFile",
    "ScenarioError",
    "load_scenario",
    "parse_scenario",
    "parse_yaml",
    "parse_regimen",
]

#: the patient-driven model used when a scenario gives a patient and no model
DEFAULT_PATIENT_MODEL = "Osteosim"

#: patient-run span when a scenario gives a patient and no ``years``
DEFAULT_PATIENT_YEARS = 10.0

#: the longest span a scenario may simulate, years
MAX_YEARS = 100.0

#: largest scenario file we read (a scenario is a few hundred bytes)
MAX_FILE_BYTES = 1_000_000


class ScenarioError(InputError):
    """A scenario that cannot be run; ``str(err)`` is one line naming the field."""


def parse_yaml(text: str, source: str = "scenario") -> Any:
    """Parse scenario YAML strictly (duplicate keys rejected); errors become :class:`ScenarioError`."""
    return _parse_yaml(text, source, error=ScenarioError)


# ----------------------------------------------------------------------------
# field types
def _number(value: Any) -> float:
    """A finite number (numeric strings such as "1e-3" included; booleans are not numbers)."""
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            raise ValueError(f"{short(value)} is not allowed (a number)") from None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{short(value)} is not allowed (a number)")
    if not math.isfinite(float(value)):
        raise ValueError(f"{value!r} is not allowed (a finite number)")
    return float(value)


def _years(value: Any) -> float:
    v = _number(value)
    if v <= 0:
        raise ValueError(f"{value!r} is not allowed (a number > 0)")
    if v > MAX_YEARS:
        raise ValueError(f"{value!r} is outside the allowed range (0, {MAX_YEARS:g}]")
    return v


def _mapping(value: Any) -> Any:
    return {} if value is None else value


Number = Annotated[float, BeforeValidator(_number)]
NumberMap = Annotated[dict[str, Number], BeforeValidator(_mapping)]


# ----------------------------------------------------------------------------
# regimen
def parse_regimen(items: Any, where: str = "regimen") -> Any:
    """Validate a scenario's ``regimen`` and hand it to :func:`osteosim.therapies.parse_regimen`.

    Returns ``None`` for an empty regimen; a prescription that does not parse is an error that
    names the entry and the word that could not be read.
    """
    from .therapies import parse_regimen as parse_prescriptions

    items = list(_regimen_items(items, where))
    if not items:
        return None
    try:
        return parse_prescriptions(items)
    except ValidationError as exc:
        raise ScenarioError(format_validation_error(exc, where)) from None
    except (ValueError, KeyError, TypeError) as exc:
        msg = one_line(exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc))
        if not msg.startswith(where):
            msg = f"{where}: {msg}"
        raise ScenarioError(msg) from None


def _regimen_items(value: Any, where: str = "regimen") -> tuple:
    """The regimen as written: one string or mapping, or a list of them (shape checked here, words later)."""
    if value is None:
        return ()
    items = [value] if isinstance(value, (str, Mapping)) else value
    if not isinstance(items, (list, tuple)):
        raise ScenarioError(f"{where}: {short(value)} is not allowed (a list of regimen strings or mappings)")
    for i, item in enumerate(items):
        if not isinstance(item, (str, Mapping)) or (isinstance(item, str) and not item.strip()):
            raise ScenarioError(f"{where}[{i}]: {short(item)} is not allowed (a regimen string such as "
                                f"'alendronate 70 mg weekly for 3 years', or a mapping)")
    return tuple(items)


# ----------------------------------------------------------------------------
# models
def _model_classes() -> dict:
    from .models.base import MODEL_REGISTRY

    return MODEL_REGISTRY


def _resolve_model_name(name: Any) -> str:
    """The zoo's spelling of a model name (case-insensitive); ValueError naming what is allowed."""
    registry = _model_classes()
    allowed = ", ".join(sorted(registry)) or "(none registered)"
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"{short(name)} is not allowed (a model name: {allowed})")
    for key in registry:
        if key.lower() == name.strip().lower():
            return key
    if name.strip().lower() == DEFAULT_PATIENT_MODEL.lower():
        raise ValueError(f"{name!r} (the patient-driven model) is not available in this version; allowed: {allowed}")
    close = difflib.get_close_matches(name, list(registry), n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise ValueError(f"unknown model {name!r}{hint} (allowed: {allowed})")


# ----------------------------------------------------------------------------
# the schema
class ScenarioFile(BaseModel):
    """The scenario contract as written: its keys, their types and ranges (the web API's simulate body).

    ``regimen_text`` is the regimen as written (the file's ``regimen`` key).  Checks that need
    the model (parameter names, patient or not) are :class:`Scenario`'s.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=False, allow_inf_nan=False)

    model: str | None = Field(None, max_length=64,
                              description="a model of the zoo; default Osteosim when a patient is given")
    patient: Patient | None = None
    years: Annotated[float, BeforeValidator(_years)] | None = Field(
        None, description=f"simulated years after the patient's age (0, {MAX_YEARS:g}]")
    regimen_text: Annotated[tuple, BeforeValidator(_regimen_items)] = Field(
        (), alias="regimen", description="regimen strings or their mappings")
    parameters: NumberMap = Field(default_factory=dict, description="overrides of the model's default parameters")
    initial_state: NumberMap = Field(default_factory=dict, description="classic models: initial state overrides")
    drivers: NumberMap = Field(default_factory=dict, description="classic models: external inputs")

    def to_mapping(self) -> dict[str, Any]:
        """The plain mapping of this file (what :func:`parse_scenario` reads)."""
        out = self.model_dump(mode="json", by_alias=True, exclude_none=True, exclude={"patient"})
        if self.patient is not None:
            out["patient"] = self.patient.model_dump(exclude_none=True)
        return out


class Scenario(ScenarioFile):
    """A validated scenario; :meth:`simulation` builds the :class:`~osteosim.simulation.Simulation`.

    ``regimen`` is the parsed :class:`~osteosim.therapies.Regimen` (``None`` when empty); the
    model name is the zoo's spelling, and parameter, state and driver names are the model's.
    """

    _regimen: Any = PrivateAttr(None)
    _source: str = PrivateAttr("scenario")

    @model_validator(mode="before")
    @classmethod
    def _patient_defaults(cls, data: Any) -> Any:
        """A patient without a model runs the patient-driven model for the default span."""
        if isinstance(data, Mapping) and data.get("patient") is not None:
            data = dict(data)
            if data.get("model") is None:
                data["model"] = DEFAULT_PATIENT_MODEL
            if data.get("years") is None:
                data["years"] = DEFAULT_PATIENT_YEARS
        return data

    @field_validator("model", mode="before")
    @classmethod
    def _model_name(cls, value: Any) -> str | None:
        return None if value is None else _resolve_model_name(value)

    @model_validator(mode="after")
    def _fits_the_model(self) -> "Scenario":
        """Checks that need the model: patient or not, and the names of parameters, states and drivers."""
        if self.model is None:
            raise ValueError(f"model: give a model ({', '.join(sorted(_model_classes()))}) or a patient")
        model = _model_classes()[self.model]()
        uses_patient = model.uses_patient
        if self.patient is not None and not uses_patient:
            raise ValueError(f"patient: model {self.model!r} is a classic model that takes no patient; "
                             f"remove 'patient' or use {DEFAULT_PATIENT_MODEL!r}")
        if self.patient is None and uses_patient:
            raise ValueError(f"patient: model {self.model!r} needs a patient (a mapping of patient fields)")
        driver_names = None if uses_patient else list(model.default_drivers())
        if driver_names == [] and self.drivers:
            raise ValueError(f"drivers: model {self.model!r} has no external inputs")
        for where, given, allowed in (("parameters", self.parameters, list(model.default_parameters())),
                                      ("initial_state", self.initial_state, list(model.state_names)),
                                      ("drivers", self.drivers, driver_names)):
            for k in given:
                if allowed is not None and k not in allowed:
                    raise ValueError(unknown_key_message(k, allowed, where))
        self._regimen = parse_regimen(list(self.regimen_text))
        if self._regimen is not None and not uses_patient:
            raise ValueError(f"regimen: model {self.model!r} is a classic model; therapies need a patient")
        return self

    @property
    def regimen(self) -> Any:
        return self._regimen

    @property
    def source(self) -> str:
        return self._source

    @property
    def uses_patient(self) -> bool:
        return self.patient is not None

    def simulation(self, **kwargs: Any):
        """The Simulation this scenario describes (keyword arguments pass through, e.g. ``saves_per_year``)."""
        from .simulation import Simulation

        try:
            return Simulation(
                patient=self.patient,
                regimen=self.regimen,
                model=self.model,
                years=self.years,
                parameters=self.parameters or None,
                initial_state=self.initial_state or None,
                drivers=self.drivers or None,
                **kwargs,
            )
        except KeyError as exc:  # ParameterSet.with_ raises KeyError for unknown names
            raise ScenarioError(one_line(exc.args[0] if exc.args else str(exc))) from None

    def to_dict(self) -> dict[str, Any]:
        """The scenario as a plain mapping (what a YAML file with the same content holds)."""
        out: dict[str, Any] = {"model": self.model}
        if self.patient is not None:
            out["patient"] = self.patient.model_dump(exclude_none=True)
        if self.years is not None:
            out["years"] = self.years
        if self.regimen_text:
            out["regimen"] = list(self.regimen_text)
        for k in ("parameters", "initial_state", "drivers"):
            if getattr(self, k):
                out[k] = dict(getattr(self, k))
        return out

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.to_dict(), sort_keys=False)


#: top-level keys of a scenario file, in documentation order
SCENARIO_KEYS = tuple(f.alias or name for name, f in Scenario.model_fields.items())


def parse_scenario(data: Any, source: str = "scenario") -> Scenario:
    """Validate a scenario mapping (already parsed from YAML/JSON) into a :class:`Scenario`.

    ``source`` names the input in messages of the top-level shape only; field
    errors use dotted paths (``patient.age``, ``parameters.k1``, ``regimen[0]``).
    """
    if data is None:
        raise ScenarioError(f"{source}: the scenario is empty; expected a mapping with keys {', '.join(SCENARIO_KEYS)}")
    if not isinstance(data, Mapping):
        raise ScenarioError(
            f"{source}: a scenario is a mapping with keys {', '.join(SCENARIO_KEYS)}, not {type(data).__name__}"
        )
    try:
        scen = Scenario.model_validate(dict(data))
    except ValidationError as exc:
        raise ScenarioError(format_validation_error(exc, model=Scenario)) from None
    scen._source = source
    return scen


def load_scenario(path: str | os.PathLike) -> Scenario:
    """Read and validate a scenario YAML file (errors: :class:`ScenarioError`, one line)."""
    p = Path(path)
    if not p.exists():
        raise ScenarioError(f"scenario: file not found: {p}")
    if not p.is_file():
        raise ScenarioError(f"scenario: {p} is not a file")
    try:
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ScenarioError(f"scenario: {p} is {size} bytes; a scenario file is at most {MAX_FILE_BYTES} bytes")
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ScenarioError(f"scenario: {p} is not UTF-8 text") from None
    except OSError as exc:
        raise ScenarioError(one_line(f"scenario: cannot read {p}: {exc.strerror or exc}")) from None
    data = parse_yaml(text, source=str(p))
    return parse_scenario(data, source=str(p))
