"""The factors of a sensitivity analysis: which parameters vary, over which range, drawn how.

Range and law of a factor, in this order:

1. what the caller gives: a range ``{"name": (low, high)}`` or a law
   (``{"name": {"distribution": "normal", "mean": m, "sd": s}}``, ``lognormal`` (median, gsd),
   ``triangular`` (low, mode, high): :mod:`.distributions`);
2. the parameter set's prior (``Parameter.prior``: the evidence-based law with its source, e.g. every
   MSC parameter of MSC2026), drawn as stated;
3. the parameter set's plausible range (``Parameter.bounds``, each with the parameter's source);
4. otherwise the nominal value +/- :data:`DEFAULT_RANGE_PCT` %, stated as an assumption in the
   table (the parameter set names no range: the classic zoo models and most calibrated values).
   This is a screening width, not a credible range: it asks "which parameters matter near the
   published point", and Sobol indices depend on the ranges chosen, so the report prints them.

``distribution`` for a range (cases 1 with a pair, 3 and 4): ``uniform``, ``log-uniform`` (positive
ranges), or ``auto``: log-uniform when a positive range spans at least a factor of 10, uniform
otherwise (:func:`osteosim.parameters.priors.default_prior`, the rule of parameter ensembles); a
``uniform``/``log-uniform`` given explicitly also replaces a parameter set's prior by that law over
the prior's support.  Every factor draws through a :mod:`osteosim.parameters.priors` law:
SALib samples the unit cube and :meth:`Factor.from_unit` maps it through the law's ``ppf``, so Morris
effects are per unit of probability.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..parameters.priors import LOG_RATIO
from . import distributions as dist
from .errors import SensitivityError

__all__ = ["Factor", "SensitivityError", "DISTRIBUTIONS", "DEFAULT_RANGE_PCT", "resolve_factors"]

#: the spread used when neither the caller nor the parameter set gives a range (% of the nominal value)
DEFAULT_RANGE_PCT = 20.0
#: how a factor is drawn over its range
DISTRIBUTIONS = ("auto", "uniform", "log-uniform")


@dataclass(frozen=True)
class Factor:
    """One varied parameter: its range (the parameter's unit), how it is drawn, and why this range.

    distribution: a kind of :data:`.distributions.KINDS` (never "auto"); shape: its arguments besides
    low/high as (name, value) pairs (``(("mean", 0.5), ("sd", 0.1))``).
    """

    name: str
    low: float
    high: float
    nominal: float
    unit: str = ""
    distribution: str = "uniform"
    range_source: str = ""
    shape: tuple[tuple[str, float], ...] = ()

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        """Map points of [0, 1] onto the parameter (the law's inverse CDF on [low, high])."""
        return dist.to_prior(self.distribution, self.low, self.high, dict(self.shape),
                             self.range_source or "sensitivity factor").ppf(u)

    def to_dict(self) -> dict:
        return {"parameter": self.name, "low": self.low, "high": self.high, "nominal": self.nominal,
                "unit": self.unit, "distribution": dist.label(self.distribution, dict(self.shape)),
                "range_source": self.range_source}


def _distribution(name: str, lo: float, hi: float, distribution: str) -> str:
    if distribution not in DISTRIBUTIONS:
        raise SensitivityError(f"distribution: {distribution!r} is not allowed; allowed: {', '.join(DISTRIBUTIONS)}")
    if distribution == "log-uniform" and lo <= 0.0:
        raise SensitivityError(f"parameters.{name}: log-uniform needs a positive range, got low = {lo:g} "
                               "(allowed: low > 0, or distribution uniform)")
    if distribution == "auto":
        return "log-uniform" if lo > 0.0 and hi >= LOG_RATIO * lo else "uniform"
    return distribution


def _checked_range(name: str, lo, hi) -> tuple[float, float]:
    try:
        lo, hi = float(lo), float(hi)
    except (TypeError, ValueError):
        raise SensitivityError(f"parameters.{name}: bounds ({lo!r}, {hi!r}) are not numbers "
                               "(allowed: two finite numbers, low < high)") from None
    if not (math.isfinite(lo) and math.isfinite(hi)) or lo >= hi:
        raise SensitivityError(f"parameters.{name}: bounds ({lo:g}, {hi:g}) are not allowed "
                               "(two finite numbers with low < high)")
    return lo, hi


def resolve_factors(parameters: Sequence[str] | Mapping[str, object], pset: Mapping, *,
                    distribution: str = "auto", range_pct: float = DEFAULT_RANGE_PCT,
                    owner: str = "this model") -> list[Factor]:
    """The factors of ``parameters`` against a parameter set (name -> Parameter, e.g. a ParameterSet).

    ``parameters``: names (ranges from the set), or a mapping name -> ``(low, high)``, a law
    (``{"distribution": "normal", "mean": m, "sd": s}``, :mod:`.distributions`) or None (None: from the
    set), or :class:`Factor` objects (taken as they are).
    ``range_pct``: the +/- % spread of a parameter whose set gives no range; ``owner``: the model's
    name in errors.
    """
    if isinstance(parameters, str):
        parameters = [parameters]
    items = list(parameters.items()) if isinstance(parameters, Mapping) else [
        (p.name, p) if isinstance(p, Factor) else (p, None) for p in parameters]
    if not items:
        raise SensitivityError("parameters: none given (allowed: one or more parameter names of the model)")
    if not (isinstance(range_pct, (int, float)) and 0.0 < range_pct < 100.0):
        raise SensitivityError(f"range_pct: {range_pct!r} is not allowed (a percentage in (0, 100))")
    names = [n for n, _ in items]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise SensitivityError(f"parameters: {', '.join(dupes)} given twice (each parameter once)")
    out = []
    for name, spec in items:
        if isinstance(spec, Factor):
            out.append(spec)
            continue
        if name not in pset:
            import difflib

            close = difflib.get_close_matches(str(name), list(pset), n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(close)}?" if close else " (osteosim params MODEL lists them)"
            raise SensitivityError(f"parameters: unknown parameter {name!r} of {owner}{hint}")
        prm = pset[name]
        nominal = float(prm.value)
        if isinstance(spec, Mapping):  # a law: {"distribution": "normal", "mean": ..., "sd": ...}
            kind, lo, hi, shape = dist.parse_spec(name, spec)
            out.append(Factor(name, lo, hi, nominal, prm.unit, kind, "given by the user", tuple(shape.items())))
            continue
        prior = getattr(prm, "prior", None)
        if spec is None and prior is not None and distribution == "auto":  # the set's evidence-based law
            kind, shape = dist.kind_of(prior)
            lo, hi = (float(x) for x in prior.support)
            out.append(Factor(name, lo, hi, nominal, prm.unit, kind, f"parameter set's prior: {prior} ({prior.source})",
                              tuple(shape.items())))
            continue
        if spec is not None:
            if isinstance(spec, str) or not (isinstance(spec, Sequence) and len(spec) == 2):
                raise SensitivityError(f"parameters.{name}: {spec!r} is not allowed (a pair (low, high), a law "
                                       "{'distribution': ..., ...}, or None)")
            lo, hi = _checked_range(name, *spec)
            why = "given by the user"
        elif prior is not None or prm.bounds is not None:
            lo, hi = _checked_range(name, *(prior.support if prior is not None else prm.bounds))
            why = (f"parameter set's prior's support, drawn {distribution} ({prior.source})" if prior is not None else
                   f"parameter set's plausible range ({prm.source})")
        else:
            if nominal == 0.0:
                raise SensitivityError(f"parameters.{name}: its value is 0 and its parameter set gives no range, so "
                                       f"+/-{range_pct:g} % is empty (allowed: give bounds, e.g. {name}=LOW:HIGH)")
            lo, hi = sorted((nominal * (1.0 - range_pct / 100.0), nominal * (1.0 + range_pct / 100.0)))
            why = (f"assumption: nominal +/-{range_pct:g} % (the parameter set gives no range; a screening width "
                   "around the published value, not a credible range)")
        out.append(Factor(name, lo, hi, nominal, prm.unit, _distribution(name, lo, hi, distribution), why))
    return out
