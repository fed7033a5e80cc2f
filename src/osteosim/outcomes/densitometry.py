"""Densitometry: BMD (g/cm^2) per site from bone volume and mineral, T- and Z-scores.

BMD_site(t) = peak_site * bv(t) * mineral(t): areal BMD scales with the bone
present and its mean mineral content, relative to the patient's young-adult peak.
T-score = (BMD - young-adult female mean) / SD, the reference each site names in
:mod:`osteosim.physiology.sites` (NHANES III for the hip, Kanis 2008 for women and men
alike; NHANES 2005-08 for the spine).  WHO categories: :mod:`osteosim.physiology.who`.
"""
from __future__ import annotations

import numpy as np

from ..physiology.patient import Patient
from ..physiology.sites import SITE_TABLE, site as site_row
from ..physiology.who import who_category

#: the references a run that reports BMD / T- and Z-scores cites: the NHANES III reference
#: population (Looker 1998), the WHO reference standard (Kanis 2008) and the WHO categories (Kanis 1994)
CITATION_KEYS: tuple[str, ...] = ("Looker1998", "Kanis2008", "Kanis1994")

__all__ = ["reference", "male_peak_z", "peak_bmd", "baseline_peak", "tscore", "bmd_from_tscore", "who_category"]


def reference(p: dict, site: str) -> tuple[float, float]:
    """(young-adult female mean, SD) in g/cm^2 of ``site``'s T-score reference."""
    row = site_row(site)
    return p[row.reference_mean], p[row.reference_sd]


def male_peak_z(p: dict, site: str) -> float:
    """Young-adult peak BMD of men at ``site`` relative to the female reference (SD)."""
    return p[site_row(site).male_peak_z]


def peak_bmd(patient: Patient, p: dict) -> dict[str, float]:
    """The patient's young-adult peak BMD per site (g/cm^2) from sex, family history and BMI."""
    out = {}
    for row in SITE_TABLE:
        site = row.name
        mean, sd = reference(p, site)
        z = 0.0
        if patient.sex == "male":
            z += male_peak_z(p, site)
        if patient.family_history:
            z += p["peak_z_family_history"]
        z += p["peak_z_per_bmi"] * (patient.bmi - 25.0)
        out[site] = mean + z * sd
    return out


def baseline_peak(patient: Patient, p: dict, site: str, rel_start):
    """The peak BMD (g/cm^2) a run multiplies its relative BMD by at ``site``: the patient's own peak
    (:func:`peak_bmd`), or, where the patient has a measured baseline there (``measured_baseline()``: a
    T-score or a BMD), the peak that makes the simulated BMD at the start age equal the measurement.
    ``rel_start``: relative BMD at the start age (any shape: one run, or lanes ``(L, 1)``)."""
    measured = patient.measured_baseline()
    if site not in measured:
        return peak_bmd(patient, p)[site]
    kind, v = measured[site]
    target = float(bmd_from_tscore(v, p, site)) if kind == "tscore" else v
    return target / rel_start


def tscore(bmd, p: dict, site: str):
    mean, sd = reference(p, site)
    return (np.asarray(bmd) - mean) / sd


def bmd_from_tscore(t, p: dict, site: str):
    mean, sd = reference(p, site)
    return mean + np.asarray(t) * sd
