"""What the routes do, apart from HTTP: reference listings, trial preparation and job target, healing runs.

Functions that build models or solve run on the model thread (see
:mod:`osteosim.web.runner`); :func:`trial_target` runs in a job process.
"""
from __future__ import annotations

import copy
import functools
import importlib
from pathlib import Path
from typing import Any

from ..io_utils import to_jsonable
from .schemas import Limits, RiskIn

__all__ = ["InputError", "features", "model_list", "model_detail", "therapy_catalog", "citation_list", "site_list",
           "column_catalog",
           "trial_templates", "prepare_trial", "trial_target", "heal", "risk", "TEMPLATES_DIR"]

#: trial templates shipped with the repository (server-owned; a client picks one by name)
TEMPLATES_DIR = Path(__file__).resolve().parents[3] / "examples" / "trials"


class InputError(ValueError):
    """A request that the shared schemas reject (HTTP 422 with this one-line message)."""


def _one_line(exc: BaseException) -> str:
    text = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
    return " ".join(str(text).split())


def _optional(module: str, *names: str):
    """The named attributes of an optional subpackage, or None while it is not there (yet)."""
    try:
        mod = importlib.import_module(module)
    except ImportError:
        return None
    if not all(hasattr(mod, n) for n in names):
        return None
    return tuple(getattr(mod, n) for n in names)


def features() -> dict[str, bool]:
    """Which optional parts of the package this server can use."""
    return {"trials": _optional("osteosim.trials", "TrialSpec", "run_trial") is not None}


# ----------------------------------------------------------------------------
# reference listings


def _kind(obj) -> str:
    return "patient" if obj.uses_patient else "classic"


@functools.lru_cache(maxsize=1)
def model_list() -> list[dict[str, Any]]:
    from ..models.base import MODEL_REGISTRY

    out = []
    for name, cls in sorted(MODEL_REGISTRY.items()):
        inst = cls()
        out.append({"name": name, "kind": _kind(inst), "description": cls.description,
                    "states": list(inst.state_names), "n_parameters": len(inst.default_parameters())})
    return out


@functools.lru_cache(maxsize=16)
def model_detail(name: str) -> dict[str, Any] | None:
    from .. import citations
    from ..models.base import MODEL_REGISTRY

    cls = next((c for k, c in MODEL_REGISTRY.items() if k.lower() == name.lower()), None)
    if cls is None:
        return None
    inst = cls()
    ps = inst.default_parameters()
    return {
        "name": cls.name,
        "kind": _kind(inst),
        "description": cls.description,
        "states": list(inst.state_names),
        "parameter_set": {"name": ps.name, "description": ps.description},
        "parameters": [{"name": p.name, "value": p.value, "unit": p.unit, "description": p.description,
                        "source": p.source, "cite": list(p.cite),
                        "bounds": list(p.bounds) if p.bounds is not None else None,
                        "prior": ({"distribution": str(p.prior), "source": p.prior.source}
                                  if p.prior is not None else None)} for p in ps.values()],
        "citations": citations.references(ps.cited_keys()),
    }


@functools.lru_cache(maxsize=1)
def therapy_catalog() -> dict[str, Any]:
    """The catalogue as ``osteosim therapies --json`` prints it."""
    from ..therapies.catalog import MSC_DEFAULT_DONOR_AGE, MSC_DONORS, MSC_SOURCES, ROUTES, SITES, THERAPIES

    return {"therapies": [t.to_dict() for t in THERAPIES.values()],
            "msc": {"sources": MSC_SOURCES, "donors": MSC_DONORS, "default_donor_age_years": MSC_DEFAULT_DONOR_AGE,
                    "sites": list(SITES)},
            "routes": ROUTES}


def site_list() -> list[dict[str, Any]]:
    """The skeletal sites (physiology.sites) as the pages use them."""
    from ..physiology.sites import SITE_TABLE

    return [{"name": s.name, "label": s.label, "abbr": s.abbr, "color": s.color,
             "fracture_kinds": list(s.fracture_kinds)} for s in SITE_TABLE]


def column_catalog() -> dict[str, Any]:
    """Every output column as declared in osteosim.outcomes.columns."""
    from ..outcomes.columns import catalog

    return catalog()


def citation_list() -> list[dict[str, Any]]:
    from .. import citations

    return [c.to_dict() for c in citations.all_citations()]


