"""Bone strength per site, relative to the young-adult peak, from the model's bone volume and mineral.

``S_site = BV^b_site * m^q`` (1 at the young-adult peak):

* ``BV``: the site's bone volume (relative); ``b_site``: the site's trabecular modulus-density
  exponent (Morgan 2003: vertebra 1.56, femoral neck 1.49, greater trochanter 2.18), with strength
  proportional to modulus because yield strain is nearly uniform within a site;
* ``m``: mean tissue mineralization (relative); ``q``: the mineral effect on stiffness at a given
  bone volume (Currey 1988: roughly cubic in calcium content).

BMD is ``BV * m`` (:func:`osteosim.outcomes.patient_run.relative_bmd`), so strength changes more than
BMD wherever ``b_site > 1`` or mineral changes: the first step from "fracture follows BMD" towards
"fracture follows strength" (issue 17; compartments and porosity come next).
Parameters: ``strength_exponent_{site}``, ``strength_mineral_exponent`` (Osteosim2026).

``strength`` is what QCT finite-element analysis measures (its voxels do not resolve resorption
cavities), so it is the one compared with FE strength changes.  :func:`fracture_strength` adds what
FE misses: resorption cavities are stress risers that cost strength beyond their volume (Van der
Linden 2001; micro-FE, PMC3423528: 8-28 % of vertebral and 8-19 % of femoral-neck cancellous
strength).  With ``x = rs / bv`` the remodeling space per bone volume present (model state ``rs``)::

    fracture_strength = strength * C,   C = (1 - c_site x) / (1 - c_site x0)

``x0 = turnover_site * T_F``: the young-adult remodeling space, so C = 1 at the young-adult peak.
Linear in the cavity load: the dilute-defect (first-order) form, cavities far apart so their
stress fields do not interact; one micro-FE point per site fixes ``c_site``
(:mod:`osteosim.calibration.cavity`).  C is clipped at 0 (a cavity load over 1/c_site, 5.6-7.4x
the reference woman's, is outside the law's range).
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..models.osteosim import young_remodeling_space

__all__ = ["site_strength", "strength", "cavity_factor", "remodeling_space", "fracture_strength",
           "strength_pct_change"]


def site_strength(bv, mineral, p: Mapping[str, float], site: str) -> np.ndarray:
    """Relative strength of ``site`` (1 = young-adult peak); bv, mineral: relative, any equal shapes."""
    try:
        b = p[f"strength_exponent_{site}"]
    except KeyError:
        raise ValueError(f"site: {site!r} has no strength exponent (strength_exponent_{site} in the "
                         "parameter set)") from None
    return np.asarray(bv, float) ** b * np.asarray(mineral, float) ** p["strength_mineral_exponent"]


def strength(model, ys, p: Mapping[str, float], site: str) -> np.ndarray:
    """Relative strength of ``site`` from a model's states ys (..., n_states) (its ``bv_{site}`` and ``mineral_{site}``)."""
    return site_strength(_state(model, ys, f"bv_{site}"), _state(model, ys, f"mineral_{site}"), p, site)


def _state(model, ys, name: str) -> np.ndarray:
    try:
        i = model.state_names.index(name)
    except ValueError:
        raise ValueError(f"model: {model.name} has no state {name!r} (strength reads bv_<site> and "
                         "mineral_<site>, fracture strength also the remodeling space rs_<site>, of Osteosim)") from None
    return np.asarray(ys, float)[..., i]


def remodeling_space(model, ys, site: str) -> np.ndarray:
    """Remodeling space per bone volume present (rs / bv, a fraction) of ``site``; ys (..., n_states)."""
    return _state(model, ys, f"rs_{site}") / _state(model, ys, f"bv_{site}")


def cavity_factor(rs_per_bv, p: Mapping[str, float], site: str) -> np.ndarray:
    """C = (1 - c x) / (1 - c x0): strength left by the resorption cavities relative to the young adult's;
    rs_per_bv: x (fraction), any shape."""
    try:
        c = p[f"cavity_coefficient_{site}"]
    except KeyError:
        raise ValueError(f"site: {site!r} has no cavity coefficient (cavity_coefficient_{site} in the parameter "
                         "set; osteosim calibrate --cavity derives it)") from None
    x0 = young_remodeling_space(p, site)
    return np.clip(1.0 - c * np.asarray(rs_per_bv, float), 0.0, None) / (1.0 - c * x0)


def fracture_strength(model, ys, p: Mapping[str, float], site: str) -> np.ndarray:
    """Relative strength of ``site`` with the resorption-cavity stress riser: :func:`strength` x
    :func:`cavity_factor` (1 = young-adult peak); ys (..., n_states) -> (...)."""
    c = cavity_factor(remodeling_space(model, ys, site), p, site)  # first: its errors name the missing state
    return strength(model, ys, p, site) * c


def strength_pct_change(strength: np.ndarray) -> np.ndarray:
    """% change from the first column (baseline) of (N, T) strengths."""
    s = np.asarray(strength, float)
    return 100.0 * (s / s[:, :1] - 1.0)
