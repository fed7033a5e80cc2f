"""Scenario files (DESIGN section 5, **contract**): schema, loader and validation.

A scenario is a YAML mapping::

    model: Osteosim            # optional; default Osteosim when a patient is given
    patient: {...}             # Patient fields (osteosim.physiology.patient.Patient)
    years: 10
    regimen: ["alendronate 70 mg weekly for 3 years"]
    parameters: {name: value}  # overrides on the model's default parameter set
    initial_state: {state: value}
    drivers: {input: value}    # external inputs / load cases (classic models)

Shared by the CLI and the web API.  Every problem is raised as
:class:`ScenarioError` (a ``ValueError``) with a one-line message that names the
field by its dotted path, the value and what is allowed; unknown keys at any
level come with a suggestion ("unknown key 'yeras'; did you mean 'years'?").
"""
from __future__ import annotations

import difflib
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .physiology.patient import Patient

__all__ = [
    "SCENARIO_KEYS",
    "Scenario",
    "ScenarioError",
    "load_scenario",
    "parse_scenario",
    "parse_yaml",
    "format_validation_error",
    "unknown_key_message",
    "parse_regimen",
]

#: top-level keys of a scenario file, in documentation order
SCENARIO_KEYS = ("model", "patient", "years", "regimen", "parameters", "initial_state", "drivers")

#: the patient-driven model used when a scenario gives a patient and no model
DEFAULT_PATIENT_MODEL = "Osteosim"

#: patient-run span when a scenario gives a patient and no ``years``
DEFAULT_PATIENT_YEARS = 10.0

#: largest scenario file we read (a scenario is a few hundred bytes)
MAX_FILE_BYTES = 1_000_000


class ScenarioError(ValueError):
    """A scenario that cannot be run; ``str(err)`` is one line naming the field."""


# ----------------------------------------------------------------------------
# messages
def unknown_key_message(key: Any, allowed: Sequence[str], where: str = "") -> str:
    """``"<where>: unknown key 'yeras'; did you mean 'years'?"`` (or the allowed list when nothing is close)."""
    prefix = f"{where}: " if where else ""
    close = difflib.get_close_matches(str(key), list(allowed), n=1, cutoff=0.6)
    if not close:  # case-insensitive second try ("Age" -> "age")
        lowered = {a.lower(): a for a in allowed}
        close = [lowered[str(key).lower()]] if str(key).lower() in lowered else []
    if close:
        return f"{prefix}unknown key {key!r}; did you mean {close[0]!r}?"
    return f"{prefix}unknown key {key!r}; allowed: {', '.join(allowed)}"


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _short(value: Any, limit: int = 60) -> str:
    r = repr(value)
    return r if len(r) <= limit else r[: limit - 3] + "..."


def format_validation_error(exc: ValidationError, where: str = "") -> str:
    """One line for a pydantic ``ValidationError``: dotted field path, the value and what is allowed.

    ``where`` prefixes the path (``"patient"`` gives ``patient.age``).  When there are
    several errors the first is shown and the count of the others is appended.
    """
    errors = exc.errors(include_url=False)
    if not errors:  # pragma: no cover - pydantic always gives one
        return _one_line(f"{where}: {exc}" if where else str(exc))
    e = errors[0]
    loc = ".".join(str(x) for x in (e.get("loc") or ()))
    msg = str(e.get("msg", ""))
    if e.get("type") == "value_error":
        # our own validators already say "field: value ... allowed"
        msg = msg.removeprefix("Value error, ")
        path = ".".join(x for x in (where, loc) if x)
        first_word = msg.split(" ", 1)[0]
        if where and not loc and first_word.endswith(":"):
            line = f"{where}.{msg}"  # "age: 130 is outside ..." -> "patient.age: 130 is outside ..."
        else:
            line = f"{path}: {msg}" if path else msg
    else:
        path = ".".join(x for x in (where, loc) if x) or "value"
        if e.get("type") == "extra_forbidden":
            line = f"{path}: unknown key"
        elif e.get("type") == "missing":
            line = f"{path}: required field is missing"
        else:
            allowed = msg[0].lower() + msg[1:] if msg else "invalid"
            line = f"{path}: {_short(e.get('input'))} is not allowed ({allowed})"
    if len(errors) > 1:
        line += f" (and {len(errors) - 1} more error{'s' if len(errors) > 2 else ''})"
    return _one_line(line)


