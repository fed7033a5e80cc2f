"""The durability study on the web: the example studies, a run as a background job, and its stored results.

A run is ``osteosim study``'s own code path (:func:`osteosim.analysis.study.run_study` on a
:class:`~osteosim.analysis.study_spec.StudySpec`, the report's :func:`~osteosim.report.durability.headline`
and :func:`~osteosim.report.durability.conclusions`); this module only chooses the spec (an example by
name, or a mapping, with the page's smaller draws / cohort / span), turns the result into JSON
(:func:`result_payload`) and keeps that JSON by the spec's hash in the user cache dir, so a spec that
has run once (the default study, typically) is answered at once.

The cache key is the effective study mapping plus the package's version and a digest of its source and
data files: any change to the model, its parameters or the study code gives a new key, so a stored
answer is always the one a new run would give.  Each entry is written to a temporary file and renamed.
"""
from __future__ import annotations

import copy
import functools
import hashlib
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..io_utils import atomic_write_json, to_jsonable
from .runner import _rounded
from .schemas import Limits

__all__ = ["STUDIES_DIR", "default_cache_dir", "study_list", "study_mapping", "prepare_study", "spec_key",
           "cached_result", "study_target", "result_payload", "run_steps"]

#: the example studies shipped with the repository (server-owned; a client picks one by name)
STUDIES_DIR = Path(__file__).resolve().parents[3] / "examples" / "studies"
#: the package whose source and data files the cache key digests
_PACKAGE = Path(__file__).resolve().parents[1]
_DIGESTED = (".py", ".json", ".csv", ".yaml", ".yml", ".j2")
#: series of one regimen and site in a result's ``curves`` (analysis.study._curves columns)
CURVE_SERIES = ("bmd_pct", "bmd_pct_p05", "bmd_pct_p50", "bmd_pct_p95", "strength_pct")


def default_cache_dir() -> Path:
    """``$OSTEOSIM_STUDY_CACHE``, else ``~/.cache/osteosim/studies`` (beside the JAX compile cache)."""
    return Path(os.environ.get("OSTEOSIM_STUDY_CACHE") or Path.home() / ".cache" / "osteosim" / "studies")


# ----------------------------------------------------------------------------
# the example studies


def _read(path: Path) -> dict[str, Any] | None:
    from ..validation import parse_yaml

    try:
        data = parse_yaml(path.read_text(encoding="utf-8"), source=path.name)
    except (OSError, ValueError):
        return None  # a study being written right now; listed once it reads
    return data if isinstance(data, dict) else None


def study_list(cache_dir: Path) -> list[dict[str, Any]]:
    """``examples/studies/*.yaml``: name, title, regimens, the defaults, and whether the default has a stored result."""
    out = []
    for path in sorted(STUDIES_DIR.glob("*.yaml")) if STUDIES_DIR.is_dir() else ():
        data = _read(path)
        if data is None:
            continue
        cohort = data.get("cohort") if isinstance(data.get("cohort"), dict) else None
        out.append({"name": path.stem, "title": str(data.get("name", path.stem)),
                    "regimens": list(data.get("regimens") or {}), "reference": data.get("reference"),
                    "years": data.get("years"), "draws": data.get("draws", 32), "seed": data.get("seed", 2026),
                    "cohort_n": cohort.get("n", 16) if cohort else 0,
                    "sensitivity": data.get("sensitivity") is not None, "site": data.get("site", "lumbar_spine"),
                    "stored": (cache_dir / f"{spec_key(data)}.json").is_file()})
    return out


def study_mapping(name: str) -> dict[str, Any] | None:
    """One example study's mapping (the YAML as JSON), or None when there is no such study."""
    path = STUDIES_DIR / f"{name}.yaml"
    if not name.replace("_", "").replace("-", "").isalnum() or not path.is_file():
        return None
    data = _read(path)
    return None if data is None else to_jsonable(data)


# ----------------------------------------------------------------------------
# the spec of a run


def _names() -> str:
    return ", ".join(p.stem for p in sorted(STUDIES_DIR.glob("*.yaml"))) if STUDIES_DIR.is_dir() else ""


