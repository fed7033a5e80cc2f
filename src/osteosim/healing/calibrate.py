"""Fit the healing module's time unit and the 1-D line's MSC influx rate.

* ``time_scale_days``: the normal reference callus (2-D planar, coarse grid, reference 2 mm
  gap, no patient effects, no treatment) bridges at t_b model units; a diaphyseal fracture
  unites in 12 weeks by Perkins' rule (``TARGET_UNION_WEEKS``), so T = 12 * 7 / t_b days.
  The dossier notes that a 1-day unit would unite in about a week, too fast (section 1.4).
* ``k_msc_line``: the lumped MSC influx of the 1-D line is chosen (Brent root search in log k)
  so that the line bridges at the same model time as the 2-D reference.

``python -m osteosim.healing.calibrate`` rewrites ``osteosim/data/healing_fit.json``;
``fit()`` returns the values without writing (the tests compare it with the stored file).
"""
from __future__ import annotations

import math
from importlib import resources

from scipy.optimize import brentq

from ..io_utils import atomic_write_json
from ..parameters.bailon_plaza2001 import BAILON_PLAZA2001
from .model import HealingModel
from .run import build_grid, solve_course

__all__ = ["TARGET_UNION_WEEKS", "reference_bridging_time", "fit", "write_fit"]

#: Perkins' rule (Oxford Handbook of Clinical Surgery): cortical (diaphyseal) fractures unite in ~12 weeks
TARGET_UNION_WEEKS = 12.0
_T_END = 20.0  # model units; the reference bridges near 7.5


def reference_bridging_time(geometry: str = "planar", resolution: str | float = "coarse", **overrides: float) -> float:
    """Bridging time (model units) of the normal reference callus with the 2 mm reference gap."""
    params = BAILON_PLAZA2001.with_(**overrides) if overrides else BAILON_PLAZA2001
    grid = build_grid(params, params.value("half_gap_ref"), geometry, resolution)
    course = solve_course(HealingModel(grid, params.values_dict()), _T_END, [0.0, _T_END])
    if course.union_time is None:
        raise RuntimeError("the reference callus did not bridge; check the parameter set")
    return course.union_time


def fit() -> dict[str, float]:
    t_planar = reference_bridging_time("planar")

    def miss(log_k: float) -> float:
        return reference_bridging_time("line", k_msc_line=10.0 ** log_k) - t_planar

    log_k = brentq(miss, -3.0, 0.0, xtol=1e-3)
    return {"time_scale_days": TARGET_UNION_WEEKS * 7.0 / t_planar, "k_msc_line": 10.0 ** log_k,
            "reference_bridging_model_time": t_planar}


def write_fit() -> dict[str, float]:
    values = fit()
    path = resources.files("osteosim").joinpath("data/healing_fit.json")
    atomic_write_json(str(path), {
        "method": "osteosim.healing.calibrate.fit: T = 12 weeks / bridging time of the 2-D reference; "
                  "k_msc_line by Brent root search so the 1-D line bridges at the same model time",
        "target": f"normal adult diaphyseal fracture unites in {TARGET_UNION_WEEKS:g} weeks (Perkins' rule)",
        "values": {k: v for k, v in values.items() if k != "reference_bridging_model_time"},
        "reference_bridging_model_time": values["reference_bridging_model_time"],
    })
    return values


if __name__ == "__main__":  # pragma: no cover
    v = write_fit()
    print({k: (round(x, 6) if math.isfinite(x) else x) for k, x in v.items()})
