"""Fracture risk along a simulated trajectory: the clinic calculator at each age of a run.

At each chosen age the FRAX-style :func:`osteosim.outcomes.fracture.ten_year_probability` gets the
patient's risk factors and the T-scores the model computed at that age, so a treatment changes the
risk only through the bone it produced.  This is how a clinician reads a patient's course: "her
10-year probability of a major osteoporotic fracture fell from 24 % to 15 %".
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..physiology.patient import SITES, Patient
from .columns import AGE, T_YEARS, TSCORE
from .fracture import HIP_SITE, ten_year_probability

__all__ = ["ten_year_risk_course", "RISK_POINTS"]

#: at most this many ages get a 10-year probability per run (each costs ~0.03 s of Python)
RISK_POINTS = 21


def ten_year_risk_course(patient: Patient | None, timeseries: pd.DataFrame, points: int = RISK_POINTS,
                         country: str | None = None) -> dict[str, Any] | None:
    """10-year hip and major-osteoporotic fracture probabilities (%) at up to ``points`` ages of a run.

    ``timeseries``: a run's time series (``t_years``, ``age`` and ``tscore_<site>`` columns); one
    age per whole year of the run (fewer for long runs: the probability changes slowly).  Returns
    ``{"age": [...], "hip": [...], "major_osteoporotic": [...]}``, or None for a run without the
    fracture model (rats, or no hip T-score).  ``country``: the calculator's incidence tables.
    """
    if patient is None or patient.species != "human" or TSCORE.name(HIP_SITE) not in timeseries:
        return None
    t = timeseries[T_YEARS.name()].to_numpy()
    wanted = np.linspace(t[0], t[-1], int(min(points, np.floor(t[-1] - t[0]) + 1, len(timeseries))))
    rows = sorted(set(int(np.abs(t - w).argmin()) for w in wanted))
    out: dict[str, list] = {"age": [], "hip": [], "major_osteoporotic": []}
    for i in rows:
        # the Patient's measured-baseline fields (bmd_<site>, tscore_<site>) take the model's T-scores
        update = {"age": round(float(timeseries[AGE.name()].iloc[i]), 6)}
        for site in SITES:
            tscore = TSCORE.name(site)
            update[f"bmd_{site}"] = None
            update[f"tscore_{site}"] = float(timeseries[tscore].iloc[i]) if tscore in timeseries else None
        prob = ten_year_probability(patient.model_copy(update=update), use_bmd=True, country=country)
        out["age"].append(update["age"])
        out["hip"].append(round(prob["hip"], 4))
        out["major_osteoporotic"].append(round(prob["major_osteoporotic"], 4))
    return out