def prepare_study(body: dict[str, Any], limits: Limits) -> dict[str, Any]:
    """The effective study mapping of a ``POST /api/studies/runs`` body: the example (or the given mapping) with
    the body's overrides, checked by :class:`StudySpec` and the server's caps (``InputError`` naming the field)."""
    from ..analysis.study_spec import StudySpec
    from .tasks import InputError

    if (body.get("study") is None) == (body.get("spec") is None):
        raise InputError("study, spec: give exactly one (a study name from GET /api/studies, or a study mapping)")
    if body.get("study") is not None:
        mapping = study_mapping(body["study"])
        if mapping is None:
            raise InputError(f"study: unknown study {body['study']!r} (allowed: {_names() or 'none'})")
    else:
        mapping = copy.deepcopy(body["spec"])
        if not isinstance(mapping, dict):
            raise InputError(f"spec: {type(mapping).__name__} is not allowed (a study mapping)")
    for key in ("years", "draws", "seed"):
        if body.get(key) is not None and mapping.get(key) != body[key]:  # 10.0 == 10: the same spec, the same key
            mapping[key] = body[key]
    if body.get("regimens") is not None:
        mapping["regimens"] = _subset(mapping.get("regimens"), body["regimens"], mapping.get("reference"))
    if body.get("cohort_n") is not None:
        if body["cohort_n"] == 0:
            mapping.pop("cohort", None)
        elif isinstance(mapping.get("cohort"), dict):
            mapping["cohort"]["n"] = body["cohort_n"]
        else:
            raise InputError(f"cohort_n: {body['cohort_n']!r} is not allowed (this study has no cohort: 0 or leave "
                             "it out)")
    if body.get("sensitivity") is False:
        mapping.pop("sensitivity", None)
    try:
        spec = StudySpec.from_mapping(mapping)
    except ValueError as exc:
        raise InputError(" ".join(str(exc).split())) from None
    _check_caps(spec, limits)
    return to_jsonable(mapping)


def _subset(regimens: Any, keep: list[str], reference: Any) -> dict[str, Any]:
    from .tasks import InputError

    if not isinstance(regimens, dict):
        raise InputError("regimens: the study has no regimens mapping to choose from")
    unknown = [k for k in keep if k not in regimens]
    if unknown:
        raise InputError(f"regimens: {', '.join(map(repr, unknown))} not a regimen of the study (allowed: "
                         f"{', '.join(regimens)})")
    ref = reference if reference is not None else next((k for k, v in regimens.items() if not v), None)
    if ref is not None and ref not in keep:
        raise InputError(f"regimens: {keep!r} is not allowed (it must keep the reference, {ref!r})")
    return {k: v for k, v in regimens.items() if k in keep}  # the study's order


def _check_caps(spec, limits: Limits) -> None:
    from .tasks import InputError

    def over(field: str, value: float, cap: float) -> None:
        if value > cap:
            raise InputError(f"{field}: {value:g} is outside the range this server accepts (at most {cap:g}; use "
                             "`osteosim study` for larger studies)")

    over("years", spec.years, limits.max_study_years)
    over("draws", spec.draws, limits.max_study_draws)
    over("regimens", len(spec.regimens), limits.max_study_regimens)
    if spec.cohort is not None:
        over("cohort.n", spec.cohort.n, limits.max_study_cohort)
    if spec.sensitivity is not None:
        over("sensitivity.n", spec.sensitivity.n, limits.max_study_sensitivity_n)


# ----------------------------------------------------------------------------
# the cache


