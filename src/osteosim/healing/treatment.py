"""Local MSC injection (and optional growth-factor co-delivery) into the callus.

A treatment list holds regimen strings or mappings (DESIGN section 5), parsed by
:func:`osteosim.therapies.regimen.parse_regimen`; the healing module accepts MSC products
given ``into the gap``, e.g. ``msc bone-marrow allogeneic 1e6 cells into the gap at 1 week``
(repeated schedules give one injection per dose).

Dose -> density: the cells that stay (the product's ``local_retention``) and act like
reference MSCs (its ``osteogenic_potency``; both from :class:`osteosim.therapies.msc.MSCProduct`) are spread uniformly over the injected
region, whose real volume is gap_mm x bone_cross_section_mm2 for the gap (the whole callus
is larger by the grid's callus/gap volume ratio), and divided by the cell-density scale c0.
The new MSC density is capped at the limiting density 1/alpha_M; the cells removed by the
cap are reported (``cells_capped``) rather than silently dropped.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..parameters.base import ParameterSet
from ..physiology.patient import Patient
from ..therapies.regimen import Prescription, parse_regimen
from ..therapies.msc import MSCProduct
from .grid import Grid
from .model import CM, GB, GC

__all__ = ["Injection", "injections_from_treatment", "product_effect", "apply_injection", "REGIONS"]

REGIONS = ("gap", "callus")
REFERENCE_RECIPIENT = Patient(age=30.0, sex="male")


@dataclass(frozen=True)
class Injection:
    """One local MSC injection (times in days after the fracture)."""

    t_days: float
    cells: float
    region: str = "gap"
    potency: float = 1.0   # osteogenic potency relative to young bone-marrow MSCs
    retention: float = 1.0  # share of the injected cells that stays in the region
    source: str = "bone-marrow"
    donor: str = "allogeneic"
    donor_age_years: float | None = None
    g_B_ng_per_ml: float = 0.0  # co-delivered osteogenic GF (BMP-like)
    g_C_ng_per_ml: float = 0.0  # co-delivered chondrogenic GF (TGF-beta-like)
    text: str = ""


def product_effect(prescription: Prescription, patient: Patient | None) -> MSCProduct:
    """The MSC product of a prescription (:meth:`osteosim.therapies.msc.MSCProduct.from_prescription`).

    The healing model uses its ``osteogenic_potency`` (source, donor age, osteoporotic
    autologous donor) and ``local_retention`` (share of a local injection that stays).  Without
    a patient the reference recipient is a healthy 30-year-old (no patient effects).
    """
    return MSCProduct.from_prescription(prescription, patient if patient is not None else REFERENCE_RECIPIENT)


def injections_from_treatment(items: Iterable[Any] | None, patient: Patient | None, horizon_days: float,
                              codelivery: Mapping[str, float] | None = None,
                              where: str = "treatment") -> list[Injection]:
    """Parse the treatment list into injections before the horizon (errors name the entry)."""
    regimen = parse_regimen(list(items or []), where=where)
    gf = dict(codelivery or {})
    out: list[Injection] = []
    for k, pr in enumerate(regimen):
        label = f"{where}[{k}]: {pr.text or str(pr)!r}"
        if not pr.is_msc:
            raise ValueError(f"{label}: {pr.therapy!r} is not allowed in a fracture treatment (allowed: msc ... into the gap)")
        if pr.route != "into the gap":
            raise ValueError(f"{label}: route {pr.route!r} is not allowed for fracture healing (allowed: into the gap)")
        if pr.is_once:
            times = [pr.start_days]
        else:
            n = pr.count if pr.count is not None else math.ceil((horizon_days - pr.start_days) / pr.interval_days)
            times = [pr.start_days + i * float(pr.interval_days) for i in range(max(n, 0))]
        product = product_effect(pr, patient)
        for t in times:
            if t < horizon_days:
                out.append(Injection(t_days=t, cells=product.cells_per_dose, potency=product.osteogenic_potency,
                                     retention=product.local_retention, source=product.source,
                                     donor=product.donor, donor_age_years=product.donor_age_years,
                                     g_B_ng_per_ml=float(gf.get("osteogenic_gf_ng_per_ml", 0.0)),
                                     g_C_ng_per_ml=float(gf.get("chondrogenic_gf_ng_per_ml", 0.0)),
                                     text=pr.text or str(pr)))
    return sorted(out, key=lambda i: i.t_days)


def region_mask(grid: Grid, region: str) -> np.ndarray:
    if region == "gap":
        return grid.gap
    if region == "callus":
        return np.ones(grid.n, dtype=bool)
    raise ValueError(f"injection region: {region!r} is not allowed (allowed: {', '.join(REGIONS)})")


def injection_density(inj: Injection, grid: Grid, params: ParameterSet, gap_mm: float) -> float:
    """Non-dimensional MSC density the injection adds over its region (before the cap)."""
    gap_ml = gap_mm * params.value("bone_cross_section_mm2") / 1000.0
    mask = region_mask(grid, inj.region)
    region_ml = gap_ml * grid.volume[mask].sum() / grid.volume[grid.gap].sum()
    effective = inj.cells * inj.retention * inj.potency
    return effective / (params.value("cell_density_scale") * region_ml)


def apply_injection(u: np.ndarray, inj: Injection, grid: Grid, params: ParameterSet, gap_mm: float) -> dict[str, float]:
    """Add the injection to the state u (7, n) in place; returns the delivered and capped cell numbers."""
    mask = region_mask(grid, inj.region)
    dens = injection_density(inj, grid, params, gap_mm)
    cap = 1.0 / params.value("alpha_M")
    before = u[CM, mask].copy()
    u[CM, mask] = np.minimum(before + dens, cap)
    excess = (before + dens - u[CM, mask]) @ grid.volume[mask]
    scale = inj.cells / (dens * grid.volume[mask].sum()) if dens > 0 else 0.0
    if inj.g_B_ng_per_ml:
        u[GB, mask] += inj.g_B_ng_per_ml / params.value("gf_scale")
    if inj.g_C_ng_per_ml:
        u[GC, mask] += inj.g_C_ng_per_ml / params.value("gf_scale")
    return {"t_days": inj.t_days, "cells": inj.cells, "density_added": dens,
            "cells_capped": float(excess * scale), "potency": inj.potency}
