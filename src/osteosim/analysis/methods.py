"""The two SALib methods on the unit cube: Morris screening and Sobol first/total indices.

Why the unit cube: SALib samples ``[0, 1]^k`` and :class:`~osteosim.analysis.problem.Factor` maps
each column onto its range (uniform or log-uniform), so one code path serves every distribution.
Sobol indices do not depend on that monotone map; Morris elementary effects are per unit of the
sampled scale (a full range is 1), so ``mu_star`` of two parameters compare as "output change when
the parameter crosses its whole range", whatever their units.

* ``sobol``: Saltelli's scheme (SALib ``sample.sobol``, scrambled Sobol' sequence, first and total
  order, no second order): ``N (k + 2)`` model runs; ``N`` a power of two, at least
  :data:`MIN_SOBOL_N`.  Indices with bootstrap confidence intervals (``*_conf``: half-width at
  :data:`CONF_LEVEL`).
* ``morris``: ``N`` trajectories of ``k + 1`` runs on a :data:`MORRIS_LEVELS`-level grid (SALib
  ``sample.morris``); ``mu_star`` (mean |elementary effect|), its bootstrap CI, ``mu``, ``sigma``.
  ``N`` at least :data:`MIN_MORRIS_N`.

References: Saltelli A et al., Comput Phys Commun 2010;181:259-270 (the estimators);
Morris MD, Technometrics 1991;33:161-174; Campolongo F et al., Environ Model Softw 2007;22:1509-1518
(mu_star); Herman J, Usher W, J Open Source Softw 2017;2:97 (SALib).
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .errors import SensitivityError

__all__ = ["METHODS", "MIN_SOBOL_N", "MIN_MORRIS_N", "MORRIS_LEVELS", "CONF_LEVEL", "NUM_RESAMPLES",
           "n_runs", "check_n", "sample_unit", "analyze", "INDEX_COLUMNS"]

METHODS = ("morris", "sobol")
#: smallest base sample of Sobol: below it the bootstrap intervals are wider than the indices' range
MIN_SOBOL_N = 8
#: smallest number of Morris trajectories (bootstrap of mu_star needs a few)
MIN_MORRIS_N = 4
MORRIS_LEVELS = 4
CONF_LEVEL = 0.95
NUM_RESAMPLES = 200
#: the columns of the index table per method (after ``parameter``)
INDEX_COLUMNS = {"sobol": ("S1", "S1_conf", "ST", "ST_conf"),
                 "morris": ("mu_star", "mu_star_conf", "mu", "sigma")}


def _problem(names: Sequence[str]) -> dict:
    return {"num_vars": len(names), "names": list(names), "bounds": [[0.0, 1.0]] * len(names)}


def check_n(method: str, n: int) -> None:
    """Errors name the field, the value and what is allowed."""
    if method not in METHODS:
        raise SensitivityError(f"method: {method!r} is not allowed; allowed: {', '.join(METHODS)}")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise SensitivityError(f"n: {n!r} is not allowed (a whole number)")
    if method == "sobol":
        if n < MIN_SOBOL_N or n & (n - 1):
            raise SensitivityError(f"n: {n} is not allowed for sobol (a power of two >= {MIN_SOBOL_N}, e.g. 64, 256, "
                                   "1024: Saltelli's estimators converge on Sobol' sequences of that length)")
    elif n < MIN_MORRIS_N:
        raise SensitivityError(f"n: {n} is not allowed for morris (at least {MIN_MORRIS_N} trajectories)")


def n_runs(method: str, n: int, k: int) -> int:
    """Model runs of a design: Sobol N (k + 2), Morris N (k + 1)."""
    check_n(method, n)
    return n * (k + 2) if method == "sobol" else n * (k + 1)


def sample_unit(method: str, names: Sequence[str], n: int, seed: int) -> np.ndarray:
    """(n_runs, k) points of the unit cube; the same seed gives the same points."""
    check_n(method, n)
    if len(names) < 2 and method == "sobol":
        raise SensitivityError(f"parameters: {len(names)} given; sobol needs at least 2 (or use morris)")
    problem = _problem(names)
    if method == "sobol":
        from SALib.sample import sobol

        return sobol.sample(problem, n, calc_second_order=False, scramble=True, seed=seed)
    from SALib.sample import morris

    return morris.sample(problem, n, num_levels=MORRIS_LEVELS, seed=seed)


def analyze(method: str, names: Sequence[str], x_unit: np.ndarray, y: np.ndarray, seed: int) -> pd.DataFrame:
    """A tidy table, one row per parameter: ``parameter`` then :data:`INDEX_COLUMNS` of the method."""
    y = np.asarray(y, dtype=float)
    if not np.all(np.isfinite(y)):
        bad = int((~np.isfinite(y)).sum())
        raise RuntimeError(f"output: {bad} of {y.size} model runs gave no finite value; narrow the ranges or "
                           "check the failing runs (Sensitivity.runs_)")
    problem = _problem(names)
    table = pd.DataFrame({"parameter": list(names)})
    if np.ptp(y) == 0.0:  # no parameter moves the output: every index is 0 (Sobol's ratios would be 0/0)
        for col in INDEX_COLUMNS[method]:
            table[col] = 0.0
        return table
    if method == "sobol":
        from SALib.analyze import sobol

        res = sobol.analyze(problem, y, calc_second_order=False, num_resamples=NUM_RESAMPLES, conf_level=CONF_LEVEL,
                            seed=seed)
    else:
        from SALib.analyze import morris

        res = morris.analyze(problem, np.asarray(x_unit, dtype=float), y, num_resamples=NUM_RESAMPLES,
                             conf_level=CONF_LEVEL, num_levels=MORRIS_LEVELS, seed=seed)
    for col in INDEX_COLUMNS[method]:
        table[col] = np.asarray(res[col], dtype=float)
    return table
