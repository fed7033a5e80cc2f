"""Reading an exported SBML document back: state and parameter ids, time offset, a libroadrunner simulation."""
from __future__ import annotations

import re

import numpy as np


def sbml_time_offset(sbml: str) -> float:
    """Model time at SBML time 0 (``t_start`` of :func:`export_sbml`; 0 for most models)."""
    m = re.search(r'<osteosim:model [^>]*t_start="([^"]+)"', sbml)
    return float(m.group(1)) if m else 0.0


def sbml_state_ids(sbml: str) -> list[str]:
    """The ids of the rate-rule variables, in the model's state order."""
    import libsbml

    doc = libsbml.readSBMLFromString(sbml)
    m = doc.getModel()
    return [m.getRule(i).getVariable() for i in range(m.getNumRules()) if m.getRule(i).isRate()]


def sbml_parameter_ids(sbml: str) -> dict[tuple[str, str], str]:
    """(kind, name) -> SBML id for the model's parameters, drivers and states."""
    import libsbml

    doc = libsbml.readSBMLFromString(sbml)
    mdl = doc.getModel()
    out = {}
    for i in range(mdl.getNumParameters()):
        par = mdl.getParameter(i)
        ann = par.getAnnotationString() or ""
        kind = re.search(r'kind="([^"]+)"', ann)
        name = re.search(r'name="([^"]+)"', ann)
        if kind and name:
            out[(kind.group(1), name.group(1))] = par.getId()
    return out


def simulate_sbml_roadrunner(
    sbml: str,
    ts,
    rtol: float = 1e-10,
    atol: float | np.ndarray = 1e-14,
    max_steps: int = 1_000_000,
    y0=None,
) -> np.ndarray:
    """Integrate an exported model with libroadrunner (CVODE); returns (T, n_states).

    ts: output times in SBML time (the first is the start time).  atol: a scalar or one
    value per state (e.g. ``1e-12 * model.state_scale()``).  y0: optional initial state
    (state order) replacing the file's initial values.
    """
    import roadrunner

    ids = sbml_state_ids(sbml)
    rr = roadrunner.RoadRunner(sbml)
    if y0 is not None:
        y0 = np.asarray(y0, dtype=float).reshape(-1)
        if y0.size != len(ids):
            raise ValueError(f"y0: expected {len(ids)} values, got {y0.size}")
        # set the current state, not init(): each init() change regenerates the compiled model
        # (~7 s for the Osteosim file, 34 states); no reset follows, so the tolerances below stay
        for sid, v in zip(ids, y0):
            rr.model.setValue(sid, float(v))
    rr.setIntegrator("cvode")
    integ = rr.getIntegrator()
    integ.setValue("relative_tolerance", float(rtol))
    atol_arr = np.broadcast_to(np.asarray(atol, dtype=float), (len(ids),))
    integ.setValue("absolute_tolerance", float(np.min(atol_arr)))
    if np.ndim(atol) > 0 and hasattr(integ, "setIndividualTolerance"):
        for sid, a in zip(ids, atol_arr):
            integ.setIndividualTolerance(sid, float(a))
    integ.setValue("maximum_num_steps", int(max_steps))
    integ.setValue("variable_step_size", False)
    rr.timeCourseSelections = ["time"] + ids
    ts = np.asarray(ts, dtype=float)
    res = rr.simulate(times=list(ts))
    return np.asarray(res)[:, 1:].copy()