# ----------------------------------------------------------------------------
# trials


def trial_templates() -> list[dict[str, Any]]:
    """``examples/trials/*.yaml`` as ``{"name": stem, "title": trial name, "trial": mapping}``."""
    from ..scenario import ScenarioError, parse_yaml

    out = []
    for path in sorted(TEMPLATES_DIR.glob("*.yaml")) if TEMPLATES_DIR.is_dir() else ():
        try:
            data = parse_yaml(path.read_text(encoding="utf-8"), source=path.name)
        except (OSError, ScenarioError):
            continue  # a template being written right now; listed once it reads
        if isinstance(data, dict):
            out.append({"name": path.stem, "title": str(data.get("name", path.stem)), "trial": to_jsonable(data)})
    return out


def prepare_trial(body: dict[str, Any], limits: Limits) -> dict[str, Any]:
    """Validate a ``POST /api/trials`` body into a trial mapping (InputError naming the field otherwise)."""
    TrialSpec, = _optional("osteosim.trials", "TrialSpec")
    if (body.get("template") is None) == (body.get("trial") is None):
        raise InputError("template, trial: give exactly one (a template name from GET /api/trials/templates, "
                         "or a trial mapping)")
    if body.get("template") is not None:
        found = {t["name"]: t["trial"] for t in trial_templates()}
        if body["template"] not in found:
            raise InputError(f"template: unknown template {body['template']!r} (allowed: {', '.join(found) or 'none'})")
        mapping = copy.deepcopy(found[body["template"]])
    else:
        mapping = copy.deepcopy(body["trial"])
    if body.get("patients_per_arm") is not None:
        pop = mapping.get("population")
        if not isinstance(pop, dict):
            raise InputError("population: a mapping is required to set patients_per_arm")
        pop["patients_per_arm"] = body["patients_per_arm"]
    if body.get("years") is not None:
        mapping["years"] = body["years"]
        # a shorter trial keeps the visits that still fall inside it (and always a visit at its end)
        end = round(12.0 * float(body["years"]), 6)
        visits = [v for v in mapping.get("visits_months") or [] if isinstance(v, (int, float)) and v <= end]
        mapping["visits_months"] = visits if visits and visits[-1] == end else [*visits, int(end) if end.is_integer()
                                                                                 else end]
    if body.get("seed") is not None:
        mapping["seed"] = body["seed"]
    if body.get("parameter_draws") is not None:
        unc = mapping.get("uncertainty") or {}
        if not isinstance(unc, dict):
            raise InputError("uncertainty: a mapping is required to set parameter_draws")
        mapping["uncertainty"] = {**unc, "parameter_draws": body["parameter_draws"]}
    try:
        spec = TrialSpec.from_mapping(mapping)
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(_one_line(exc)) from None
    # the spec is valid, so these fields have their contract types
    per_arm = int(mapping["population"]["patients_per_arm"])
    arms = mapping.get("arms") or {}
    if len(arms) > limits.max_trial_arms:
        raise InputError(f"arms: {len(arms)} arms; this server runs at most {limits.max_trial_arms}")
    if per_arm * max(len(arms), 1) > limits.max_trial_patients:
        raise InputError(f"population.patients_per_arm: {per_arm} x {len(arms)} arms = {per_arm * len(arms)} patients; "
                         f"this server runs at most {limits.max_trial_patients} per trial (use `osteosim trial` "
                         f"for larger trials)")
    if spec.parameter_draws > limits.max_trial_parameter_draws:
        raise InputError(f"uncertainty.parameter_draws: {spec.parameter_draws} is more than this server runs "
                         f"(at most {limits.max_trial_parameter_draws}; use `osteosim trial --parameter-draws` for more)")
    years = float(mapping.get("years", 0) or 0)
    if years > limits.max_trial_years:
        raise InputError(f"years: {years:g} is outside the range this server accepts (0, {limits.max_trial_years:g}]")
    return to_jsonable(mapping)


def trial_target(payload: dict[str, Any], out_dir: Path, progress, should_stop) -> dict[str, Any]:
    """Job target (runs in a job process): one trial into the job's own folder, Dask in-process."""
    from ..trials import TrialSpec, run_trial
    from .jobs import Cancelled

    spec = TrialSpec.from_mapping(payload["trial"])
    try:
        summary = run_trial(spec, out_dir, progress=progress, should_stop=should_stop)
    except Exception:
        if should_stop():
            raise Cancelled() from None
        raise
    return to_jsonable(summary)


