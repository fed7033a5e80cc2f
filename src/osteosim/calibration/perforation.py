"""Size trabecular perforation from the age decline of vertebral trabecular number (reproducible; no fracture outcome).

The model loses connected cancellous struts (state ``conn``) at ``perforation_gain x`` cancellous resorption
``x`` the chance that a cavity is deeper than its strut (:func:`osteosim.models.osteosim.perforation_rate`).
``perforation_gain`` is set so that the untreated reference woman (:data:`REFERENCE_WOMAN`: natural menopause at
51, default risk profile) keeps ``perforation_reference_ratio`` of her lumbar-spine connectivity from
:data:`AGES` [0] to [1] (41 and 85 y: the middles of the 33-49 and 80-89 y groups of the L3 autopsy study,
``VertebralTrabeculaeAging``, whose women's trabecular number falls to 0.56).  One gain serves every site: the
others differ by their own cancellous turnover and thinning.

It also stores, by age, the untreated population's mean log change of fracture strength that the struts make
(``ln F - ln F_0``, F_0 the fracture strength without them: conn = 1 and the weight of ``strength``; :func:`osteosim.outcomes.strength.population_connectivity_log_term`) from
the reference woman and man: the fracture hazard adds it to the population's mean log strength (docs/model.md
7d), so an untreated patient's hazard follows the base incidence as before, and only strut loss a treatment
prevents (or a patient's faster loss) moves it.

With the gain come the fracture-strength weights ``fracture_strength_weight_<site>``
(:func:`osteosim.outcomes.strength.fracture_weight`): the trabecular shares measured in elderly bone are shares of
bone that has lost struts, so at the reference woman of ``strength_share_reference_age`` (75 y) the share stays where
``trabecular_strength_weight_<site>`` put it: ``w_F / (1 - w_F) = (w / (1 - w)) / conn_75^k``.

``osteosim calibrate --perforation`` re-derives it (``--check`` compares with the shipped
``data/perforation_fit.json``, ``--write`` stores it).  A solve per trial gain (Brent on ln gain); the connectivity
reads nothing downstream-only states feed back into, so no other state moves with the gain.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
from scipy.optimize import brentq

from ..models.osteosim import Osteosim
from ..outcomes.strength import (cancellous_remodeling_space, cavity_factor, compartment_strengths, compartments,
                                 fracture_weight)
from ..physiology.patient import SITES, Patient
from ..runs import Lane, build_run
from ..units import DAYS_PER_YEAR

from . import stored_fit

__all__ = ["REFERENCE_WOMAN", "REFERENCE_MAN", "AGES", "TABLE_AGES", "fit", "write_fit", "check", "summary", "FIT_PATH",
           "connectivity_course", "log_connectivity_term"]

REFERENCE_WOMAN = Patient(sex="female", age=100.0)
REFERENCE_MAN = Patient(sex="male", age=100.0)
#: the two ages whose lumbar-spine connectivity ratio is the target (middles of the 33-49 and 80-89 y groups)
AGES = (41.0, 85.0)
#: ages of the stored population table (whole years from the young-adult peak)
TABLE_AGES = np.arange(25.0, 101.0)
FIT_PATH = Path(str(resources.files("osteosim").joinpath("data/perforation_fit.json")))
FIT_SITE = "lumbar_spine"


def _solve(p: dict, model: Osteosim, people=(REFERENCE_WOMAN,)) -> np.ndarray:
    """States (len(people), len(TABLE_AGES), n_states) of untreated people on TABLE_AGES."""
    run = build_run(model, [Lane(x) for x in people], p, ts=TABLE_AGES * DAYS_PER_YEAR)
    sol = run.solve()
    if not sol.ok.all():
        raise RuntimeError("calibration.perforation: a reference solve failed")
    return np.asarray(sol.ys)


def connectivity_course(gain: float, p: dict | None = None, model: Osteosim | None = None,
                        site: str = FIT_SITE) -> np.ndarray:
    """conn of ``site`` of the untreated reference woman on TABLE_AGES at ``perforation_gain = gain``."""
    model = model or Osteosim()
    p = dict(p or model.default_parameters().values_dict(), perforation_gain=float(gain))
    ys = _solve(p, model)[0]
    return ys[:, model.state_names.index(f"conn_{site}")]


def log_connectivity_term(model: Osteosim, ys: np.ndarray, p: dict, site: str) -> np.ndarray:
    """What the struts do to fracture strength (outcomes.strength.fracture_strength) at states ys (..., n_states):
    ``ln F - ln F_0`` with ``F_0 = w S_tb C + (1 - w) S_ct`` the fracture strength without them (the trabecular
    weight w of ``strength``, conn = 1), so the population's mean log strength moves by exactly what they add."""
    c = cavity_factor(cancellous_remodeling_space(model, ys, p, site), p, site)
    s_tb, s_ct = compartment_strengths(*compartments(model, ys, p, site), p, site)
    w_f, w = fracture_weight(p, site), p[f"trabecular_strength_weight_{site}"]
    conn = ys[..., model.state_names.index(f"conn_{site}")]
    k = p["connectivity_strength_exponent"]
    return np.log(w_f * s_tb * c * conn ** k + (1.0 - w_f) * s_ct) - np.log(w * s_tb * c + (1.0 - w) * s_ct)


