"""Trial statistics with the field's libraries: confidence intervals, relative risks, Cox, KM, power.

* mean BMD change: Student t interval (scipy);
* relative risk of patients with >= 1 event: log (Katz) interval, statsmodels ``Table2x2``
  (0.5 added to every cell when one is empty);
* rate ratio of first fractures per patient-year (an off-treatment window): log (Poisson)
  interval, se = sqrt(1/a + 1/b) (0.5 added to both counts when one is zero);
* hazard ratio of the treated arm: lifelines ``CoxPHFitter`` (Efron ties) on time to the
  first fracture, censored at death or the end of the trial;
* Kaplan-Meier cumulative incidence: lifelines ``KaplanMeierFitter``;
* power and sample size for a difference in proportions: statsmodels ``NormalIndPower``
  with Cohen's h (``proportion_effectsize``), two-sided.
"""
from __future__ import annotations

import math
import warnings

import numpy as np

__all__ = ["mean_ci", "relative_risk", "rate_ratio", "cox_hazard_ratio", "km_cumulative_incidence", "power_two_proportions",
           "sample_size_two_proportions"]


def mean_ci(mean: float, sd: float, n: int, level: float = 0.95) -> list[float | None]:
    from scipy import stats

    if n < 2 or not math.isfinite(sd):
        return [None, None]
    half = stats.t.ppf(0.5 + level / 2.0, n - 1) * sd / math.sqrt(n)
    return [mean - half, mean + half]


def relative_risk(events_t: int, n_t: int, events_c: int, n_c: int) -> dict:
    """Risk ratio treated / control with its 95 % CI (None where undefined: an arm with no patients)."""
    from statsmodels.stats.contingency_tables import Table2x2

    if n_t == 0 or n_c == 0 or (events_t == 0 and events_c == 0):
        return {"rr": None, "ci95": [None, None]}
    table = np.array([[events_t, n_t - events_t], [events_c, n_c - events_c]], dtype=float)
    t = Table2x2(table, shift_zeros=True)
    lo, hi = t.riskratio_confint(alpha=0.05, method="normal")
    return {"rr": float(t.riskratio), "ci95": [float(lo), float(hi)]}


def rate_ratio(events_t: int, years_t: float, events_c: int, years_c: float) -> dict:
    """Ratio of event rates treated / control (events per patient-year) with its 95 % CI (log method);
    None where undefined (no follow-up in an arm, or no events in either)."""
    if years_t <= 0 or years_c <= 0 or (events_t == 0 and events_c == 0):
        return {"rr": None, "ci95": [None, None]}
    a, b = (float(events_t), float(events_c)) if events_t and events_c else (events_t + 0.5, events_c + 0.5)
    rr = (a / years_t) / (b / years_c)
    half = 1.959963984540054 * math.sqrt(1.0 / a + 1.0 / b)
    return {"rr": rr, "ci95": [rr * math.exp(-half), rr * math.exp(half)]}


def cox_hazard_ratio(time, event, treated) -> dict:
    """HR of ``treated`` (1/0) from a Cox model; None where it cannot be estimated (no events)."""
    import pandas as pd
    from lifelines import CoxPHFitter

    df = pd.DataFrame({"T": np.maximum(np.asarray(time, float), 1e-6), "E": np.asarray(event, bool),
                       "treated": np.asarray(treated, float)})
    if df["E"].sum() == 0 or df.loc[df["treated"] == 1, "E"].sum() == 0 or df.loc[df["treated"] == 0, "E"].sum() == 0:
        return {"hr": None, "ci95": [None, None], "p": None}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cph = CoxPHFitter().fit(df, duration_col="T", event_col="E")
    s = cph.summary.loc["treated"]
    return {"hr": float(s["exp(coef)"]), "ci95": [float(s["exp(coef) lower 95%"]), float(s["exp(coef) upper 95%"])],
            "p": float(s["p"])}


def km_cumulative_incidence(time, event, grid) -> list[float]:
    """1 - Kaplan-Meier survival at the ``grid`` times (years)."""
    from lifelines import KaplanMeierFitter

    km = KaplanMeierFitter().fit(np.maximum(np.asarray(time, float), 1e-6), np.asarray(event, bool))
    return [float(x) for x in km.cumulative_density_at_times(np.asarray(grid, float)).to_numpy()]


def power_two_proportions(p_control: float, p_treated: float, n_per_arm: int, alpha: float = 0.05) -> float | None:
    """Power of a two-sided test of two proportions with ``n_per_arm`` patients per arm."""
    from statsmodels.stats.power import NormalIndPower
    from statsmodels.stats.proportion import proportion_effectsize

    if p_control == p_treated or n_per_arm < 2:
        return None
    h = proportion_effectsize(p_treated, p_control)
    return float(NormalIndPower().power(effect_size=h, nobs1=n_per_arm, alpha=alpha, ratio=1.0))


def sample_size_two_proportions(p_control: float, p_treated: float, power: float = 0.8, alpha: float = 0.05) -> int | None:
    """Patients per arm to detect ``p_treated`` vs ``p_control`` (two-sided, 1:1)."""
    from statsmodels.stats.power import NormalIndPower
    from statsmodels.stats.proportion import proportion_effectsize

    if p_control == p_treated or not (0 < p_control < 1) or not (0 <= p_treated < 1):
        return None
    h = proportion_effectsize(p_treated, p_control)
    return int(math.ceil(NormalIndPower().solve_power(effect_size=abs(h), power=power, alpha=alpha, ratio=1.0)))
