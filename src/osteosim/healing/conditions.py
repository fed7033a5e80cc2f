"""Fracture conditions and patient effects on the healing parameters.

* ``normal``: the Bailon-Plaza 2001 callus with its soft-tissue MSC supply.
* ``atrophic_nonunion``: the endogenous MSC supply is switched off (soft-tissue boundary
  in 2-D, the lumped influx on the line), in the spirit of Geris et al. 2010, whose rat model
  strips the periosteum and reams the marrow.  The GF sources stay: the bone ends still
  signal, so cells brought in by injection can heal the gap (dossier section 5.5, S1-S2).

Patient effects (human patients; a rat keeps the reference values because its age in years
does not map to human MSC ageing) scale the non-dimensional rates:

* **Age, MSC pool** (lineage ageing of the remodeling model): pool = exp(-msc_age_decline *
  (age - 25)) (D'Ippolito 1999, the same parameter as Osteosim2026) scales the soft-tissue
  MSC density, and osteogenic commitment Y1 x pool^lineage_osteogenic_exponent.
* **Age, proliferation**: A_M0 / (1 + (r - 1) f), f rising linearly from 0 at 25 to 1 at
  70 years, r = MSC2026 ``msc_old_doubling_ratio`` (Zhou 2008: doubling time 1.7x longer in
  old donors).
* **Estrogen status**: after menopause or ovariectomy, MSC migration x (1 - ``msc_op_homing_loss``)
  = 0.25 (OVX MSCs migrate ~4x less, Sanghani-Kerai 2018) and Y1 x (1 - ``msc_op_potency_loss``)
  = 0.5 (less osteogenic, Liu 2017): the MSC2026 values, so the remodeling and healing modules
  agree.
"""
from __future__ import annotations

import math
from typing import Literal

from ..parameters.bailon_plaza2001 import BAILON_PLAZA2001
from ..parameters.msc2026 import MSC2026
from ..parameters.base import ParameterSet
from ..parameters.osteosim2026 import OSTEOSIM2026
from ..physiology.patient import Patient

__all__ = ["CONDITIONS", "Condition", "patient_factors", "healing_parameters", "condition_switches", "postmenopausal"]

CONDITIONS = ("normal", "atrophic_nonunion")
Condition = Literal["normal", "atrophic_nonunion"]


def postmenopausal(patient: Patient) -> bool:
    """Estrogen-deficient at the fracture: a woman past natural menopause or ovariectomy."""
    onset = patient.effective_menopause_age
    return onset is not None and patient.age >= onset


def msc_pool(age_years: float, params: ParameterSet = BAILON_PLAZA2001) -> float:
    """Relative osteoprogenitor pool at an age (1 at the reference age and younger)."""
    decline = OSTEOSIM2026.value("msc_age_decline")
    return math.exp(-decline * max(age_years - params.value("age_reference"), 0.0))


def osteogenic_potency_at_age(age_years: float, params: ParameterSet = BAILON_PLAZA2001) -> float:
    """Relative osteogenic commitment of MSCs from a donor of this age (lineage ageing)."""
    return msc_pool(age_years, params) ** params.value("lineage_osteogenic_exponent")


def patient_factors(patient: Patient | None, params: ParameterSet = BAILON_PLAZA2001) -> dict[str, float]:
    """Multipliers on the reference parameters (all 1 for no patient or a rat)."""
    f = {"c_M_boundary": 1.0, "Y1": 1.0, "A_M0": 1.0, "migration": 1.0}
    if patient is None or patient.species != "human":
        return f
    age = patient.age
    f["c_M_boundary"] = msc_pool(age, params)
    f["Y1"] = osteogenic_potency_at_age(age, params)
    a0, a1 = params.value("age_reference"), params.value("age_old_donor")
    old = min(max((age - a0) / (a1 - a0), 0.0), 1.0)
    f["A_M0"] = 1.0 / (1.0 + (MSC2026.value("msc_old_doubling_ratio") - 1.0) * old)
    if postmenopausal(patient):
        f["migration"] = 1.0 - MSC2026.value("msc_op_homing_loss")
        f["Y1"] *= 1.0 - MSC2026.value("msc_op_potency_loss")
    return f


def healing_parameters(patient: Patient | None, params: ParameterSet = BAILON_PLAZA2001) -> ParameterSet:
    """The parameter set with the patient's effects applied (migration scales D_h and the line's MSC influx)."""
    f = patient_factors(patient, params)
    if all(v == 1.0 for v in f.values()):
        return params
    return params.with_(
        source="patient effect (osteosim.healing.conditions)",
        c_M_boundary=params.value("c_M_boundary") * f["c_M_boundary"],
        Y1=params.value("Y1") * f["Y1"],
        A_M0=params.value("A_M0") * f["A_M0"],
        D_h=params.value("D_h") * f["migration"],
        k_msc_line=params.value("k_msc_line") * f["migration"],
    )


def condition_switches(condition: str) -> dict[str, bool]:
    """Model switches of a condition."""
    if condition not in CONDITIONS:
        raise ValueError(f"fracture.condition: {condition!r} is not allowed (allowed: {', '.join(CONDITIONS)})")
    return {"msc_supply": condition == "normal"}
