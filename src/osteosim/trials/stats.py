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
  with Cohen's h (``proportion_effectsize``), two-sided;
* incidence (a proportion): Wilson score interval (statsmodels ``proportion_confint``), which stays
  inside [0, 1] and is defined with no events;
* parameter uncertainty (trials/uncertainty.py): percentiles of an estimate over the parameter
  draws, and quantiles of a mixture of the draws' sampling distributions (:func:`mixture_quantiles`).
"""
from __future__ import annotations

import math
import warnings

import numpy as np

__all__ = ["mean_ci", "relative_risk", "rate_ratio", "cox_hazard_ratio", "km_cumulative_incidence", "power_two_proportions",
           "sample_size_two_proportions", "wilson_ci", "wilson_cdf", "t_cdf", "lognormal_cdf", "mixture_quantiles",
           "percentile_interval", "Z95"]

#: the standard normal's 97.5 % quantile (two-sided 95 % intervals)
Z95 = 1.959963984540054


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
    half = Z95 * math.sqrt(1.0 / a + 1.0 / b)
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


def wilson_ci(events: int, n: int, level: float = 0.95) -> list[float | None]:
    """Wilson score interval of the proportion events / n (None without patients)."""
    from statsmodels.stats.proportion import proportion_confint

    if n < 1:
        return [None, None]
    lo, hi = proportion_confint(events, n, alpha=1.0 - level, method="wilson")
    return [float(lo), float(hi)]


# -- sampling distributions as CDFs, vectorised over parameter draws: x (M,) -> (M, K) -------------------
def t_cdf(mean: np.ndarray, se: np.ndarray, df: np.ndarray):
    """A mean's sampling distributions: ``mean_k + se_k * t(df_k)`` (the Student t interval of :func:`mean_ci`)."""
    from scipy import stats

    mean, se, df = (np.asarray(a, float)[None, :] for a in (mean, se, df))
    return lambda x: stats.t.cdf((np.asarray(x, float)[:, None] - mean) / se, df)


def lognormal_cdf(ratio: np.ndarray, ci95: np.ndarray):
    """A ratio's sampling distributions: log-normal, centred on ``ratio_k`` with the spread of its 95 % CI
    ``ci95_k`` (K, 2) (the log-scale intervals of :func:`relative_risk` and :func:`cox_hazard_ratio`)."""
    from scipy import stats

    ci = np.log(np.asarray(ci95, float))
    centre = np.log(np.asarray(ratio, float))[None, :]
    se = ((ci[:, 1] - ci[:, 0]) / (2.0 * Z95))[None, :]
    return lambda x: stats.norm.cdf((np.log(np.asarray(x, float))[:, None] - centre) / se)


def wilson_cdf(events: np.ndarray, n: np.ndarray):
    """A proportion's confidence distributions whose central intervals are the Wilson intervals of :func:`wilson_ci`:
    ``H_k(p) = Phi((p - phat_k) / sqrt(p (1 - p) / n_k))`` (increasing in p; mass 1/2 at 0 when phat = 0)."""
    from scipy import stats

    n = np.asarray(n, float)[None, :]
    phat = np.asarray(events, float)[None, :] / n

    def cdf(x):
        p = np.clip(np.asarray(x, float)[:, None], 1e-300, 1.0 - 1e-16)
        return stats.norm.cdf((p - phat) / np.sqrt(p * (1.0 - p) / n))
    return cdf


def mixture_quantiles(cdf, lo: float, hi: float, qs=(0.025, 0.975), iters: int = 200) -> list[float]:
    """Quantiles of the equal-weight mixture of K distributions: the smallest x in [lo, hi] with
    ``mean_k cdf(x)[k] >= q`` (bisection, to the float resolution; ``cdf``: x (M,) -> (M, K))."""
    q = np.asarray(qs, float)
    a, b = np.full(q.shape, float(lo)), np.full(q.shape, float(hi))
    for _ in range(iters):
        mid = a + 0.5 * (b - a)
        if not np.any((mid > a) & (mid < b)):
            break
        up = cdf(mid).mean(axis=1) >= q
        b, a = np.where(up, mid, b), np.where(up, a, mid)
    return [float(x) for x in b]


def percentile_interval(estimates, level: float = 0.95) -> list[float | None]:
    """The central ``level`` percentile interval (linear interpolation) of the finite estimates."""
    x = np.asarray([e for e in estimates if e is not None and math.isfinite(e)], float)
    if not len(x):
        return [None, None]
    tail = 50.0 * (1.0 - level)
    return [float(v) for v in np.percentile(x, [tail, 100.0 - tail])]
