"""Bone strength per site, relative to the young-adult peak, from its cancellous and cortical compartments.

The two compartments of a site (model states ``bvc``/``minc``; the cortical rest from the site totals,
docs/model.md section 6) share its load in parallel, so their strengths add::

    S = w S_tb + (1 - w) S_ct          (1 at the young-adult peak)
    S_tb = bvc^b_site * minc^q         S_ct = bvk^b_ct * mk^q

* ``bvc``, ``minc``: cancellous bone volume and mean mineral (relative to the young adult's);
  ``b_site`` the site's trabecular modulus-density exponent (Morgan 2003: vertebra 1.56, femoral neck
  1.49, greater trochanter 2.18), strength proportional to modulus (yield strain nearly uniform within
  a site);
* ``bvk``, ``mk``: cortical bone volume and mineral; ``b_ct`` the compact-bone exponent (Currey 1988:
  modulus roughly cubic in volume fraction).  The cortical remodeling space is intracortical porosity, a
  volume deficit already in ``bvk`` that the steep exponent weighs;
* ``q``: stiffening by tissue mineral at a given volume (Currey 1988: roughly cubic in calcium), one
  value for both compartments, fitted to QCT finite-element strength (calibration.strength);
* ``w``: the trabecular share of the young adult's strength (``trabecular_strength_weight_<site>``),
  derived by calibration.strength from the share that cadaver and micro-FE studies measure in elderly
  bone (``trabecular_strength_share_<site>``: vertebral body 0.55, Eswaran 2006; femoral neck 0.40,
  Werner 1988) at the model's elderly reference woman.  As cancellous bone is lost faster the cortex
  carries more of the load with age, as those studies see.

BMD is ``bv * m`` with ``bv = f bvc + (1 - f) bvk``: a cancellous gain (the anabolics' modeling-based
formation) moves the spine's strength more than its BMD, and the hip's (cortex-loaded) less.

``strength`` is what QCT finite-element analysis measures (its voxels do not resolve resorption
cavities).  :func:`fracture_strength` adds what FE misses: resorption cavities in cancellous bone are
stress risers that cost strength beyond their volume (Van der Linden 2001; micro-FE of cancellous cubes,
PMC3423528: 8-28 % of vertebral, 8-19 % of femoral-neck cancellous strength), so the cavity factor
multiplies the trabecular part only::

    fracture_strength = w S_tb C + (1 - w) S_ct,   C = (1 - c_site x) / (1 - c_site x0)

``x`` = cancellous remodeling space per cancellous bone present: the site's ``rs`` split by the
compartments' shares of the resorption flux (both follow the same cell activity, so the split changes
only with the compartments' volumes, over years, while ``rs`` refills over ``T_F`` ~ 70 days); ``x0`` its
young-adult value (``rho_c T_F``), so C = 1 there.  Linear in the cavity load (dilute defects); ``c_site``
from one micro-FE point per site (:mod:`osteosim.calibration.cavity`); C clipped at 0.
Struts lost to perforation (model state ``conn``, connected cancellous struts relative to the young adult;
:func:`osteosim.models.osteosim.perforation_rate`) cost strength beyond the bone they held: a network missing
struts is a weaker structure than one of thinner struts at the same mass (cellular solids; Mosekilde 2000:
vertebral strength falls 70-80 % with age while density falls 35-45 %), so the cancellous part is also
multiplied by ``conn^k`` (``connectivity_strength_exponent``)::

    fracture_strength = w_F S_tb C conn^k + (1 - w_F) S_ct

``w_F`` (``fracture_strength_weight_<site>``, :func:`fracture_weight`) keeps the trabecular share of fracture
strength at the elderly reference woman where ``w`` put it: the measured shares are of bone that has lost struts.

``strength`` leaves it out as it leaves the cavities out (QCT-FE voxels do not resolve struts).  The untreated
population loses struts with age too; :func:`population_connectivity_log_term` gives the mean log change of its
fracture strength they make, by age (stored by ``osteosim calibrate --perforation``), which the fracture hazard adds to the
population's mean log strength so that only a patient's departure from it moves her risk.
Parameters: Osteosim2026 (``strength_exponent_<site>``, ``cortical_strength_exponent``,
``strength_mineral_exponent``, ``trabecular_strength_weight_<site>``, ``cavity_coefficient_<site>``,
``connectivity_strength_exponent``).
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources

import numpy as np

from ..models.osteosim import young_remodeling_space

__all__ = ["site_strength", "compartment_strengths", "compartments", "strength", "strength_bmd_exponent",
           "cavity_factor", "remodeling_space", "cancellous_remodeling_space", "young_cancellous_remodeling_space",
           "fracture_strength", "strength_pct_change", "connectivity", "connectivity_factor",
           "population_connectivity_log_term", "fracture_weight"]


def _param(p: Mapping[str, float], name: str, site: str, what: str) -> float:
    try:
        return p[name]
    except KeyError:
        raise ValueError(f"site: {site!r} has no {what} ({name} in the parameter set)") from None


def compartment_strengths(bvc, minc, bvk, mk, p: Mapping[str, float], site: str) -> tuple[np.ndarray, np.ndarray]:
    """(S_tb, S_ct): the cancellous and cortical strengths of ``site`` (each 1 at the young-adult peak)
    from relative volumes and minerals (any equal shapes)."""
    b = _param(p, f"strength_exponent_{site}", site, "strength exponent")
    q = p["strength_mineral_exponent"]
    vals = {k: np.asarray(v, float) for k, v in (("bvc", bvc), ("minc", minc), ("bvk", bvk), ("mk", mk))}
    for k, v in vals.items():
        bad = v[~(np.isfinite(v) & (v >= 0.0))]
        if bad.size:
            raise ValueError(f"{k}: {float(bad[0]):g} is not allowed (relative volume or mineral: finite and >= 0)")
    s_tb = vals["bvc"] ** b * vals["minc"] ** q
    s_ct = vals["bvk"] ** p["cortical_strength_exponent"] * vals["mk"] ** q
    return s_tb, s_ct


def _weight(p: Mapping[str, float], site: str) -> float:
    w = _param(p, f"trabecular_strength_weight_{site}", site, "trabecular strength weight")
    if not 0.0 <= w <= 1.0:
        raise ValueError(f"trabecular_strength_weight_{site}: {w!r} is outside the allowed range [0, 1]")
    return w


def site_strength(bvc, minc, bvk, mk, p: Mapping[str, float], site: str) -> np.ndarray:
    """Relative strength of ``site`` (1 = young-adult peak): ``w S_tb + (1 - w) S_ct`` (module doc)."""
    s_tb, s_ct = compartment_strengths(bvc, minc, bvk, mk, p, site)
    w = _weight(p, site)
    return w * s_tb + (1.0 - w) * s_ct


def strength_bmd_exponent(p: Mapping[str, float], site: str) -> float:
    """d ln S / d ln BV when both compartments change by the same factor at the young adult:
    ``w b_site + (1 - w) b_ct`` (how strength scales with BMD across people, for the fracture hazard)."""
    w = _weight(p, site)
    b = _param(p, f"strength_exponent_{site}", site, "strength exponent")
    return w * b + (1.0 - w) * p["cortical_strength_exponent"]


def _state(model, ys, name: str) -> np.ndarray:
    try:
        i = model.state_names.index(name)
    except ValueError:
        raise ValueError(f"model: {model.name} has no state {name!r} (strength reads bv_<site>, mineral_<site>, "
                         "bvc_<site> and minc_<site>, fracture strength also the remodeling space rs_<site> "
                         "and the connectivity conn_<site>, of Osteosim)") from None
    return np.asarray(ys, float)[..., i]


def compartments(model, ys, p: Mapping[str, float], site: str) -> tuple[np.ndarray, ...]:
    """(bvc, minc, bvk, mk) of ``site`` from states ys (..., n_states): the cancellous states and the cortical
    rest, ``bvk = (bv - f bvc) / (1 - f)``, ``mk = (bv m - f bvc minc) / (bv - f bvc)`` (f: cancellous fraction)."""
    bv, m = _state(model, ys, f"bv_{site}"), _state(model, ys, f"mineral_{site}")
    bvc, minc = _state(model, ys, f"bvc_{site}"), _state(model, ys, f"minc_{site}")
    f = p[f"cancellous_fraction_{site}"]
    bvk = (bv - f * bvc) / (1.0 - f)
    mk = (bv * m - f * bvc * minc) / ((1.0 - f) * bvk)
    return bvc, minc, bvk, mk


def strength(model, ys, p: Mapping[str, float], site: str) -> np.ndarray:
    """Relative strength of ``site`` from a model's states ys (..., n_states) -> (...)."""
    return site_strength(*compartments(model, ys, p, site), p, site)


