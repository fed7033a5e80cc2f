"""Global sensitivity analysis of one output to chosen parameters (SALib), scikit-learn style.

::

    import osteosim as osi
    from osteosim.analysis import Sensitivity

    sim = osi.Simulation(osi.Patient(age=65, tscore_lumbar_spine=-2.7),
                         regimen=["alendronate 70 mg weekly for 5 years"], years=5)
    sa = Sensitivity(["bp_ec50", "turnover_lumbar_spine", "estrogen_rankl_gain"],
                     output="bmd_pct_change(lumbar_spine, 5)", method="sobol", n=64, seed=1).fit(sim)
    sa.indices_        # parameter, S1, S1_conf, ST, ST_conf, rank, low, high, ... (most important first)

The estimator holds the design (parameters, output, method, n, seed); :meth:`Sensitivity.fit`
runs it on a target (a Simulation or Scenario: patient or classic zoo model; a HealingScenario;
a vectorised function) and sets ``factors_``, ``runs_`` (every draw and its output), ``indices_``
and ``summary_``.  The same seed gives the same numbers.  Methods and estimators: :mod:`.methods`;
ranges: :mod:`.problem`; outputs: :mod:`.outputs`; how each target runs: :mod:`.targets`.
"""
from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from .. import citations
from .methods import CONF_LEVEL, INDEX_COLUMNS, METHODS, MORRIS_LEVELS, analyze, check_n, n_runs, sample_unit
from .outputs import Output, parse_output
from .errors import SensitivityError
from .problem import DEFAULT_RANGE_PCT, resolve_factors
from .references import METHOD_CITATIONS
from .targets import as_target

__all__ = ["Sensitivity", "DEFAULT_SEED", "DEFAULT_N", "METHOD_CITATIONS", "MEANING"]

DEFAULT_SEED = 20260
#: base sample per method: Sobol N (a power of two; N (k + 2) runs), Morris trajectories (N (k + 1) runs)
DEFAULT_N = {"sobol": 256, "morris": 20}


#: what the indices mean (the report and the docs print it)
MEANING = {
    "sobol": ("S1: share of the output's variance explained by the parameter alone (first order); ST: share "
              "explained by the parameter with all its interactions (total order). ST - S1 measures interactions; "
              "ST near 0 means the parameter can be fixed anywhere in its range. _conf: half-width of the "
              f"{100 * CONF_LEVEL:g} % bootstrap interval. Indices depend on the ranges sampled."),
    "morris": ("mu_star: mean absolute change of the output when the parameter moves one grid step (scaled to "
               "a full range) with the others held: overall influence; mu: the signed mean (direction); "
               "sigma: spread of the effects (non-linearity or interactions). Screening: ranks, not variance "
               "shares."),
}


