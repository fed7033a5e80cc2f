"""The durability study file (``examples/studies/durability.yaml``): read and checked, errors naming field and value.

::

    name: durability
    patient: {age: 65, sex: female, tscore_lumbar_spine: -2.7}   # osteosim.Patient fields
    years: 10                 # span after the start (0 < years <= 30)
    draws: 32                 # parameter-uncertainty draws per regimen (outcomes.ensemble.run_ensemble)
    seed: 2026
    reference: no_treatment   # the regimen every other is compared with (usually [])
    site: lumbar_spine        # the site whose BMD gain defines the benefit's duration
    regimens:                 # name -> regimen lines (osteosim therapies)
      no_treatment: []
      msc_marrow_io_once: ["msc bone-marrow autologous 5e6 cells intraosseous once site lumbar_spine"]
    sensitivity:              # optional: which parameters move the gap between the best MSC and the best drug
      parameters: [msc_io_retention, msc_niche_capacity]
      method: morris
      n: 4
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ..physiology.patient import SITES, Patient
from ..therapies.regimen import parse_regimen
from .durability import DEFAULT_FLOOR_PP, DEFAULT_FRACTION

__all__ = ["StudyError", "StudySpec", "SensitivitySpec", "CohortSpec", "QUICK", "COHORT_FIELDS"]

#: what --quick changes: a short span, few draws, a small screening design
QUICK = {"years": 3.0, "draws": 4, "sensitivity_n": 4, "sensitivity_parameters": 3, "cohort_n": 3}
_KEYS = ("name", "patient", "years", "draws", "seed", "reference", "site", "regimens", "sensitivity", "fraction",
         "floor_pp", "cohort")
#: patient fields a cohort may vary (uniform over [low, high] per woman)
COHORT_FIELDS = ("age", "bmi", "menopause_age", "tscore_lumbar_spine", "tscore_total_hip", "tscore_femoral_neck")
_SENS_KEYS = ("parameters", "method", "n")
_METHODS = ("morris", "sobol")


class StudyError(ValueError):
    """A study file that cannot be run; ``str(err)`` names the field, the value and what is allowed."""


@dataclass(frozen=True)
class SensitivitySpec:
    parameters: tuple[str, ...]
    method: str = "morris"
    n: int = 8


@dataclass(frozen=True)
class CohortSpec:
    """Patient variability: ``n`` women, each a copy of the study's patient with the ``ranges`` fields drawn
    uniformly (seeded); every regimen is run for each woman with the nominal parameters."""

    n: int
    seed: int
    ranges: dict[str, tuple[float, float]]


@dataclass(frozen=True)
class StudySpec:
    name: str
    patient: Patient
    years: float
    regimens: dict[str, list[str]]
    reference: str
    draws: int = 32
    seed: int = 2026
    site: str = "lumbar_spine"
    fraction: float = DEFAULT_FRACTION
    floor_pp: float = DEFAULT_FLOOR_PP
    sensitivity: SensitivitySpec | None = None
    cohort: CohortSpec | None = None
    patient_fields: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_mapping(cls, data: Any) -> "StudySpec":
        if not isinstance(data, Mapping):
            raise StudyError(f"study: {type(data).__name__} is not allowed (a mapping with keys {', '.join(_KEYS)})")
        unknown = sorted(set(data) - set(_KEYS))
        if unknown:
            raise StudyError(f"study: unknown key(s) {', '.join(map(str, unknown))}; allowed: {', '.join(_KEYS)}")
        for key in ("patient", "years", "regimens"):
            if key not in data:
                raise StudyError(f"{key}: missing (required keys: patient, years, regimens)")
        years = _number("years", data["years"], 0.0, 30.0, low_open=True)
        draws = _whole("draws", data.get("draws", 32), 1, 512)
        seed = _whole("seed", data.get("seed", 2026), 0, 2 ** 32 - 1)
        fraction = _number("fraction", data.get("fraction", DEFAULT_FRACTION), 0.0, 1.0, low_open=True, high_open=True)
        floor_pp = _number("floor_pp", data.get("floor_pp", DEFAULT_FLOOR_PP), 0.0, 50.0)
        site = data.get("site", "lumbar_spine")
        if site not in SITES:
            raise StudyError(f"site: {site!r} is not allowed; allowed: {', '.join(SITES)}")
        patient_fields = data["patient"]
        if not isinstance(patient_fields, Mapping):
            raise StudyError(f"patient: {patient_fields!r} is not allowed (a mapping of Patient fields, e.g. "
                             "{age: 65, sex: female, tscore_lumbar_spine: -2.7})")
        try:
            patient = Patient(**patient_fields)
        except ValueError as exc:
            from ..validation import format_validation_error

            raise StudyError(format_validation_error(exc, "patient", Patient) if hasattr(exc, "errors") else
                             f"patient: {exc}") from None
        if patient.species != "human":
            raise StudyError(f"patient.species: {patient.species!r} is not allowed (human: the fracture model is human)")
        regimens = _regimens(data["regimens"])
        reference = data.get("reference", next((k for k, v in regimens.items() if not v), None))
        if reference not in regimens:
            raise StudyError(f"reference: {reference!r} is not a regimen of the study; allowed: {', '.join(regimens)}")
        return cls(name=str(data.get("name", "durability")), patient=patient, years=years, regimens=regimens,
                   reference=reference, draws=draws, seed=seed, site=site, fraction=fraction, floor_pp=floor_pp,
                   sensitivity=_sensitivity(data.get("sensitivity")), cohort=_cohort(data.get("cohort"), patient),
                   patient_fields=dict(patient_fields))

    def quick(self) -> "StudySpec":
        """The same study on a short span with few draws (``--quick``: tests, a first look)."""
        sens = self.sensitivity
        if sens is not None:
            sens = replace(sens, method="morris", n=QUICK["sensitivity_n"],
                           parameters=sens.parameters[:QUICK["sensitivity_parameters"]])
        cohort = self.cohort if self.cohort is None else replace(self.cohort, n=min(self.cohort.n, QUICK["cohort_n"]))
        return replace(self, years=min(self.years, QUICK["years"]), draws=min(self.draws, QUICK["draws"]),
                       sensitivity=sens, cohort=cohort)


def _number(name: str, value: Any, low: float, high: float, low_open: bool = False, high_open: bool = False) -> float:
    allowed = f"a number {'>' if low_open else '>='} {low:g} and {'<' if high_open else '<='} {high:g}"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise StudyError(f"{name}: {value!r} is not allowed ({allowed})")
    v = float(value)
    if not ((v > low if low_open else v >= low) and (v < high if high_open else v <= high)):
        raise StudyError(f"{name}: {value!r} is not allowed ({allowed})")
    return v


def _whole(name: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise StudyError(f"{name}: {value!r} is not allowed (a whole number from {low} to {high})")
    return int(value)


def _regimens(data: Any) -> dict[str, list[str]]:
    if not isinstance(data, Mapping) or not data:
        raise StudyError(f"regimens: {data!r} is not allowed (a mapping name -> list of regimen lines; [] for no "
                         "treatment)")
    out: dict[str, list[str]] = {}
    for name, lines in data.items():
        if not isinstance(name, str) or not name.replace("_", "").isalnum():
            raise StudyError(f"regimens: name {name!r} is not allowed (letters, digits and _)")
        if lines is None:
            lines = []
        if isinstance(lines, str):
            lines = [lines]
        if not isinstance(lines, list) or not all(isinstance(x, str) for x in lines):
            raise StudyError(f"regimens.{name}: {lines!r} is not allowed (a list of regimen lines, e.g. "
                             "['alendronate 70 mg weekly for 5 years'])")
        try:
            parse_regimen(lines, where=f"regimens.{name}")
        except ValueError as exc:
            raise StudyError(str(exc)) from None
        out[name] = list(lines)
    if len(out) < 2:
        raise StudyError(f"regimens: {len(out)} regimen is not allowed (two or more: a reference and a treatment)")
    return out


def _sensitivity(data: Any) -> SensitivitySpec | None:
    if data is None:
        return None
    if not isinstance(data, Mapping):
        raise StudyError(f"sensitivity: {data!r} is not allowed (a mapping with keys {', '.join(_SENS_KEYS)})")
    unknown = sorted(set(data) - set(_SENS_KEYS))
    if unknown:
        raise StudyError(f"sensitivity: unknown key(s) {', '.join(map(str, unknown))}; allowed: {', '.join(_SENS_KEYS)}")
    params = data.get("parameters")
    if not isinstance(params, list) or not params or not all(isinstance(p, str) for p in params):
        raise StudyError(f"sensitivity.parameters: {params!r} is not allowed (a list of parameter names, osteosim "
                         "params)")
    method = data.get("method", "morris")
    if method not in _METHODS:
        raise StudyError(f"sensitivity.method: {method!r} is not allowed; allowed: {', '.join(_METHODS)}")
    n = _whole("sensitivity.n", data.get("n", 8), 4, 4096)
    from .methods import check_n

    try:
        check_n(method, n)
    except ValueError as exc:
        raise StudyError(f"sensitivity.{exc}") from None
    # checked now, not after every regimen has run
    from ..models.base import get_model

    known = get_model("Osteosim").default_parameters()
    unknown = [p for p in params if p not in known]
    if unknown:
        raise StudyError(f"sensitivity.parameters: {', '.join(map(repr, unknown))} not a parameter of the model "
                         "(allowed: the names osteosim params Osteosim lists, e.g. msc_io_retention)")
    return SensitivitySpec(tuple(params), method, n)


def _cohort(data: Any, patient: Patient) -> CohortSpec | None:
    if data is None:
        return None
    if not isinstance(data, Mapping):
        raise StudyError(f"cohort: {data!r} is not allowed (a mapping: n, seed and [low, high] ranges of "
                         f"{', '.join(COHORT_FIELDS)})")
    unknown = sorted(set(data) - {"n", "seed", *COHORT_FIELDS})
    if unknown:
        raise StudyError(f"cohort: unknown key(s) {', '.join(map(str, unknown))}; allowed: n, seed, "
                         f"{', '.join(COHORT_FIELDS)}")
    n = _whole("cohort.n", data.get("n", 16), 2, 1000)
    seed = _whole("cohort.seed", data.get("seed", 1), 0, 2 ** 32 - 1)
    ranges = {}
    for name in COHORT_FIELDS:
        if name not in data:
            continue
        rng = data[name]
        if (not isinstance(rng, list) or len(rng) != 2 or any(isinstance(x, bool) or not isinstance(x, (int, float))
                                                               for x in rng) or not rng[0] < rng[1]):
            raise StudyError(f"cohort.{name}: {rng!r} is not allowed (a range [low, high] with low < high)")
        ranges[name] = (float(rng[0]), float(rng[1]))
        for x in rng:  # each end must make a valid patient
            try:
                Patient(**{**patient.model_dump(), name: float(x)})
            except ValueError:
                raise StudyError(f"cohort.{name}: {rng!r} is not allowed ({x} is not a valid patient {name})") from None
    if not ranges:
        raise StudyError(f"cohort: no range given (give [low, high] for one or more of {', '.join(COHORT_FIELDS)})")
    return CohortSpec(n, seed, ranges)
