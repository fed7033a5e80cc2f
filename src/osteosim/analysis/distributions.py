"""How a factor is drawn: a user's law as one of the parameter priors (:mod:`osteosim.parameters.priors`).

One family of distributions serves the whole project: parameter sets state their priors with
:mod:`osteosim.parameters.priors`, ensembles and sensitivity draw through ``prior.ppf``, and a law a user
gives here (``{"distribution": kind, ...}`` or ``--bounds NAME=kind:...``) becomes one of those priors.

Kinds and their arguments (``low``/``high`` bound every kind; the bell-shaped ones are truncated there):

* ``uniform(low, high)``, ``log-uniform(low, high)`` (low > 0);
* ``normal(mean, sd)``: truncated to [low, high], by default mean +/- 3 sd;
* ``lognormal(median, gsd)``: log-normal with geometric SD gsd > 1, truncated to [low, high], by
  default median / gsd^3 .. median * gsd^3 (a prior such as "central 1e-3, within a factor of 3");
* ``triangular(low, mode, high)``; ``beta(a, b)`` scaled to [low, high] (only as a parameter set's prior).

Why inverse CDFs of truncated laws: Morris puts points on the faces of the unit cube (u = 0 and 1),
where an untruncated normal would be infinite; truncation at 3 sd keeps 99.7 % of the law.
Sobol indices are then variance shares under these laws (a prior, not only a range).
"""
from __future__ import annotations

import math
from collections.abc import Mapping

from ..parameters import priors as pr
from .errors import SensitivityError

__all__ = ["KINDS", "ARGS", "TRUNCATION_SD", "to_prior", "kind_of", "parse_spec", "label"]

KINDS = ("uniform", "log-uniform", "normal", "lognormal", "triangular")
#: each kind's shape arguments besides low/high
ARGS = {"uniform": (), "log-uniform": (), "normal": ("mean", "sd"), "lognormal": ("median", "gsd"),
        "triangular": ("mode",), "beta": ("a", "b")}
#: default truncation of normal and lognormal laws (in sd, or in powers of gsd)
TRUNCATION_SD = 3.0


def to_prior(kind: str, low: float, high: float, shape: Mapping[str, float], source: str) -> pr.Prior:
    """The prior of ``kind`` on [low, high] with its shape arguments (the one place a kind becomes a law)."""
    if kind == "uniform":
        return pr.Uniform(low, high, source)
    if kind == "log-uniform":
        return pr.LogUniform(low, high, source)
    if kind == "normal":
        return pr.TruncNormal(shape["mean"], shape["sd"], low, high, source)
    if kind == "lognormal":
        return pr.TruncLogNormal(shape["median"], shape["gsd"], low, high, source)
    if kind == "triangular":
        return pr.Triangular(low, shape["mode"], high, source)
    if kind == "beta":
        return pr.Beta(shape["a"], shape["b"], source, low, high)
    raise SensitivityError(f"distribution: {kind!r} is not allowed; allowed: {', '.join(KINDS)}")


#: prior family -> (kind, its shape fields)
_KIND_OF = {pr.Uniform: ("uniform", ()), pr.LogUniform: ("log-uniform", ()),
            pr.TruncNormal: ("normal", ("mean", "sd")), pr.TruncLogNormal: ("lognormal", ("median", "gsd")),
            pr.Triangular: ("triangular", ("mode",)), pr.Beta: ("beta", ("a", "b"))}


def kind_of(prior: pr.Prior) -> tuple[str, dict[str, float]]:
    """(kind, shape) of a parameter set's prior: the inverse of :func:`to_prior`."""
    try:
        kind, fields = _KIND_OF[type(prior)]
    except KeyError:
        raise SensitivityError(f"prior: {type(prior).__name__} is not a known family "
                               f"({', '.join(t.__name__ for t in _KIND_OF)})") from None
    return kind, {f: float(getattr(prior, f)) for f in fields}


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
