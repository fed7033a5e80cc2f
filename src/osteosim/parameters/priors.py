"""Prior distributions of uncertain parameters (the evidence behind a parameter's range).

A prior is a small frozen dataclass with a bounded support, so a parameter's ``bounds`` are
its prior's support (derived in :func:`osteosim.parameters.base.P`, never typed twice).

API (used by ``outcomes/ensemble.py`` and by sensitivity analysis)::

    prior.ppf(u)      # u in [0, 1] (array) -> values: maps Latin-hypercube / Sobol points
    prior.support     # (low, high), finite
    str(prior)        # text form, e.g. "LogUniform(5e-05, 0.005)"
    prior.source      # the evidence (paper, table/figure) or "assumption: <reason>"

Families: :class:`Uniform`, :class:`LogUniform`, :class:`Beta` (scaled to [low, high]),
:class:`TruncNormal` and :class:`TruncLogNormal` (normal / log-normal cut to [low, high]),
:class:`Triangular` (a range with a most likely value).
:func:`default_prior` is the rule for a parameter with bounds but no stated prior.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special

__all__ = ["Prior", "Uniform", "LogUniform", "Beta", "TruncNormal", "TruncLogNormal", "Triangular", "default_prior",
           "LOG_RATIO"]

#: a positive range with no stated prior spanning at least this factor (high / low) is log-uniform
LOG_RATIO = 10.0


def _finite(cls: str, field: str, v: float) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise ValueError(f"{cls}: {field} = {v!r} is not allowed (a finite number)")
    return float(v)


def _u(u) -> np.ndarray:
    u = np.asarray(u, dtype=float)
    if np.any((u < 0.0) | (u > 1.0)) or np.any(np.isnan(u)):
        raise ValueError("prior.ppf: u must lie in [0, 1]")
    return u


class Prior:
    """Base of the prior families (see the module docstring for the API)."""

    source: str
    low: float
    high: float

    def _check(self, positive: bool = False) -> None:
        cls = type(self).__name__
        lo, hi = _finite(cls, "low", self.low), _finite(cls, "high", self.high)
        if lo > hi:
            raise ValueError(f"{cls}: low = {lo:g} > high = {hi:g} (allowed: low <= high)")
        if positive and lo <= 0.0:
            raise ValueError(f"{cls}: low = {lo:g} is not allowed (a log-scale prior needs low > 0)")
        if not isinstance(self.source, str) or not self.source.strip():
            raise ValueError(f"{cls}: source = {self.source!r} is not allowed (the evidence, or 'assumption: <reason>')")

    @property
    def support(self) -> tuple[float, float]:
        return (self.low, self.high)

    def ppf(self, u) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def contains(self, x: float) -> bool:
        return self.low <= x <= self.high


@dataclass(frozen=True)
class Uniform(Prior):
    """Uniform on [low, high]."""

    low: float
    high: float
    source: str

    def __post_init__(self):
        self._check()

    def ppf(self, u):
        return self.low + _u(u) * (self.high - self.low)

    def __str__(self):
        return f"Uniform({self.low:.4g}, {self.high:.4g})"


@dataclass(frozen=True)
class LogUniform(Prior):
    """Uniform in log on [low, high] (low > 0): for a number known only to an order of magnitude."""

    low: float
    high: float
    source: str

    def __post_init__(self):
        self._check(positive=True)

    def ppf(self, u):
        x = np.exp(math.log(self.low) + _u(u) * (math.log(self.high) - math.log(self.low)))
        return np.clip(x, self.low, self.high)  # exp(log(x)) can round past an end

    def __str__(self):
        return f"LogUniform({self.low:.4g}, {self.high:.4g})"


@dataclass(frozen=True)
class Beta(Prior):
    """Beta(a, b) scaled to [low, high] (default [0, 1]): a share with a preferred value."""

    a: float
    b: float
    source: str
    low: float = 0.0
    high: float = 1.0

    def __post_init__(self):
        self._check()
        for f in ("a", "b"):
            if _finite("Beta", f, getattr(self, f)) <= 0.0:
                raise ValueError(f"Beta: {f} = {getattr(self, f)!r} is not allowed (a number > 0)")

    def ppf(self, u):
        return self.low + (self.high - self.low) * special.betaincinv(self.a, self.b, _u(u))

    def __str__(self):
        return f"Beta({self.a:.4g}, {self.b:.4g}) on [{self.low:.4g}, {self.high:.4g}]"


def _trunc_normal_ppf(u: np.ndarray, mu: float, sd: float, lo: float, hi: float) -> np.ndarray:
    pa, pb = special.ndtr((lo - mu) / sd), special.ndtr((hi - mu) / sd)
    return np.clip(mu + sd * special.ndtri(pa + u * (pb - pa)), lo, hi)


@dataclass(frozen=True)
class TruncNormal(Prior):
    """Normal(mean, sd) cut to [low, high]: a measured mean +- SD."""

    mean: float
    sd: float
    low: float
    high: float
    source: str

    def __post_init__(self):
        self._check()
        _finite("TruncNormal", "mean", self.mean)
        if _finite("TruncNormal", "sd", self.sd) <= 0.0:
            raise ValueError(f"TruncNormal: sd = {self.sd!r} is not allowed (a number > 0)")

    def ppf(self, u):
        return _trunc_normal_ppf(_u(u), self.mean, self.sd, self.low, self.high)

    def __str__(self):
        return f"TruncNormal(mean={self.mean:.4g}, sd={self.sd:.4g}) on [{self.low:.4g}, {self.high:.4g}]"


@dataclass(frozen=True)
class TruncLogNormal(Prior):
    """Log-normal (median, geometric SD ``gsd`` > 1) cut to [low, high]: a positive rate or ratio."""

    median: float
    gsd: float
    low: float
    high: float
    source: str

    def __post_init__(self):
        self._check(positive=True)
        if _finite("TruncLogNormal", "median", self.median) <= 0.0:
            raise ValueError(f"TruncLogNormal: median = {self.median!r} is not allowed (a number > 0)")
        if _finite("TruncLogNormal", "gsd", self.gsd) <= 1.0:
            raise ValueError(f"TruncLogNormal: gsd = {self.gsd!r} is not allowed (a number > 1)")

    def ppf(self, u):
        z = _trunc_normal_ppf(_u(u), math.log(self.median), math.log(self.gsd), math.log(self.low), math.log(self.high))
        return np.clip(np.exp(z), self.low, self.high)

    def __str__(self):
        return f"TruncLogNormal(median={self.median:.4g}, gsd={self.gsd:.4g}) on [{self.low:.4g}, {self.high:.4g}]"


@dataclass(frozen=True)
class Triangular(Prior):
    """Triangular on [low, high] with its peak at ``mode``: a range and a most likely value."""

    low: float
    mode: float
    high: float
    source: str

    def __post_init__(self):
        self._check()
        if not self.low <= _finite("Triangular", "mode", self.mode) <= self.high:
            raise ValueError(f"Triangular: mode = {self.mode!r} is not allowed (low <= mode <= high, "
                             f"[{self.low:g}, {self.high:g}])")

    def ppf(self, u):
        u = _u(u)
        lo, m, hi = self.low, self.mode, self.high
        if hi == lo:
            return np.full_like(u, lo)
        c = (m - lo) / (hi - lo)
        left = lo + np.sqrt(u * (hi - lo) * (m - lo))
        right = hi - np.sqrt((1.0 - u) * (hi - lo) * (hi - m))
        return np.clip(np.where(u < c, left, right), lo, hi)

    def __str__(self):
        return f"Triangular({self.low:.4g}, mode={self.mode:.4g}, {self.high:.4g})"


def default_prior(bounds: tuple[float, float]) -> Prior:
    """The prior of a parameter with ``bounds`` but no stated one: log-uniform when the range is
    positive and spans at least :data:`LOG_RATIO`, uniform otherwise (the ensemble's rule since
    it was written, so drug-parameter draws keep their numbers)."""
    lo, hi = (float(b) for b in bounds)
    src = "no stated prior: the parameter's bounds"
    if lo > 0.0 and hi >= LOG_RATIO * lo:
        return LogUniform(lo, hi, src)
    return Uniform(lo, hi, src)