def _ratio(conn: np.ndarray) -> float:
    i0, i1 = (int(np.searchsorted(TABLE_AGES, a)) for a in AGES)
    return float(conn[i1] / conn[i0])


def fit() -> dict:
    """``perforation_gain`` (the lumbar-spine connectivity ratio of the reference woman), the population table and
    a report of every site's connectivity at a few ages."""
    model = Osteosim()
    p = model.default_parameters().values_dict()
    target = p["perforation_reference_ratio"]
    ln_gain = brentq(lambda g: np.log(_ratio(connectivity_course(np.exp(g), p, model)) / target), np.log(1e-2),
                     np.log(1e3), xtol=1e-5)
    gain = float(np.exp(ln_gain))
    p = dict(p, perforation_gain=gain)
    ys = _solve(p, model, (REFERENCE_WOMAN, REFERENCE_MAN))
    # fracture-strength weights: the measured elderly trabecular share (calibration.strength puts it at the reference
    # woman of strength_share_reference_age through w) holds with the struts she has lost
    ref = int(np.searchsorted(TABLE_AGES, p["strength_share_reference_age"]))
    values = {"perforation_gain": gain}
    for s in SITES:
        w, ck = p[f"trabecular_strength_weight_{s}"], ys[0, ref, model.state_names.index(f"conn_{s}")] ** p[
            "connectivity_strength_exponent"]
        values[f"fracture_strength_weight_{s}"] = float(w / (w + (1.0 - w) * ck))
    p.update(values)
    table = {"ages": TABLE_AGES.tolist()}
    for sex, y in zip(("female", "male"), ys):
        table[sex] = {s: log_connectivity_term(model, y, p, s).tolist() for s in SITES}
    report = {}
    for sex, y in zip(("female", "male"), ys):
        for s in SITES:
            conn = y[:, model.state_names.index(f"conn_{s}")]
            report[f"{sex}_{s}"] = {f"conn_{a:g}": float(np.interp(a, TABLE_AGES, conn)) for a in (41, 51, 65, 75, 85)}
            report[f"{sex}_{s}"]["log_term_75"] = float(np.interp(75.0, TABLE_AGES, table[sex][s]))
    return {"values": values, "population": table, "report": report,
            "method": f"perforation_gain: the untreated woman's (natural menopause at "
                      f"{REFERENCE_WOMAN.effective_menopause_age:g}) {FIT_SITE} connectivity at {AGES[1]:g} y over "
                      f"{AGES[0]:g} y equals perforation_reference_ratio ({target:g}); Brent on ln gain. population: "
                      "ln F - ln F(conn = 1) of the untreated reference woman and man by age (fracture hazard's mu)"}


def write_fit(result: dict, path: Path = FIT_PATH) -> Path:
    return stored_fit.write(result, path)


def check(rtol: float = 1e-3) -> tuple[bool, dict]:
    """Re-derive the fit: (gain and population table reproduced within rtol, {name: (stored, re-derived, rel.
    diff)}); the table is compared by its largest absolute difference against rtol."""
    import json

    new = fit()
    ok, diffs = stored_fit.compare(FIT_PATH, new["values"], rtol)
    stored = json.loads(FIT_PATH.read_text())["population"]
    for sex in ("female", "male"):
        for s in SITES:
            a, b = np.asarray(stored[sex][s]), np.asarray(new["population"][sex][s])
            err = float(np.max(np.abs(a - b))) if a.shape == b.shape else float("inf")
            diffs[f"population_{sex}_{s}_max_abs"] = (float(a[-1]) if a.size else float("nan"), float(b[-1]), err)
            ok = ok and err <= rtol
    return ok, diffs


def summary(result: dict) -> stored_fit.Summary:
    rows = [(k, *(f"{r[f'conn_{a}']:.3f}" for a in (41, 51, 65, 75, 85)), f"{r['log_term_75']:+.3f}")
            for k, r in result["report"].items()]
    return stored_fit.Summary(
        "trabecular perforation: connected cancellous struts of the untreated reference woman and man (1 = young "
        "adult; fitted: lumbar spine 85 y / 41 y = perforation_reference_ratio)",
        ("sex, site", "41 y", "51 y", "65 y", "75 y", "85 y", "ln F share at 75 y"), rows,
        [stored_fit.values_line(result["values"])])
