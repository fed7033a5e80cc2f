"""Exposure channels: the drug signals the Osteosim model reads (its PD hooks), declared once.

Every registered drug fills one or more channels through its PK kind
(:mod:`osteosim.therapies.pk`); drugs on the same channel add up.  The model
(:mod:`osteosim.models.osteosim`) turns each channel into its effect term; ``pth_increment`` is
derived here from ``teri_rate``.  A drug with a new mechanism needs a new channel here, the
effect term that reads it in the model, and (if no PK kind fits) a PK kind: see
docs/architecture.md, "Add a drug".
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["Channel", "CHANNELS", "derived"]


@dataclass(frozen=True)
class Channel:
    name: str
    unit: str
    effect: str  # what the model does with it


CHANNELS: dict[str, Channel] = {c.name: c for c in (
    Channel("msc_lung", "cells", "graft cells trapped in the lungs (no bone effect; attribution)"),
    Channel("msc_marrow", "cells per site (S,)", "graft cells in the marrow of each site"),
    Channel("msc_x_osteo", "relative to the young progenitor pool (S,)", "graft cells committing to osteoblasts"),
    Channel("msc_x_adipo", "relative to the young progenitor pool (S,)", "graft cells adding to marrow fat"),
    Channel("msc_paracrine", "0..1 (S,)", "paracrine signal: commitment and formation up, RANKL down"),
    Channel("msc_immune", "0..1", "immunosuppression: damps the estrogen-deficiency drive (defic, post-menopausal transient)"),
    Channel("den_conc", "ng/mL", "RANKL decoy (den_rankl_affinity x concentration in the RANKL binding)"),
    Channel("bp_bound", "mg alendronate-equivalent", "osteoclast apoptosis up (bp_emax, bp_ec50)"),
    Channel("teri_rate", "ug/day teriparatide-equivalent", "anabolic PTH: osteoblast apoptosis down, recruitment up"),
    Channel("pth_increment", "Pivonka PTH units", "added serum PTH (derived from teri_rate)"),
    Channel("romo_conc", "mg/L", "neutralises sclerostin (romo_kd): formation up, RANKL down"),
    Channel("est_rate", "mg/day CEE", "restores lost estrogen action (est_ed50)"),
    Channel("serm_rate", "mg/day absorbed raloxifene", "restores a share of the lost estrogen action (ralox_emax, ralox_ec50)"),
    Channel("ca_supplement", "mg/day calcium", "adds to dietary calcium (PTH set-point)"),
    Channel("vitd_supplement", "IU/day vitamin D3", "raises 25(OH)D (vitd_ng_per_100iu; PTH set-point)"),
)}


def derived(x: Mapping, p: Mapping) -> dict:
    """Channels computed from other channels: the serum PTH increment of the PTH-analogue rate.

    Teriparatide-equivalent ug/day x bioavailability x pmol/ug / plasma clearance (pM), on
    Pivonka's PTH scale (OpenBoneMin baseline).
    """
    rate = x["teri_rate"]
    return {"pth_increment": (rate * p["teri_F"] * p["teri_pmol_per_ug"] / p["pth_clearance"])
            * p["pivonka_pth_per_pM"]}