# ----------------------------------------------------------------------------
# healing


#: fields shown as callus snapshots: name -> label
SNAPSHOT_FIELDS = {"m_B": "bone matrix", "m_C": "cartilage matrix", "c_M": "MSC density"}
#: snapshot times per run (evenly spread over the weeks)
SNAPSHOTS = 9
#: summary entries that are per-time arrays (sent once, as curves)
_CURVES = ("times_weeks", "tissue_fractions", "callus_mean", "gap_mean")


def _axis_mm(grid, length_scale_mm: float) -> dict[str, list[float]]:
    """Cell-centre coordinates (mm) of the snapshot image's columns (x) and rows (y)."""
    import numpy as np

    shape = grid.image_shape
    nx = shape[-1]
    col = grid.image_index % nx
    centers = np.asarray(grid.centers, dtype=float).reshape(grid.n, -1)
    # the centre coordinate that is constant down each image column is the x axis
    spread = [max(float(np.ptp(centers[col == j, d])) if np.any(col == j) else 0.0 for j in range(nx))
              for d in range(centers.shape[1])]
    dx = int(np.argmin(spread))

    def coords(index, dim, count):
        return [round(float(centers[index == j, dim].mean()) * length_scale_mm, 4) if np.any(index == j) else None
                for j in range(count)]

    out = {"x": coords(col, dx, nx)}
    if len(shape) == 2:
        out["y"] = coords(grid.image_index // nx, 1 - dx, shape[0])
    return out


def _healing_run(mapping: dict[str, Any]) -> dict[str, Any]:
    import numpy as np

    from ..healing import HealingScenario, run_healing

    try:
        scen = HealingScenario.from_mapping(mapping)
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(_one_line(exc)) from None
    res = run_healing(scen)
    summary = res.summary
    t = np.asarray(res.times_weeks, dtype=float)
    idx = np.unique(np.linspace(0, t.size - 1, min(SNAPSHOTS, t.size)).round().astype(int))
    return {
        "summary": to_jsonable({k: v for k, v in summary.items() if k not in _CURVES}),
        "times_weeks": to_jsonable(t),
        "tissue_fractions": to_jsonable(summary["tissue_fractions"]),
        "gap_mean_bone": to_jsonable(summary["gap_mean"]["m_B"]),
        "snapshots": {
            "times_weeks": to_jsonable(t[idx]),
            "fields": {name: to_jsonable(np.round(res.fields[name][idx], 4)) for name in SNAPSHOT_FIELDS},
            "labels": SNAPSHOT_FIELDS,
            "axes_mm": _axis_mm(res.grid, float(summary.get("length_scale_mm", 1.0))),
        },
    }


def heal(mapping: dict[str, Any]) -> dict[str, Any]:
    """The treated run and, when asked and there is a treatment, the same fracture untreated."""
    compare = mapping.pop("compare_untreated", True)
    out = {"scenario": mapping, "treated": _healing_run(mapping)}
    if compare and mapping.get("treatment"):
        out["untreated"] = _healing_run(dict(mapping, treatment=[]))
    return out


def risk(body: RiskIn) -> dict[str, Any]:
    """10-year hip and major osteoporotic fracture probabilities (%), with and without BMD (``osteosim risk``)."""
    from ..outcomes.fracture import HIP_SITE, RISK_AGE_RANGE, ten_year_probability
    from ..parameters.fracture_countries import country_citations, country_label

    p, lo, hi = body.patient, *RISK_AGE_RANGE
    if p.species != "human":
        raise InputError(f"patient.species: {p.species!r} is not allowed (human: the calculator's incidences are human)")
    if not lo <= p.age <= hi:
        raise InputError(f"patient.age: {p.age:g} is not allowed ({lo:g}..{hi:g} years, the range of the fracture "
                         f"model's inputs)")
    kw = {"prior_vertebral": body.prior_vertebral_fracture, "country": body.country}
    with_bmd = ten_year_probability(p, use_bmd=True, **kw) if HIP_SITE in p.measured_baseline() else None
    return {"country": body.country, "tables": country_label(body.country),
            "citations": list(country_citations(body.country)),
            "without_bmd": ten_year_probability(p, use_bmd=False, **kw), "with_bmd": with_bmd}
