"""Parameter-uncertainty ensembles: ``osteosim simulate --ensemble N``.

Which parameters are uncertain
    Parameters that carry a plausible range (``Parameter.bounds``) and that no
    calibration constrains: the MSC set (``parameters/msc2026.py``) when the
    regimen gives MSCs, and the drug parameters of ``Therapies2026`` when it
    gives a drug (no therapy: nothing is uncertain, the band is the nominal run).  Parameters
    a calibration module fits (``FittedValues``: source "fitted by ...", or
    "assumption: unfitted starting value" while the fit has not stored them) are
    *not* sampled: their bounds are the search box of the fit, not a credible
    range, and the fitted effect strengths were fitted with these values held
    fixed, so drawing them over the box would undo the agreement with the trials
    (the natural-history parameters likewise).  A drug parameter with bounds that
    is a stated assumption outside the fit (today ``reserve_renewal``) is sampled;
    one that does not act on the regimen leaves the band unchanged.
    :func:`uncertain_parameters` states the rule in code; the summary lists what
    was drawn.

Distribution
    A scrambled Latin hypercube (:class:`scipy.stats.qmc.LatinHypercube`) over the
    unit cube, one axis per uncertain parameter, mapped through each parameter's prior
    (``Parameter.prior.ppf``, parameters/priors.py: the MSC priors cite their evidence);
    a parameter with bounds but no stated prior gets
    :func:`~osteosim.parameters.priors.default_prior` (log-uniform when the range is
    positive and spans at least a factor of 10, uniform otherwise).  The generator is seeded (``--seed``, default
    :data:`DEFAULT_SEED`): the same seed gives the same draws and numbers.

Solve
    The nominal (central) run is the plain :meth:`Simulation.solve`; its columns
    stay the main columns.  All N draws are solved in one batched call,
    :func:`~osteosim.solve.integrate.solve_chunked` (one lane per draw, built by
    :func:`osteosim.runs.build_run` with ``reference="lane"``: each draw with its own
    parameters, its own reference state and its own drivers, since MSC dose tables
    depend on the MSC parameters; compiled blocks of :data:`BLOCK` lanes, bit-identical
    whatever N), from the young-adult peak like the plain run.  BMD and
    T-score percentiles (5, 50, 95) over the draws become ``<column>_p05``,
    ``<column>_p50``, ``<column>_p95``.  Draws whose solve fails are left out
    of the percentiles and counted in the summary.  With N = 1 nothing is
    sampled: the one member is the nominal run.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import qmc

from ..parameters.priors import LogUniform, Prior, default_prior
from ..physiology.patient import SITES
from ..runs import Lane, as_regimen, build_run
from ..units import DAYS_PER_YEAR
from . import densitometry as dens
from .columns import AGE, BAND_QUANTILES, BMD, T_YEARS, TSCORE, band_name, band_names
from .patient_run import relative_bmd

__all__ = ["DEFAULT_SEED", "PERCENTILES", "BLOCK", "UncertainParameter", "uncertain_parameters",
           "sample_parameters", "band_columns", "run_ensemble"]

#: seed of the Latin hypercube when none is given
DEFAULT_SEED = 20260
#: percentiles reported (column suffixes _p05, _p50, _p95)
PERCENTILES = (5.0, 50.0, 95.0)
#: lanes per compiled call: the solver's smallest bucket, which the plain run compiles anyway.
#: On CPU, narrow blocks cost less than one wide batch: each block stops at its own slowest lane,
#: and no new width is compiled (measured, 96 MSC lanes on 2 busy cores: 8-lane blocks 9.6 s;
#: 32-lane blocks 21 s plus 55 s to compile the new width).
BLOCK = 8


@dataclass(frozen=True)
class UncertainParameter:
    """One sampled parameter: its range (the parameter's unit) and its prior (default: from the range)."""

    name: str
    low: float
    high: float
    nominal: float
    unit: str = ""
    source: str = ""
    prior: Prior | None = None

    def __post_init__(self) -> None:
        if self.prior is not None and self.prior.support != (self.low, self.high):
            raise ValueError(f"ensemble parameter {self.name!r}: range ({self.low:g}, {self.high:g}) differs from "
                             f"its prior's support {self.prior.support} (allowed: the same)")

    @property
    def distribution(self) -> Prior:
        return self.prior if self.prior is not None else default_prior((self.low, self.high))

    @property
    def log(self) -> bool:
        return isinstance(self.distribution, LogUniform)

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        """Map points of [0, 1) through the prior's inverse CDF."""
        return self.distribution.ppf(u)

    def to_dict(self) -> dict:
        d = self.distribution
        return {"name": self.name, "low": self.low, "high": self.high, "nominal": self.nominal,
                "distribution": str(d), "prior_source": d.source, "unit": self.unit, "source": self.source}


#: how FittedValues marks the parameters a calibration module owns (fitted, or its starting value)
_CALIBRATED_SOURCES = ("fitted", "assumption: unfitted starting value")


def _is_calibrated(source: str) -> bool:
    return source.startswith(_CALIBRATED_SOURCES)


def _candidate_sets(regimen) -> list:
    """Parameter sets whose bounded, uncalibrated parameters are uncertain for this regimen."""
    from ..parameters.msc2026 import MSC2026
    from ..parameters.therapies2026 import THERAPIES2026

    given = list(regimen or [])
    sets = []
    if any(pr.is_msc for pr in given):
        sets.append(MSC2026)
    if any(not pr.is_msc for pr in given):
        sets.append(THERAPIES2026)
    return sets


def uncertain_parameters(parameters, regimen=None) -> list[UncertainParameter]:
    """The parameters an ensemble samples for this regimen (rule: module docstring).

    ``parameters``: the run's ParameterSet (values and sources are taken from it, so a
    scenario override that pins a parameter removes it from the draws: its source is then
    "user override" and its value is no longer the centre of the range).
    """
    out = []
    for pset in _candidate_sets(regimen):
        for name in pset:
            if name not in parameters:
                continue
            prm = parameters[name]
            if prm.bounds is None or _is_calibrated(prm.source) or prm.source == "user override":
                continue
            lo, hi = (float(b) for b in prm.bounds)
            out.append(UncertainParameter(name, lo, hi, prm.value, prm.unit, prm.source, prm.prior))
    return out


def sample_parameters(uncertain: Sequence[UncertainParameter], n: int,
                      seed: int = DEFAULT_SEED) -> dict[str, np.ndarray]:
    """name -> (n,) values: a scrambled Latin hypercube mapped through each prior's ppf."""
    if n < 1:
        raise ValueError(f"ensemble: {n} draws is not allowed (a whole number >= 1)")
    if not uncertain:
        return {}
    u = qmc.LatinHypercube(d=len(uncertain), seed=np.random.default_rng(seed)).random(n)
    return {up.name: up.from_unit(u[:, j]) for j, up in enumerate(uncertain)}


def band_columns() -> list[str]:
    """The columns that get percentile bands: BMD (g/cm^2) and T-score per site."""
    return list(band_names())


def _bmd_tscore(model, ys: np.ndarray, p: Mapping[str, float], patient) -> dict[str, np.ndarray]:
    """BMD and T-score per site for a batch of lanes; ys (L, T, n_states) -> name -> (L, T).

    The measured baseline rescales each lane's peak so that lane's BMD at the start age
    equals the measurement (as in run_patient).
    """
    out = {}
    for site in SITES:
        rel = relative_bmd(model, ys, site)  # (L, T)
        out[BMD.name(site)] = dens.baseline_peak(patient, p, site, rel[:, :1]) * rel
        out[TSCORE.name(site)] = dens.tscore(out[BMD.name(site)], p, site)
    return out


def _percentiles(a: np.ndarray) -> np.ndarray:
    """(3, ...) percentiles over the first axis (draws)."""
    return np.percentile(a, PERCENTILES, axis=0)


def run_ensemble(sim, n: int, seed: int = DEFAULT_SEED, uncertain: Sequence[UncertainParameter] | None = None):
    """Nominal run plus an N-draw parameter ensemble; returns the nominal Result with bands added.

    ``uncertain``: the parameters to draw (default :func:`uncertain_parameters`).
    """
    if n < 1:
        raise ValueError(f"--ensemble: {n} is not allowed (a whole number >= 1)")
    if sim.patient is None:
        raise ValueError(f"--ensemble: not available yet for the classic model {sim.model.name} (its parameters "
                         "carry no uncertainty ranges and it has no BMD or T-score); use a patient scenario")
    result = sim.solve()
    model, patient = sim.model, sim.patient
    df = result.timeseries
    regimen = as_regimen(sim.regimen)
    pset = result.parameters  # the species' set, with the scenario's overrides
    uncertain = list(uncertain_parameters(pset, regimen) if uncertain is None else uncertain)
    p_nom = pset.values_dict()
    cols = band_columns()
    failed = 0
    sampled = n > 1 and bool(uncertain)
    if not sampled:  # nothing to sample: every member is the nominal run
        values = {c: df[c].to_numpy()[None] for c in cols}
    else:
        draws = sample_parameters(uncertain, n, seed)
        # each draw moves its own reference state (reference="lane"), unlike the nominal run
        lanes = [Lane(patient, regimen, params={k: float(v[i]) for k, v in draws.items()}, drivers=sim.drivers)
                 for i in range(n)]
        years = float(df[T_YEARS.name()].iloc[-1])
        run = build_run(model, lanes, p_nom, ts=df[AGE.name()].to_numpy() * DAYS_PER_YEAR, years=years, reference="lane")
        sol = run.solve(sim.solver_options, block=BLOCK)
        ok = np.asarray(sol.ok, dtype=bool)
        failed = int((~ok).sum())
        if not ok.any():
            raise RuntimeError(f"ensemble: the solver failed for all {n} draws")
        values = _bmd_tscore(model, sol.ys[ok], p_nom, patient)
    bands = {c: _percentiles(values[c]) for c in cols}
    # each band right after its column (the nominal value stays the main column)
    for c in reversed(cols):
        at = df.columns.get_loc(c) + 1
        for j, quantile in reversed(list(enumerate(BAND_QUANTILES))):
            df.insert(at, band_name(c, quantile), bands[c][j])
    first = {c: values[c][:, 0] for c in cols}
    last = {c: values[c][:, -1] for c in cols}
    pct = lambda a: dict(zip(BAND_QUANTILES, (float(x) for x in _percentiles(a))))  # noqa: E731
    result.summary["ensemble"] = {
        "draws": n,
        "failed_draws": failed,
        "seed": seed if sampled else None,
        "method": ("nominal run only (N = 1 or no uncertain parameter for this regimen)" if not sampled else
                   "scrambled Latin hypercube (scipy.stats.qmc) mapped through each parameter's prior (its ppf; "
                   "without a stated prior: log-uniform over ranges spanning >= 10x, uniform otherwise); "
                   "percentiles over the draws, the nominal run stays the main column"),
        "parameters": [up.to_dict() for up in uncertain] if sampled else [],
        "not_sampled": "parameters calibrated to published targets (natural history, drug effect strengths): "
                       "their bounds are the fit's search box, not a credible range",
        "final": {c: pct(last[c]) for c in cols},
        "bmd_pct_change": {s: pct(100.0 * (last[BMD.name(s)] / first[BMD.name(s)] - 1.0)) for s in SITES},
    }
    return result