class Sensitivity:
    """Global sensitivity of one output to chosen parameters (SALib Morris or Sobol).

    parameters: names (ranges from the parameter set, else +/-``range_pct`` %), a mapping name ->
        ``(low, high)`` or None, or :class:`~osteosim.analysis.problem.Factor` objects.
    output: ``"bmd_pct_change(lumbar_spine, 5)"`` and the like (:data:`~osteosim.analysis.outputs.OUTPUTS`);
        None for a function target.
    method: ``"sobol"`` (first and total indices with CIs) or ``"morris"`` (screening).
    n: Sobol base sample (a power of two >= 8; N (k + 2) runs) or Morris trajectories (>= 4; N (k + 1) runs);
        default :data:`DEFAULT_N`.
    seed: seed of the sample and of the bootstrap.
    distribution: ``auto`` (log-uniform over positive ranges spanning >= 10x), ``uniform`` or ``log-uniform``.
    """

    def __init__(self, parameters: Sequence[str] | Mapping[str, object], output: str | Mapping | Output | None = None,
                 method: str = "sobol", n: int | None = None, seed: int = DEFAULT_SEED, distribution: str = "auto",
                 range_pct: float = DEFAULT_RANGE_PCT):
        if method not in METHODS:
            raise SensitivityError(f"method: {method!r} is not allowed; allowed: {', '.join(METHODS)}")
        self.parameters = parameters
        self.output = output
        self.method = method
        self.n = DEFAULT_N[method] if n is None else n
        check_n(method, self.n)
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
            raise SensitivityError(f"seed: {seed!r} is not allowed (a whole number >= 0)")
        self.seed = int(seed)
        self.distribution = distribution
        self.range_pct = range_pct

    def describe_runs(self, k: int) -> int:
        """Model runs this design needs for k parameters."""
        return n_runs(self.method, self.n, k)

    def fit(self, target, versus=None) -> "Sensitivity":
        """Sample, run every draw on ``target``, analyse; returns self with ``indices_`` etc. set.

        ``versus``: a comparator regimen for a patient target (regimen strings, or [] for no treatment):
        the output becomes the difference, the target's regimen minus the comparator's, per draw (the
        same patient and parameter values; two lanes per draw).  This is how a ranking of two
        treatments is analysed: which parameters move the gap between them.
        """
        t0 = time.perf_counter()
        tgt = as_target(target, versus)
        if self.output is None and tgt.kind != "function":
            raise SensitivityError("output: none given (e.g. 'bmd_pct_change(lumbar_spine, 5)')")
        output = None if self.output is None else tgt.check_output(parse_output(self.output))
        pset = tgt.parameter_set(self.parameters, output)
        factors = resolve_factors(self.parameters, pset, distribution=self.distribution, range_pct=self.range_pct,
                                  owner=tgt.owner)
        names = [f.name for f in factors]
        unit = sample_unit(self.method, names, self.n, self.seed)
        values = {f.name: f.from_unit(unit[:, j]) for j, f in enumerate(factors)}
        t_sample = time.perf_counter()
        y = tgt.evaluate(output, values)
        t_run = time.perf_counter()
        runs = pd.DataFrame(values)
        versus = getattr(tgt, "versus", None)
        out_col = (output.label if output is not None else "output") + (" difference" if versus is not None else "")
        runs[out_col] = y
        failed = int((~np.isfinite(y)).sum())
        self.runs_ = runs
        if failed:
            raise RuntimeError(f"output: {failed} of {len(y)} runs failed or gave no finite {out_col}; narrow the "
                               "parameter ranges (Sensitivity.runs_ holds the draws)")
        table = self._table(analyze(self.method, names, unit, y, self.seed), factors)
        self.target_ = tgt
        self.output_ = output
        self.factors_ = factors
        self.indices_ = table
        keys = ("osteosim", *METHOD_CITATIONS[self.method], *tgt.citation_keys(output))
        self.summary_ = {
            "target": tgt.describe(),
            "output": self._output_dict(output, versus),
            "versus": None if versus is None else [str(pr) for pr in versus],
            "method": self.method,
            "n": self.n,
            "runs": int(len(y)),
            "seed": self.seed,
            "design": (f"Saltelli/Sobol' sequence (scrambled), N (k + 2) = {len(y)} runs, first and total order"
                       if self.method == "sobol" else
                       f"{self.n} Morris trajectories on a {MORRIS_LEVELS}-level grid, N (k + 1) = {len(y)} runs"),
            "conf_level": CONF_LEVEL,
            "meaning": MEANING[self.method],
            "parameters": [f.to_dict() for f in factors],
            "output_summary": {"mean": float(np.mean(y)), "sd": float(np.std(y)), "min": float(np.min(y)),
                               "max": float(np.max(y))},
            "censored_runs": getattr(tgt, "censored", 0),
            "seconds": {"sample": t_sample - t0, "runs": t_run - t_sample, "total": time.perf_counter() - t0},
            "indices": table.to_dict(orient="records"),
            "citations": citations.references(keys),
        }
        return self

    @staticmethod
    def _output_dict(output: Output | None, versus) -> dict:
        if output is None:
            return {"output": "output", "unit": ""}
        d = output.to_dict()
        if versus is not None:  # a difference between two regimens: % changes become percentage points
            d.update(output=f"{d['output']} difference", unit="percentage points" if d["unit"] == "%" else d["unit"],
                     description=f"the regimen's minus the comparator's ({'; '.join(map(str, versus)) or 'no treatment'})"
                                 f": {d['description']}")
        return d

    def _table(self, table: pd.DataFrame, factors) -> pd.DataFrame:
        """Most important first (ST or mu_star), with a rank and each factor's range."""
        key = INDEX_COLUMNS[self.method][2 if self.method == "sobol" else 0]
        table = table.sort_values(key, ascending=False, kind="stable").reset_index(drop=True)
        table.insert(1, "rank", np.arange(1, len(table) + 1))
        ranges = pd.DataFrame([f.to_dict() for f in factors])
        return table.merge(ranges, on="parameter", how="left")
