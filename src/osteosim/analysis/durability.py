"""The measures of the durability study: how long a benefit lasts after the last dose, expected fractures.

Pure functions on arrays and time series (no solving), so each is checked on a curve with a known answer
(``tests/analysis/test_durability.py``).  The study that uses them: :mod:`osteosim.analysis.study`.

Benefit duration after the last dose
    ``gain(t)``: the regimen's spine BMD change from baseline minus the untreated reference's, in
    percentage points, on the study's time grid (years from the start).  ``peak``: its largest value over
    the run.  The benefit *lasts* from the last dose until the first time after both the last dose and the
    peak at which the gain falls below ``max(fraction * peak, floor_pp)`` (default half the peak, and never
    below 1 percentage point, which is about the DXA least significant change at the spine); linear
    interpolation between grid points.  Three outcomes: a number of years; *censored* (the gain is still
    above the threshold at the end of the run, so the duration is at least ``end - last dose``: continued
    treatment is always censored); *no benefit* (the peak is below ``floor_pp``, or not above 0).
    With ``floor_pp=0`` the measure is the gain's half-life after the last dose, whatever its size (the
    study reports both: a tiny gain can last long).

Expected fractures per 1,000 women
    The hazards of :class:`osteosim.outcomes.fracture.FractureModel` (the model the virtual trials sample
    events from, ``hazard="bmd"``: each kind's incidence times the gradient of risk per SD of age-matched
    BMD at its site, risk factors, prevalent fractures; ``setting="general"``: the epidemiological
    incidences, not the trial-volunteer factor) along the run's T-scores, integrated with death as a
    competing risk: ``E = 1000 * sum_k int_0^T lambda_k(t) S(t) dt``, ``S(t) = exp(-int_0^t mu)``.  This is
    the expected count of fractures of all four kinds (vertebral, hip, wrist, other) without the imminent
    rise of risk after a fracture (a first-order count: the trials' sampled events add that rise), so
    ``prevented = E(reference) - E(regimen)`` is the expected number of fractures a regimen avoids.
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..outcomes.columns import AGE, T_YEARS, TSCORE
from ..outcomes.fracture import KIND_SITES, KINDS, FractureModel, RiskFactors
from ..therapies.regimen import parse_regimen
from ..units import DAYS_PER_YEAR

__all__ = ["BenefitDuration", "benefit_duration", "last_dose_years", "expected_fractures", "PER_WOMEN",
           "DEFAULT_FRACTION", "DEFAULT_FLOOR_PP"]

#: fractures are counted per this many women
PER_WOMEN = 1000.0
#: the benefit has ended when the gain falls below this share of its peak ...
DEFAULT_FRACTION = 0.5
#: ... or below this many percentage points of spine BMD (about the spine's DXA least significant change)
DEFAULT_FLOOR_PP = 1.0


@dataclass(frozen=True)
class BenefitDuration:
    """How long a BMD gain lasts after the last dose (module docstring).

    years: years from the last dose to the end of the benefit (the lower bound when ``censored``; NaN when
    ``no_benefit``); peak: the largest gain (percentage points) and peak_year when it occurred; threshold:
    the gain that ends the benefit.
    """

    years: float
    censored: bool
    no_benefit: bool
    peak: float
    peak_year: float
    threshold: float

    def label(self) -> str:
        if self.no_benefit:
            return "no benefit"
        return f">= {self.years:.1f} y" if self.censored else f"{self.years:.1f} y"


def benefit_duration(t: np.ndarray, gain: np.ndarray, last_dose: float, fraction: float = DEFAULT_FRACTION,
                     floor_pp: float = DEFAULT_FLOOR_PP) -> BenefitDuration:
    """Years the ``gain`` (percentage points, over the reference) lasts after ``last_dose`` (years).

    t: (T,) years from the start, increasing; gain: (T,) percentage points.
    """
    t, gain = np.asarray(t, float), np.asarray(gain, float)
    if t.ndim != 1 or t.shape != gain.shape or len(t) < 2:
        raise ValueError(f"gain: shape {gain.shape} does not match the time grid {t.shape} (two or more points)")
    if not 0.0 < fraction < 1.0:
        raise ValueError(f"fraction: {fraction} is not allowed (between 0 and 1)")
    i_peak = int(np.nanargmax(gain))
    peak, peak_year = float(gain[i_peak]), float(t[i_peak])
    threshold = max(fraction * peak, floor_pp)
    if not (peak > 0.0 and peak >= floor_pp):
        return BenefitDuration(math.nan, False, True, peak, peak_year, threshold)
    start = max(float(last_dose), peak_year)
    after = np.nonzero((t > start) & (gain < threshold))[0]
    if len(after) == 0:
        return BenefitDuration(max(0.0, float(t[-1]) - float(last_dose)), True, False, peak, peak_year, threshold)
    j = int(after[0])
    # the crossing between grid points j - 1 (at or above the threshold) and j (below it)
    g0, g1, t0, t1 = gain[j - 1], gain[j], t[j - 1], t[j]
    t_cross = t1 if g0 == g1 else t0 + (g0 - threshold) / (g0 - g1) * (t1 - t0)
    t_cross = max(float(t_cross), start)
    return BenefitDuration(t_cross - float(last_dose), False, False, peak, peak_year, threshold)


def last_dose_years(regimen: Iterable, years: float) -> float:
    """Years from the start to the last dose given within ``years`` (0 for no treatment)."""
    horizon = float(years) * DAYS_PER_YEAR
    times = [d for pr in parse_regimen(regimen) for d in pr.dose_times(horizon)]
    return max(times, default=0.0) / DAYS_PER_YEAR


def expected_fractures(patient, timeseries: pd.DataFrame, suffix: str = "",
                       model: FractureModel | None = None) -> dict[str, float]:
    """Expected fractures per :data:`PER_WOMEN` women over the run, per kind and in all ("any").

    ``timeseries``: a run's columns ``t_years``, ``age`` and ``tscore_<site><suffix>`` for the sites of
    :data:`~osteosim.outcomes.fracture.KIND_SITES` (``suffix="_p05"`` reads an ensemble's 5th percentile).
    """
    fm = model or FractureModel()
    t = timeseries[T_YEARS.name()].to_numpy(float)
    age = timeseries[AGE.name()].to_numpy(float)
    tscores = {}
    for site in dict.fromkeys(KIND_SITES.values()):
        col = TSCORE.name(site) + suffix
        if col not in timeseries:
            raise ValueError(f"timeseries: no column {col!r} (the fracture model needs the T-score of {site})")
        tscores[site] = timeseries[col].to_numpy(float)
    lam, mu = fm.course_hazards(age, RiskFactors.from_patient(patient), tscores)  # (T, kinds), (T,) per year
    dt = np.diff(t)
    cum_mu = np.concatenate([[0.0], np.cumsum(0.5 * (mu[1:] + mu[:-1]) * dt)])
    f = lam * np.exp(-cum_mu)[:, None]
    per_kind = PER_WOMEN * np.sum(0.5 * (f[1:] + f[:-1]) * dt[:, None], axis=0)
    out = {kind: float(per_kind[k]) for k, kind in enumerate(KINDS)}
    out["any"] = float(per_kind.sum())
    return out