@functools.lru_cache(maxsize=1)
def _code_digest() -> str:
    """sha256 over the package's source and data files (relative path and bytes), once per process."""
    from .. import __version__

    h = hashlib.sha256(__version__.encode())
    for path in sorted(p for p in _PACKAGE.rglob("*") if p.suffix in _DIGESTED and "static" not in p.parts):
        h.update(str(path.relative_to(_PACKAGE)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def spec_key(mapping: dict[str, Any]) -> str:
    """The cache key of a study mapping: its canonical JSON and the code that would run it."""
    text = json.dumps(to_jsonable(mapping), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{_code_digest()}\n{text}".encode()).hexdigest()[:32]


def cached_result(mapping: dict[str, Any], cache_dir: Path) -> dict[str, Any] | None:
    """The stored result of this mapping, or None (no entry, or an unreadable one: it is run again)."""
    path = cache_dir / f"{spec_key(mapping)}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


# ----------------------------------------------------------------------------
# the run


def run_steps(mapping: dict[str, Any]) -> int:
    """How many progress messages :func:`osteosim.analysis.study.run_study` sends for this mapping: one per
    regimen, one for the cohort, one for the sensitivity screen."""
    return len(mapping["regimens"]) + int(mapping.get("cohort") is not None) + int(mapping.get("sensitivity")
                                                                                   is not None)


def study_target(payload: dict[str, Any], out_dir: Path, progress: Callable[..., None],
                 should_stop: Callable[[], bool]) -> dict[str, Any]:
    """Job target (runs in a job process): ``run_study`` on the mapping; its JSON is stored in the cache.

    ``run_study`` says what it starts (a regimen, the cohort, the screen): each message is one step of the
    progress bar, and a cancel takes effect at the next step."""
    from ..analysis.study import run_study
    from ..analysis.study_spec import StudySpec
    from .jobs import Cancelled

    mapping = payload["study"]
    spec = StudySpec.from_mapping(mapping)
    total = run_steps(mapping)
    step = 0

    def say(message: str) -> None:
        nonlocal step
        if should_stop():
            raise Cancelled()
        progress(min(step, total), total, message)
        step += 1

    res = run_study(spec, progress=say)
    progress(total, total, "done")
    out = result_payload(res, mapping)
    _store(Path(payload["cache_dir"]), spec_key(mapping), out)
    return out


#: stored results kept (about 0.1-0.5 MB each); beyond this the least recently written go
MAX_STORED = 100


def _store(cache_dir: Path, key: str, out: dict[str, Any]) -> None:
    """Keep ``out`` under ``key`` (temporary file, then rename) and drop the oldest beyond :data:`MAX_STORED`.
    A store that cannot be written costs only the instant answer next time, not this result."""
    try:
        atomic_write_json(cache_dir / f"{key}.json", out, indent=None)
        stored = sorted(cache_dir.glob("*.json"), key=lambda p: p.stat().st_mtime)
        for old in stored[: max(0, len(stored) - MAX_STORED)]:
            old.unlink(missing_ok=True)
    except OSError as exc:
        print(f"osteosim: the study result was not stored in {cache_dir}: {exc}", file=sys.stderr, flush=True)


def result_payload(res, mapping: dict[str, Any]) -> dict[str, Any]:
    """What ``GET /api/studies/runs/{id}`` answers for a finished run (:class:`~osteosim.analysis.study.StudyResult`).

    ``headline``: the CLI's table (headline.csv); ``table``: every column per regimen (table.csv: BMD and
    strength at the end, fractures prevented with the parameter band, how long the benefit lasts, the cohort
    percentiles); ``curves``: regimen -> site -> BMD % change (nominal, p05, p50, p95) and strength % change
    over ``t_years``; ``sensitivity``: the screen's summary with its top three and ``indices``; ``conclusions``:
    the report's sentences built from the numbers; ``scope`` and ``limitations``: what the model can and cannot
    conclude."""
    from ..report.durability import LIMITATIONS, SCOPE, conclusions, headline

    spec = res.spec
    summary = to_jsonable(res.summary)
    head = headline(res.table, spec.site)
    curves: dict[str, Any] = {}
    t_years: list[float | None] = []
    for (name, site), c in res.curves.groupby(["regimen", "site"], sort=False):
        t_years = _rounded(c["t_years"].to_numpy())
        curves.setdefault(name, {})[site] = {k: _rounded(c[k].to_numpy()) for k in CURVE_SERIES}
    indices = getattr(res.sensitivity, "indices_", None)
    return {
        "name": spec.name,
        "spec": to_jsonable(mapping),
        "spec_key": spec_key(mapping),
        "years": spec.years, "draws": spec.draws, "seed": spec.seed, "reference": spec.reference,
        "site": spec.site, "regimens": list(spec.regimens),
        "headline": {"columns": list(head.columns), "rows": to_jsonable(head.to_dict(orient="records"))},
        "table": to_jsonable(res.table.to_dict(orient="records")),
        "t_years": t_years,
        "curves": curves,
        "sensitivity": summary.get("sensitivity"),
        "indices": None if indices is None else to_jsonable(indices.head(10).to_dict(orient="records")),
        "conclusions": conclusions(res.table, res.summary),
        "scope": SCOPE,
        "limitations": list(LIMITATIONS),
        "summary": summary,
    }
