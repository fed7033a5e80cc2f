"""How a factor is drawn: the map from SALib's unit cube onto the parameter (inverse CDF), one place.

Kinds and their arguments (``low``/``high`` bound every kind; the bell-shaped ones are truncated there):

* ``uniform(low, high)``, ``log-uniform(low, high)`` (low > 0);
* ``normal(mean, sd)``: truncated to [low, high], by default mean +/- 3 sd;
* ``lognormal(median, gsd)``: log-normal with geometric SD gsd > 1, truncated to [low, high], by
  default median / gsd^3 .. median * gsd^3 (a prior such as "central 1e-3, within a factor of 3");
* ``triangular(low, mode, high)``.

Why inverse CDFs of truncated laws: Morris puts points on the faces of the unit cube (u = 0 and 1),
where an untruncated normal would be infinite; truncation at 3 sd keeps 99.7 % of the law.
Sobol indices are then variance shares under these laws (a prior, not only a range).
"""
from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from .errors import SensitivityError

__all__ = ["KINDS", "ARGS", "TRUNCATION_SD", "from_unit", "parse_spec", "label"]

KINDS = ("uniform", "log-uniform", "normal", "lognormal", "triangular")
#: each kind's shape arguments besides low/high
ARGS = {"uniform": (), "log-uniform": (), "normal": ("mean", "sd"), "lognormal": ("median", "gsd"),
        "triangular": ("mode",)}
#: default truncation of normal and lognormal laws (in sd, or in powers of gsd)
TRUNCATION_SD = 3.0


def from_unit(kind: str, u: np.ndarray, low: float, high: float, shape: Mapping[str, float]) -> np.ndarray:
    """Points of [0, 1] -> values (inverse CDF of the kind's law on [low, high])."""
    u = np.asarray(u, dtype=float)
    if kind == "uniform":
        return low + u * (high - low)
    if kind == "log-uniform":
        return np.exp(math.log(low) + u * (math.log(high) - math.log(low)))
    from scipy import stats

    if kind == "normal":
        m, s = shape["mean"], shape["sd"]
        return stats.truncnorm.ppf(u, (low - m) / s, (high - m) / s, loc=m, scale=s)
    if kind == "lognormal":
        m, s = math.log(shape["median"]), math.log(shape["gsd"])
        return np.exp(stats.truncnorm.ppf(u, (math.log(low) - m) / s, (math.log(high) - m) / s, loc=m, scale=s))
    if kind == "triangular":
        return stats.triang.ppf(u, (shape["mode"] - low) / (high - low), loc=low, scale=high - low)
    raise SensitivityError(f"distribution: {kind!r} is not allowed; allowed: {', '.join(KINDS)}")


def label(kind: str, shape: Mapping[str, float]) -> str:
    """``normal(mean=0.5, sd=0.1)``; plain ``uniform`` / ``log-uniform``."""
    if not shape:
        return kind
    return f"{kind}({', '.join(f'{k}={v:.4g}' for k, v in shape.items())})"


def _number(name: str, key: str, v) -> float:
    try:
        x = float(v)
    except (TypeError, ValueError):
        raise SensitivityError(f"parameters.{name}: {key} {v!r} is not a number") from None
    if not math.isfinite(x):
        raise SensitivityError(f"parameters.{name}: {key} {x} is not allowed (a finite number)")
    return x


def parse_spec(name: str, spec: Mapping) -> tuple[str, float | None, float | None, dict[str, float]]:
    """``{"distribution": kind, ...arguments}`` -> (kind, low or None, high or None, shape); checks each argument.

    low/high left out: the truncation default of normal/lognormal; required for the other kinds.
    """
    spec = dict(spec)
    kind = spec.pop("distribution", None)
    if kind not in KINDS:
        raise SensitivityError(f"parameters.{name}: distribution {kind!r} is not allowed; allowed: {', '.join(KINDS)}")
    allowed = ("low", "high", *ARGS[kind])
    extra = sorted(set(spec) - set(allowed))
    if extra:
        raise SensitivityError(f"parameters.{name}: {kind} takes {', '.join(allowed)}, not {', '.join(extra)}")
    missing = [a for a in ARGS[kind] if a not in spec]
    if kind in ("uniform", "log-uniform", "triangular"):
        missing = [a for a in ("low", "high") if a not in spec] + missing
    if missing:
        raise SensitivityError(f"parameters.{name}: {kind} needs {', '.join(missing)}")
    shape = {a: _number(name, a, spec[a]) for a in ARGS[kind]}
    low = _number(name, "low", spec["low"]) if "low" in spec else None
    high = _number(name, "high", spec["high"]) if "high" in spec else None
    if kind == "normal":
        if shape["sd"] <= 0.0:
            raise SensitivityError(f"parameters.{name}: sd {shape['sd']:g} is not allowed (sd > 0)")
        low = shape["mean"] - TRUNCATION_SD * shape["sd"] if low is None else low
        high = shape["mean"] + TRUNCATION_SD * shape["sd"] if high is None else high
    if kind == "lognormal":
        if shape["median"] <= 0.0 or shape["gsd"] <= 1.0:
            raise SensitivityError(f"parameters.{name}: lognormal needs median > 0 and gsd > 1, got median "
                                   f"{shape['median']:g}, gsd {shape['gsd']:g}")
        low = shape["median"] / shape["gsd"] ** TRUNCATION_SD if low is None else low
        high = shape["median"] * shape["gsd"] ** TRUNCATION_SD if high is None else high
    if low is not None and high is not None and low >= high:
        raise SensitivityError(f"parameters.{name}: bounds ({low:g}, {high:g}) are not allowed "
                               "(two finite numbers with low < high)")
    if kind in ("log-uniform", "lognormal") and low is not None and low <= 0.0:
        raise SensitivityError(f"parameters.{name}: {kind} needs a positive range, got low = {low:g}")
    if kind == "triangular" and not low <= shape["mode"] <= high:
        raise SensitivityError(f"parameters.{name}: mode {shape['mode']:g} is outside [{low:g}, {high:g}]")
    return kind, low, high, shape