# ----------------------------------------------------------------------------
# YAML
class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate keys (PyYAML silently keeps the last one)."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    loader.flatten_mapping(node)
    out: dict = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, f"unhashable key {key!r}", key_node.start_mark
            ) from None
        if key in out:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        out[key] = loader.construct_object(value_node, deep=deep)
    return out


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _yaml_error_line(exc: yaml.YAMLError, source: str) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    return _one_line(f"{source}: invalid YAML{where}: {problem}")


def parse_yaml(text: str, source: str = "scenario") -> Any:
    """Parse YAML text strictly (safe loader, duplicate keys rejected); errors become ScenarioError."""
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - _StrictLoader is a SafeLoader
    except yaml.YAMLError as exc:
        raise ScenarioError(_yaml_error_line(exc, source)) from None


# ----------------------------------------------------------------------------
# regimen
def parse_regimen(items: Any, where: str = "regimen") -> Any:
    """Validate a scenario's ``regimen`` and hand it to :func:`osteosim.therapies.parse_regimen`.

    Returns ``None`` for an empty regimen.  Until therapies exist every entry is an
    error that names the entry and the word that could not be read.
    """
    if items is None:
        return None
    if isinstance(items, (str, Mapping)):
        items = [items]
    if not isinstance(items, list):
        raise ScenarioError(
            f"{where}: {_short(items)} is not allowed (a list of regimen strings or mappings)"
        )
    for i, item in enumerate(items):
        if not isinstance(item, (str, Mapping)) or (isinstance(item, str) and not item.strip()):
            raise ScenarioError(
                f"{where}[{i}]: {_short(item)} is not allowed (a regimen string such as "
                f"'alendronate 70 mg weekly for 3 years', or a mapping)"
            )
    if not items:
        return None
    try:
        from . import therapies
    except ImportError:  # pragma: no cover - the package always has it
        therapies = None
    parser = getattr(therapies, "parse_regimen", None)
    if parser is not None:
        try:
            return parser(list(items))
        except ValidationError as exc:
            raise ScenarioError(format_validation_error(exc, where)) from None
        except (ValueError, KeyError, TypeError) as exc:
            msg = _one_line(exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc))
            if not msg.startswith(where):
                msg = f"{where}: {msg}"
            raise ScenarioError(msg) from None
    item = items[0]
    if isinstance(item, str):
        word = item.split()[0]
        text = item
    else:
        word = item.get("therapy") or item.get("drug") or (next(iter(item.values()), "") if item else "")
        text = dict(item)
    raise ScenarioError(
        f"{where}[0]: {_short(text, 80)} cannot be parsed: unknown therapy {str(word)!r} "
        f"(no therapies are available in this version)"
    )


# ----------------------------------------------------------------------------
# the schema
@dataclass(frozen=True)
class Scenario:
    """A validated scenario; :meth:`simulation` builds the :class:`~osteosim.simulation.Simulation`."""

    model: str
    patient: Patient | None = None
    years: float | None = None
    regimen: Any = None
    regimen_text: tuple = ()
    parameters: dict[str, float] = field(default_factory=dict)
    initial_state: dict[str, float] = field(default_factory=dict)
    drivers: dict[str, float] = field(default_factory=dict)
    source: str = "scenario"

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
            raise ScenarioError(_one_line(exc.args[0] if exc.args else str(exc))) from None

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

    @property
    def uses_patient(self) -> bool:
        return self.patient is not None


def _model_classes() -> dict:
    from .models.base import MODEL_REGISTRY

    return MODEL_REGISTRY


