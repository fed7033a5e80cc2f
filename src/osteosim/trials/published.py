"""Published trial results for the side-by-side report, read from ``osteosim/data/published_trials.yaml``.

These are *not* calibration inputs: the fracture model (osteosim.outcomes.fracture) is built
from epidemiological relative risks and incidences only, and a treatment reaches it only
through the simulated BMD.  A template's simulated placebo incidence and relative risk are
therefore predictions, and the comparison shows how far the mechanism carries.

The data file (format in its header) holds the published trials a trial file may name
(:data:`PUBLISHED_TRIALS`, key -> label) and their fracture outcomes
(:data:`PUBLISHED_FRACTURES`): trial key, fracture kind of the simulation, month of the
published count (and the month counting starts, for an off-treatment window), placebo and
treated incidence (% of patients with >= 1 fracture) or rate (per 100 patient-years; None
where the paper gives only a ratio), the published ratio and its 95 % CI (None where the source
gives none; computed from the published counts by the log method where the file says
``ci: counts``), what the ratio is (:data:`MEASURES`) and the source.  Adding a trial = rows in
the file.
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any, NamedTuple

import yaml

__all__ = ["MEASURES", "PublishedFracture", "PublishedBMDTarget", "PUBLISHED_FRACTURES", "PUBLISHED_TRIALS", "PUBLISHED_BMD_TARGETS",
           "load", "load_bmd_targets"]

DATA_FILE = "data/published_trials.yaml"
#: what a published ratio is: risk ratio of patients with >= 1 fracture, Cox hazard ratio, or the
#: ratio of fracture rates per patient-year (off-treatment windows)
MEASURES = ("RR", "HR", "rate ratio")


@dataclass(frozen=True)
class PublishedFracture:
    trial: str
    kind: str
    month: float
    placebo_pct: float | None  # % of patients with >= 1 fracture (None: a rate or only a ratio)
    treated_pct: float | None
    ratio: float
    ci: tuple[float, float] | None
    measure: str  # one of MEASURES
    source: str
    note: str = ""
    window_start: float = 0.0  # month the count starts (patients with an earlier fracture of the kind are not at risk)
    placebo_rate: float | None = None  # fractures per 100 patient-years (measure "rate ratio")
    treated_rate: float | None = None
    ci_from_counts: bool = False  # the CI is not the paper's: computed from its counts (log method, trials.stats)


class PublishedBMDTarget(NamedTuple):
    """A published BMD result of a trial: which row of calibration-targets.csv holds it."""

    id: str  # row id of data/calibration-targets.csv (value, tolerance, source)
    trial: str
    site: str
    month: float
    kind: str  # pct: treated-arm % change; vs: treated minus placebo (pp); pbo: placebo-arm % change


BMD_KINDS = ("pct", "vs", "pbo")


def _pct(arm: dict | None, where: str) -> float | None:
    """Incidence (%) of one arm: 100 events / n, or the published percentage (None: a rate or no arm)."""
    if arm is None or "rate" in arm:
        return None
    if "pct" in arm:
        return float(arm["pct"])
    try:
        return 100 * arm["events"] / arm["n"]
    except KeyError as exc:
        raise ValueError(f"{DATA_FILE}: {where}: an arm needs 'events' and 'n', or 'pct' (missing {exc})") from None


def _fracture(row: dict[str, Any], i: int, sources: dict[str, str], trials: dict[str, str]) -> PublishedFracture:
    where = f"fractures[{i}]"
    if row["trial"] not in trials:
        raise ValueError(f"{DATA_FILE}: {where}.trial: {row['trial']!r} is not allowed; allowed: {', '.join(trials)}")
    if row["source"] not in sources:
        raise ValueError(f"{DATA_FILE}: {where}.source: {row['source']!r} is not allowed; allowed: {', '.join(sources)}")
    if row["measure"] not in MEASURES:
        raise ValueError(f"{DATA_FILE}: {where}.measure: {row['measure']!r} is not allowed; allowed: {', '.join(MEASURES)}")
    placebo, treated = _pct(row.get("placebo"), where), _pct(row.get("treated"), where)
    rates = [(row.get(a) or {}).get("rate") for a in ("placebo", "treated")]
    ratio = row.get("ratio")
    if ratio is None:  # computed from the incidences (or rates)
        a, b = (placebo, treated) if placebo is not None else rates
        if a is None or b is None:
            raise ValueError(f"{DATA_FILE}: {where}.ratio: null needs both incidences or both rates")
        ratio = b / a
    ci = row.get("ci")
    if ci == "counts":  # the paper gives no CI (or none we could read): the log-method CI of its counts
        ci = _ci_from_counts(row, where)
    return PublishedFracture(row["trial"], row["kind"], row["month"], placebo, treated, float(ratio),
                             tuple(ci) if ci else None, row["measure"], sources[row["source"]], row.get("note") or "",
                             float(row.get("window_start", 0.0)), *(None if r is None else float(r) for r in rates),
                             ci_from_counts=row.get("ci") == "counts")


def _ci_from_counts(row: dict[str, Any], where: str) -> list[float]:
    from .stats import relative_risk

    try:
        p, t = row["placebo"], row["treated"]
        return relative_risk(t["events"], t["n"], p["events"], p["n"])["ci95"]
    except (KeyError, TypeError):
        raise ValueError(f"{DATA_FILE}: {where}.ci: 'counts' needs events and n in both arms") from None


def load(text: str | None = None) -> tuple[dict[str, str], tuple[PublishedFracture, ...]]:
    """(trials, fractures) of the data file (or of ``text`` in its format)."""
    data = _read(text)
    trials = {str(k): str(v) for k, v in data["trials"].items()}
    sources = {str(k): str(v) for k, v in data["sources"].items()}
    fractures = tuple(_fracture(r, i, sources, trials) for i, r in enumerate(data["fractures"]))
    return trials, fractures


def load_bmd_targets(text: str | None = None) -> tuple[PublishedBMDTarget, ...]:
    """The ``bmd_targets`` rows of the data file (or of ``text`` in its format), in file order."""
    from ..physiology.sites import SITES

    data = _read(text)
    trials = data["trials"]
    out = []
    for i, row in enumerate(data["bmd_targets"]):
        where = f"{DATA_FILE}: bmd_targets[{i}]"
        for field, value, allowed in (("trial", row["trial"], trials), ("site", row["site"], SITES),
                                      ("kind", row["kind"], BMD_KINDS)):
            if value not in allowed:
                raise ValueError(f"{where}.{field}: {value!r} is not allowed; allowed: {', '.join(allowed)}")
        out.append(PublishedBMDTarget(str(row["id"]), row["trial"], row["site"], row["month"], row["kind"]))
    return tuple(out)


def _read(text: str | None) -> dict[str, Any]:
    if text is None:
        text = resources.files("osteosim").joinpath(DATA_FILE).read_text(encoding="utf-8")
    return yaml.safe_load(text)


#: published trials of the reference a trial file may name (key -> label), and their fracture outcomes in file order
PUBLISHED_TRIALS, PUBLISHED_FRACTURES = load()
#: the BMD results of those trials (rows of calibration-targets.csv), in file order
PUBLISHED_BMD_TARGETS = load_bmd_targets()
