"""Bone strength per site, relative to the young-adult peak, from the model's bone volume and mineral.

``S_site = BV^b_site * m^q`` (1 at the young-adult peak):

* ``BV``: the site's bone volume (relative); ``b_site``: the site's trabecular modulus-density
  exponent (Morgan 2003: vertebra 1.56, femoral neck 1.49, greater trochanter 2.18), with strength
  proportional to modulus because yield strain is nearly uniform within a site;
* ``m``: mean tissue mineralization (relative); ``q``: the mineral effect on stiffness at a given
  bone volume (Currey 1988: roughly cubic in calcium content).

BMD is ``BV * m`` (:func:`osteosim.outcomes.patient_run.relative_bmd`), so strength changes more than
BMD wherever ``b_site > 1`` or mineral changes: the first step from "fracture follows BMD" towards
"fracture follows strength" (issue 17; compartments, remodeling space and porosity come next).
Parameters: ``strength_exponent_{site}``, ``strength_mineral_exponent`` (Osteosim2026).
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np

__all__ = ["site_strength", "strength", "strength_pct_change"]


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
    names = model.state_names
    return site_strength(ys[..., names.index(f"bv_{site}")], ys[..., names.index(f"mineral_{site}")], p, site)


def strength_pct_change(strength: np.ndarray) -> np.ndarray:
    """% change from the first column (baseline) of (N, T) strengths."""
    s = np.asarray(strength, float)
    return 100.0 * (s / s[:, :1] - 1.0)