def remodeling_space(model, ys, site: str) -> np.ndarray:
    """Remodeling space per bone volume present (rs / bv, a fraction) of ``site``; ys (..., n_states)."""
    return _state(model, ys, f"rs_{site}") / _state(model, ys, f"bv_{site}")


def young_cancellous_remodeling_space(p: Mapping[str, float], site: str) -> float:
    """x0 = rho_c T_F: the young adult's cancellous remodeling space per cancellous bone (fraction)."""
    f, r = p[f"cancellous_fraction_{site}"], p[f"cancellous_turnover_ratio_{site}"]
    return young_remodeling_space(p, site) * r / (f * r + 1.0 - f)


def cancellous_remodeling_space(model, ys, p: Mapping[str, float], site: str) -> np.ndarray:
    """x: cancellous remodeling space per cancellous bone present (fraction); ys (..., n_states) -> (...).

    The site's ``rs`` split by the compartments' shares of the resorption flux
    (``f R bvc^e : (1 - f) bvk^e``, Osteosim.rhs), which move with the volumes only."""
    rs = _state(model, ys, f"rs_{site}")
    bvc, _, bvk, _ = compartments(model, ys, p, site)
    f, r, e = p[f"cancellous_fraction_{site}"], p[f"cancellous_turnover_ratio_{site}"], p["bv_exponent"]
    tb = f * r * bvc ** e
    share = tb / (tb + (1.0 - f) * bvk ** e)
    return share * rs / (f * bvc)