def _resolve_model_name(name: Any) -> str:
    registry = _model_classes()
    if not isinstance(name, str) or not name.strip():
        raise ScenarioError(f"model: {_short(name)} is not allowed (a model name: {', '.join(sorted(registry))})")
    for key in registry:
        if key.lower() == name.strip().lower():
            return key
    allowed = ", ".join(sorted(registry)) or "(none registered)"
    close = difflib.get_close_matches(name, list(registry), n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    if name.strip().lower() == DEFAULT_PATIENT_MODEL.lower():
        raise ScenarioError(
            f"model: {name!r} (the patient-driven model) is not available in this version; allowed: {allowed}"
        )
    raise ScenarioError(f"model: unknown model {name!r}{hint} (allowed: {allowed})")


def _number(value: Any, where: str, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        if isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                raise ScenarioError(f"{where}: {_short(value)} is not allowed (a number)") from None
        else:
            raise ScenarioError(f"{where}: {_short(value)} is not allowed (a number)")
    v = float(value)
    if not math.isfinite(v):
        raise ScenarioError(f"{where}: {value!r} is not allowed (a finite number)")
    if positive and v <= 0:
        raise ScenarioError(f"{where}: {value!r} is not allowed (a number > 0)")
    return v


def _numeric_mapping(data: Any, where: str, allowed: Sequence[str] | None) -> dict[str, float]:
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        raise ScenarioError(f"{where}: {_short(data)} is not allowed (a mapping of name: number)")
    out = {}
    for k, v in data.items():
        if allowed is not None and k not in allowed:
            raise ScenarioError(unknown_key_message(k, list(allowed), where))
        out[str(k)] = _number(v, f"{where}.{k}")
    return out


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
    for k in data:
        if k not in SCENARIO_KEYS:
            raise ScenarioError(unknown_key_message(k, SCENARIO_KEYS))

    # patient
    patient = None
    pdata = data.get("patient")
    if pdata is not None:
        if isinstance(pdata, Patient):
            patient = pdata
        else:
            if not isinstance(pdata, Mapping):
                raise ScenarioError(f"patient: {_short(pdata)} is not allowed (a mapping of patient fields)")
            fields = list(Patient.model_fields)
            for k in pdata:
                if k not in fields:
                    raise ScenarioError(unknown_key_message(k, fields, "patient"))
            try:
                patient = Patient(**dict(pdata))
            except ValidationError as exc:
                raise ScenarioError(format_validation_error(exc, "patient")) from None
            except ValueError as exc:  # pragma: no cover - pydantic wraps these
                raise ScenarioError(_one_line(f"patient: {exc}")) from None

    # model
    if data.get("model") is not None:
        model_name = _resolve_model_name(data["model"])
    elif patient is not None:
        model_name = _resolve_model_name(DEFAULT_PATIENT_MODEL)
    else:
        allowed = ", ".join(sorted(_model_classes()))
        raise ScenarioError(f"model: give a model ({allowed}) or a patient")
    model_cls = _model_classes()[model_name]
    try:
        model = model_cls()
    except Exception as exc:  # pragma: no cover - zoo models construct without arguments
        raise ScenarioError(_one_line(f"model: {model_name} cannot be built: {exc}")) from None
    uses_patient = model.uses_patient
    if patient is not None and not uses_patient:
        raise ScenarioError(
            f"patient: model {model_name!r} is a classic model that takes no patient; "
            f"remove 'patient' or use {DEFAULT_PATIENT_MODEL!r}"
        )
    if patient is None and uses_patient:
        raise ScenarioError(f"patient: model {model_name!r} needs a patient (a mapping of patient fields)")

    # years
    years = None
    if data.get("years") is not None:
        years = _number(data["years"], "years", positive=True)
        if years > 100:
            raise ScenarioError(f"years: {data['years']!r} is outside the allowed range (0, 100]")
    elif patient is not None:
        years = DEFAULT_PATIENT_YEARS

    # overrides
    try:
        param_names = list(model.default_parameters())
    except Exception:  # pragma: no cover - defensive: let Simulation report
        param_names = None
    parameters = _numeric_mapping(data.get("parameters"), "parameters", param_names)
    initial_state = _numeric_mapping(data.get("initial_state"), "initial_state", list(model.state_names))
    driver_names = None if uses_patient else list(model.default_drivers())
    if driver_names is not None and not driver_names and data.get("drivers"):
        raise ScenarioError(f"drivers: model {model_name!r} has no external inputs")
    drivers = _numeric_mapping(data.get("drivers"), "drivers", driver_names)

    # regimen
    raw_regimen = data.get("regimen")
    regimen = parse_regimen(raw_regimen)
    if regimen is not None and not uses_patient:
        raise ScenarioError(f"regimen: model {model_name!r} is a classic model; therapies need a patient")
    regimen_text = tuple(raw_regimen if isinstance(raw_regimen, list) else ([raw_regimen] if raw_regimen else []))

    return Scenario(
        model=model_name,
        patient=patient,
        years=years,
        regimen=regimen,
        regimen_text=regimen_text,
        parameters=parameters,
        initial_state=initial_state,
        drivers=drivers,
        source=source,
    )


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
        raise ScenarioError(_one_line(f"scenario: cannot read {p}: {exc.strerror or exc}")) from None
    data = parse_yaml(text, source=str(p))
    return parse_scenario(data, source=str(p))
