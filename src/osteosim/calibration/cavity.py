"""Size the resorption-cavity stress riser from micro-FE (reproducible; no fracture outcome is used).

:func:`osteosim.outcomes.strength.fracture_strength` multiplies the cancellous strength by the cavity
factor ``C = (1 - c_site x) / (1 - c_site x0)``, ``x`` the cancellous remodeling space per cancellous bone
(:func:`~osteosim.outcomes.strength.cancellous_remodeling_space`; ``x0`` its young-adult value).  The
micro-FE study of cancellous cubes (CavityMicroFE2012, PMC3423528, Table 1) gives the cancellous strength
the cavities of osteoporotic-range bone cost: ``cavity_strength_loss_<site>`` (vertebra 8-28 %, femoral
neck 8-19 %).  It does not say how large a remodeling space its cavities stand for, so the model's own
typical postmenopausal cavity load is the reference: the untreated woman of :data:`REFERENCE` (65 y,
natural menopause at 51) loses ``cavity_strength_loss_<site>`` of cancellous strength to her cavities,
``1 - c_site x_ref = 1 - loss``, hence ``c_site = loss / x_ref``.

One solve of one untreated patient; deterministic.  ``osteosim calibrate --cavity`` re-derives it
(``--check`` compares with the shipped ``data/cavity_fit.json``, ``--write`` stores it).
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np

from ..models.osteosim import Osteosim
from ..outcomes.strength import cancellous_remodeling_space, young_cancellous_remodeling_space
from ..physiology.patient import SITES, Patient
from ..runs import Lane, build_run
from ..units import DAYS_PER_YEAR

from . import stored_fit

__all__ = ["REFERENCE", "fit", "write_fit", "check", "summary", "FIT_PATH", "reference_cavity_load"]

#: the reference woman whose cavities cost cavity_strength_loss_<site>: untreated, 65 y (the middle of
#: the 60-70 y range of the osteoporosis trials), natural menopause at 51 (SWAN median, Patient default)
REFERENCE = Patient(sex="female", age=65.0)
FIT_PATH = Path(str(resources.files("osteosim").joinpath("data/cavity_fit.json")))


def reference_cavity_load(params: dict | None = None, model: Osteosim | None = None) -> dict[str, float]:
    """site -> cancellous remodeling space per cancellous bone (x) of :data:`REFERENCE` at her age."""
    model = model or Osteosim()
    p = params or model.default_parameters().values_dict()
    run = build_run(model, [Lane(REFERENCE)], p, ts=np.array([REFERENCE.age * DAYS_PER_YEAR]))
    sol = run.solve()
    if not sol.ok[0]:
        raise RuntimeError("calibration.cavity: the reference woman's solve failed")
    ys = sol.ys[0, -1]
    return {s: float(cancellous_remodeling_space(model, ys, p, s)) for s in SITES}


def fit() -> dict:
    """``cavity_coefficient_<site>`` for every site with a ``cavity_strength_loss_<site>``, with a report."""
    model = Osteosim()
    p = model.default_parameters().values_dict()
    load = reference_cavity_load(p, model)
    values, report = {}, {}
    for site, x in load.items():
        loss = p.get(f"cavity_strength_loss_{site}")
        if loss is None:
            continue
        c = loss / x
        x0 = young_cancellous_remodeling_space(p, site)
        values[f"cavity_coefficient_{site}"] = c
        report[site] = {"reference_rs_per_bv": x, "young_adult_rs": x0, "strength_loss": loss,
                        "cavity_factor_reference_vs_young": (1.0 - loss) / (1.0 - c * x0)}
    return {"values": values, "report": report,
            "method": f"c = cavity_strength_loss_<site> / x (cancellous remodeling space per cancellous bone) of an untreated woman aged {REFERENCE.age:g} "
                      f"(natural menopause at {REFERENCE.effective_menopause_age:g}); one solve, no fitting"}


def write_fit(result: dict, path: Path = FIT_PATH) -> Path:
    return stored_fit.write(result, path)


def check(rtol: float = 1e-3) -> tuple[bool, dict]:
    """Re-derive the fit: (reproduced within rtol, {name: (stored, re-derived, rel. diff)})."""
    return stored_fit.check(fit, FIT_PATH, rtol)


def summary(result: dict) -> stored_fit.Summary:
    rows = [(k, f"{r['reference_rs_per_bv']:.4f}", f"{r['young_adult_rs']:.4f}", f"{r['strength_loss']:g}",
             f"{r['cavity_factor_reference_vs_young']:.3f}") for k, r in result["report"].items()]
    return stored_fit.Summary(
        "resorption-cavity stress riser: c = cancellous strength loss / x of the reference woman (x: cancellous "
        "remodeling space per cancellous bone)",
        ("site", "x reference", "x young adult", "strength loss", "C reference vs young"), rows,
        [stored_fit.values_line(result["values"])])