def cavity_factor(x, p: Mapping[str, float], site: str) -> np.ndarray:
    """C = (1 - c x) / (1 - c x0): cancellous strength left by the resorption cavities relative to the young
    adult's; x: cancellous remodeling space per cancellous bone (fraction), any shape."""
    c = _param(p, f"cavity_coefficient_{site}", site, "cavity coefficient (osteosim calibrate --cavity derives it)")
    x0 = young_cancellous_remodeling_space(p, site)
    return np.clip(1.0 - c * np.asarray(x, float), 0.0, None) / (1.0 - c * x0)


def connectivity(model, ys, site: str) -> np.ndarray:
    """Connected cancellous struts of ``site`` relative to the young adult (state conn); ys (..., n_states)."""
    return _state(model, ys, f"conn_{site}")


def connectivity_factor(conn, p: Mapping[str, float]) -> np.ndarray:
    """conn^k: cancellous strength left by the struts still connected (1 at the young adult); any shape."""
    conn = np.asarray(conn, float)
    bad = conn[~(np.isfinite(conn) & (conn >= 0.0))]
    if bad.size:
        raise ValueError(f"conn: {float(bad[0]):g} is not allowed (relative connectivity: finite and >= 0)")
    return conn ** p["connectivity_strength_exponent"]


def fracture_strength(model, ys, p: Mapping[str, float], site: str) -> np.ndarray:
    """Relative strength of ``site`` with the cancellous resorption-cavity stress riser and the struts lost to
    perforation, ``w_F S_tb C conn^k + (1 - w_F) S_ct`` (1 = young-adult peak); ys (..., n_states) -> (...)."""
    c = cavity_factor(cancellous_remodeling_space(model, ys, p, site), p, site)  # first: names a missing rs state
    k = connectivity_factor(connectivity(model, ys, site), p)
    s_tb, s_ct = compartment_strengths(*compartments(model, ys, p, site), p, site)
    w = fracture_weight(p, site)
    return w * s_tb * c * k + (1.0 - w) * s_ct


def fracture_weight(p: Mapping[str, float], site: str) -> float:
    """w_F: the trabecular share of the young adult's fracture strength (``fracture_strength_weight_<site>``).

    The trabecular shares measured in elderly bone (cadavers, micro-FE: ``trabecular_strength_share_<site>``) are
    shares of real bone, which has lost the struts it has lost; so conn^k must not move the share at that reference
    woman, only redistribute it across ages and patients: ``w_F / (1 - w_F) = (w / (1 - w)) / conn_ref^k``
    (calibration.perforation), which puts more of the young adult's strength in the cancellous bone than ``w``."""
    w = _param(p, f"fracture_strength_weight_{site}", site,
               "fracture strength weight (osteosim calibrate --perforation derives it)")
    if not 0.0 <= w <= 1.0:
        raise ValueError(f"fracture_strength_weight_{site}: {w!r} is outside the allowed range [0, 1]")
    return w


@lru_cache(maxsize=1)
def _population_table() -> dict:
    # shipped with the package: a missing table is a broken install, not "no strut loss" (that would silently
    # drop the population's connectivity term from every hazard)
    path = resources.files("osteosim").joinpath("data/perforation_fit.json")
    try:
        return json.loads(path.read_text())["population"]
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: the population connectivity table is missing; "
                                "run `osteosim calibrate --perforation --write` to derive it") from None


def population_connectivity_log_term(site: str, age, female) -> np.ndarray:
    """The untreated population's mean ``ln fracture_strength - ln (the same without the struts: conn = 1 and the
    weight w of strength)`` at ``site`` and
    ``age`` (years, any shape; female: 1/0 or bool, broadcast), from the reference woman's and man's runs that
    ``osteosim calibrate --perforation`` stores (linear in age between whole years, flat outside the table)."""
    table = _population_table()
    age = np.asarray(age, float)
    if site not in table["female"]:
        raise ValueError(f"site: {site!r} has no population connectivity term (stored: {sorted(table['female'])})")
    ages = np.asarray(table["ages"], float)
    f = np.interp(age, ages, table["female"][site])
    m = np.interp(age, ages, table["male"][site])
    fem = np.asarray(female, float)
    return fem * f + (1.0 - fem) * m


def strength_pct_change(strength: np.ndarray) -> np.ndarray:
    """% change from the first column (baseline) of (N, T) strengths."""
    s = np.asarray(strength, float)
    return 100.0 * (s / s[:, :1] - 1.0)
