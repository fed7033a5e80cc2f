"""Mesenchymal stem/stromal cell (MSC) therapy: products, biodistribution, fate and mechanisms.

MSC efficacy in humans is hypothetical: no human BMD or fracture data exist
(calibration-targets.csv row 69).  Parameters: :mod:`osteosim.parameters.msc2026`.

Product
    :class:`MSCProduct` = source (bone-marrow | adipose | umbilical-cord), donor
    (autologous | allogeneic), donor age, route (iv | intraosseous | into the gap), site and
    cells per dose.  Autologous cells carry the patient's age and disease state: cells of an
    osteoporotic donor (T-score <= -2.5 at a measured site, a prior fragility fracture, or an
    ovariectomised animal) are less osteogenic, more adipogenic and home less (Liu 2017;
    Sanghani-Kerai 2018).  Derived properties come from :func:`product_properties`, the
    same function the model evaluates inside the solve, so the two cannot disagree.

Fate (closed form per dose, see :func:`graft`)
    IV: a fraction ``msc_lung_trapping`` lodges in the lungs and dies there (survival
    half-life ~24 h, faster when allogeneic); ``msc_marrow_homing`` (~0.05 %) reaches the
    marrow within hours and spreads over all marrow by volume.  Intraosseous: a fraction
    ``msc_io_retention`` stays in the marrow of the injected site only.  Marrow graft cells
    proliferate slowly and are cleared at their own survival rate (``msc_marrow_survival_halflife``,
    days) plus the immune rate.  Both compartments
    are linear with bolus inputs, so they are sums of exponentials over the dose table
    (:func:`osteosim.therapies.dosing.depot_amount`) and each dose is a jump time.

Concentration
    Graft cells per mL of a site's active marrow (ICRP 89 / Cristy 1981 volumes) divided by
    the young-adult osteoprogenitor density (66.2 ALP+ CFU-F per 1e6 marrow cells x marrow
    cell density): ``x = 1`` means the graft equals the young endogenous osteoprogenitor pool.

Mechanisms (:data:`MECHANISMS`, each switched by ``msc_switch_<name>``)
    differentiation: graft cells commit like endogenous progenitors (flux D_OBu x potency x
        x / (1 + x / capacity), niche-limited) into osteoblast precursors; their adipogenic
        share adds to marrow fat;
    paracrine_formation: a paracrine signal S = E / (E + EC50) (E: local exposure plus a
        systemic share of all graft cells, lungs included) raises endogenous commitment and
        bone formed per osteoblast;
    osteoclast_inhibition: the same signal lowers RANKL signalling (graft OPG, Oshita 2011);
    immunomodulation: every graft cell, wherever it lodges (lungs included), suppresses T cells
        while it lives (FAS-ligand T-cell apoptosis, then regulatory T cells: Akiyama 2012; in
        gonadectomised mice, Sui 2018) and the suppression outlasts the cells, fading with its own
        half-life (``msc_immune_halflife``).  The suppressed fraction ``I`` (0..``msc_immune_emax``)
        damps the estrogen-deficiency drive on bone (the model's ``defic`` and post-menopausal
        transient: the T-cell RANKL/TNF of estrogen loss and what it does to osteoclasts and
        resident MSCs), so it does nothing while estrogen is replete.  See :func:`immune_memory`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from ..parameters.msc2026 import MSC2026
from ..physiology.patient import SITES
from ..physiology.who import is_osteoporotic_tscore
from . import vocabulary as cat
from .drug import Drug
from .pk import PKKind

if TYPE_CHECKING:  # pragma: no cover
    from ..physiology.patient import Patient
    from .regimen import Prescription

__all__ = ["MECHANISMS", "SWITCHES", "MSCProduct", "CellGraft", "DESCRIPTORS", "product_properties", "empty_descriptors",
           "msc_tables", "graft", "immune_memory", "is_osteoporotic", "HYPOTHETICAL_NOTE", "DRUG"]

#: the switchable mechanisms, in attribution order
MECHANISMS = ("differentiation", "paracrine_formation", "osteoclast_inhibition", "immunomodulation")
#: mechanism -> parameter that switches it (1 on, 0 off)
SWITCHES = {m: f"msc_switch_{m}" for m in MECHANISMS}
#: per-dose-block product descriptors handed to the solver (driver ``msc_<name>``, shape (B,))
DESCRIPTORS = ("src_adipose", "src_cord", "allo", "donor_age", "osteoporotic", "iv") + tuple(f"site_{s}" for s in SITES)

HYPOTHETICAL_NOTE = (
    "MSC efficacy in humans is hypothetical: no human BMD or fracture outcome has been published "
    "(calibration-targets.csv row 69; NCT02566655 reported safety only). The MSC effects here come from "
    "preclinical biology (biodistribution, survival, differentiation, paracrine OPG, immunosuppression) with wide ranges."
)

_DEFAULTS = {k: v.value for k, v in MSC2026.items()}


def _src_value(src_adipose, src_cord, bm, adipose, cord):
    return bm * (1.0 - src_adipose - src_cord) + adipose * src_adipose + cord * src_cord


def product_properties(desc: dict, p: dict, xp: Any = np) -> dict:
    """Derived product properties from descriptors (scalars or (B,) arrays) and parameters.

    ``xp`` is ``numpy`` or ``jax.numpy`` (the model calls this inside its right-hand side).
    Returns osteogenic_potency (0..1, young BM-MSC = 1), adipogenic_bias (0..1),
    proliferation_per_day, immune_clearance_per_day, survival_clearance_per_day,
    marrow_net_loss_per_day, lung_clearance_per_day, marrow_fraction (IV homing or
    intraosseous retention) and paracrine_strength (0..1).
    """
    sa, sc, op = desc["src_adipose"], desc["src_cord"], desc["osteoporotic"]
    age_excess = xp.maximum(desc["donor_age"] - p["msc_donor_young_age"], 0.0)
    age_factor = xp.exp(-p["msc_donor_potency_decline"] * age_excess)
    # the osteoporotic-donor penalty depends on the source (Zheng 2018: OVX adipose cells kept their effect)
    quality = age_factor * (1.0 - op * _src_value(sa, sc, p["msc_op_potency_loss"], p["msc_op_potency_loss_adipose"],
                                                  p["msc_op_potency_loss"]))
    potency = _src_value(sa, sc, 1.0, p["msc_osteo_adipose"], p["msc_osteo_cord"]) * quality
    adipo0 = _src_value(sa, sc, p["msc_adipo_marrow"], p["msc_adipo_adipose"], p["msc_adipo_cord"])
    adipo = xp.clip(adipo0 * (1.0 + p["msc_adipo_age_gain"] * (1.0 - quality)), 0.0, 1.0)
    # doubling time lengthens towards the old-donor ratio as the age factor falls (Zhou 2008)
    prolif = (p["msc_prolif_rate"] * _src_value(sa, sc, 1.0, p["msc_prolif_factor_adipose"], p["msc_prolif_factor_cord"])
              / (1.0 + (p["msc_old_doubling_ratio"] - 1.0) * (1.0 - age_factor)))
    k_surv = math.log(2.0) / p["msc_survival_halflife"]  # lung-trapped cells (Lee 2009: ~24 h)
    k_marrow = math.log(2.0) / p["msc_marrow_survival_halflife"]  # marrow cells persist longer (rabbit, 4 weeks)
    immune = desc["allo"] * p["msc_allo_clearance"]
    # grafts never expand without bound: proliferation offsets at most 90 % of survival clearance
    net = xp.maximum(k_marrow + immune - prolif, 0.1 * k_marrow)
    homing = p["msc_marrow_homing"] * (1.0 - op * p["msc_op_homing_loss"])
    fraction = desc["iv"] * homing + (1.0 - desc["iv"]) * p["msc_io_retention"]
    return {
        "osteogenic_potency": potency,
        "adipogenic_bias": adipo,
        "proliferation_per_day": prolif,
        "immune_clearance_per_day": immune,
        "survival_clearance_per_day": k_surv * xp.ones_like(sa),
        "marrow_net_loss_per_day": net,
        "lung_clearance_per_day": k_surv + immune,
        "marrow_fraction": fraction,
        "paracrine_strength": quality ** p["msc_paracrine_age_exponent"],
    }


def is_osteoporotic(patient: "Patient") -> bool:
    """Disease state of an autologous donor: measured T-score <= -2.5, prior fracture, or an OVX animal."""
    if patient.prior_fracture:
        return True
    if patient.species == "rat" and patient.ovariectomy_age is not None:
        return True
    return any(kind == "tscore" and is_osteoporotic_tscore(v) for kind, v in patient.measured_baseline().values())


@dataclass(frozen=True)
class MSCProduct:
    """One MSC product as given in one dose (see the module docstring)."""

    source: str  # bone-marrow | adipose | umbilical-cord
    donor: str  # autologous | allogeneic
    donor_age_years: float
    route: str  # iv | intraosseous | into the gap
    site: str | None
    cells_per_dose: float  # absolute cells
    osteoporotic_donor: bool = False
    parameters: dict = field(default_factory=lambda: dict(_DEFAULTS), compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.source not in cat.MSC_SOURCES:
            raise ValueError(f"source: {self.source!r} is not allowed; allowed: {', '.join(cat.MSC_SOURCES)}")
        if self.donor not in cat.MSC_DONORS:
            raise ValueError(f"donor: {self.donor!r} is not allowed; allowed: {', '.join(cat.MSC_DONORS)}")
        if self.route not in ("iv", "intraosseous", "into the gap"):
            raise ValueError(f"route: {self.route!r} is not allowed; allowed: iv, intraosseous, into the gap")
        if not (0.0 <= self.donor_age_years <= 120.0):
            raise ValueError(f"donor_age_years: {self.donor_age_years} is outside the allowed range 0..120")
        if self.route == "intraosseous" and self.site is None:
            raise ValueError("site: an intraosseous product needs a site; allowed: " + ", ".join(SITES))
        if self.site is not None and self.site not in SITES:
            raise ValueError(f"site: {self.site!r} is not allowed; allowed: {', '.join(SITES)}")
        if not (self.cells_per_dose >= 0.0 and math.isfinite(self.cells_per_dose)):
            raise ValueError(f"cells_per_dose: {self.cells_per_dose!r} is not allowed (a number >= 0)")

    # -- construction ---------------------------------------------------------------------
    @classmethod
    def from_prescription(cls, prescription: "Prescription", patient: "Patient",
                          params: dict | None = None) -> "MSCProduct":
        """The product of a parsed MSC prescription for this patient.

        Autologous cells take the patient's age at the first dose and disease state; an
        allogeneic donor's age is the prescription's ``donor age`` or the source default
        (``catalog.MSC_DEFAULT_DONOR_AGE``; for an animal, a young donor of its species).  ``cells/kg`` doses use the patient's body weight
        (:attr:`Patient.body_weight_kg`).  ``params``: parameter values (default MSC2026).
        """
        if not prescription.is_msc:
            raise ValueError(f"{prescription.therapy!r} is not an MSC prescription")
        age_at_dose = patient.age + prescription.start_days / 365.25
        autologous = prescription.donor == "autologous"
        pv = dict(_DEFAULTS)
        if params is not None:
            pv.update({k: float(params[k]) for k in _DEFAULTS if k in params})
        donor_age = prescription.donor_age(age_at_dose)
        if patient.species != "human" and not autologous and prescription.donor_age_years is None:
            # the catalogue defaults are human donor ages: an animal study uses young donors of its species
            donor_age = pv["msc_donor_young_age"]
        return cls(
            source=str(prescription.source),
            donor=str(prescription.donor),
            donor_age_years=float(donor_age),
            route=prescription.route,
            site=prescription.site,
            cells_per_dose=float(prescription.amount(patient.body_weight_kg)),
            osteoporotic_donor=autologous and is_osteoporotic(patient),
            parameters=pv,
        )

    # -- descriptors and derived properties --------------------------------------------------
    def descriptors(self) -> dict[str, float]:
        """The solver's per-block descriptors of this product (see :data:`DESCRIPTORS`)."""
        out = {
            "src_adipose": float(self.source == "adipose"),
            "src_cord": float(self.source == "umbilical-cord"),
            "allo": float(self.donor == "allogeneic"),
            "donor_age": float(self.donor_age_years),
            "osteoporotic": float(self.osteoporotic_donor),
            "iv": float(self.route == "iv"),
        }
        for s in SITES:
            out[f"site_{s}"] = float(self.route != "iv" and self.site == s)
        return out

    def _prop(self, name: str) -> float:
        return float(product_properties(self.descriptors(), self.parameters)[name])

    @property
    def osteogenic_potency(self) -> float:
        """Osteogenic potency relative to young bone-marrow MSCs (0..1)."""
        return self._prop("osteogenic_potency")

    @property
    def adipogenic_bias(self) -> float:
        """Share of committing graft cells that become adipocytes (0..1)."""
        return self._prop("adipogenic_bias")

    @property
    def survival_half_life_days(self) -> float:
        """Half-life of lung-trapped graft cells from survival and immune clearance (days)."""
        return math.log(2.0) / self._prop("lung_clearance_per_day")

    @property
    def immune_clearance_per_day(self) -> float:
        """Extra clearance of allogeneic cells by the host (1/day; 0 for autologous)."""
        return self._prop("immune_clearance_per_day")

    @property
    def proliferation_per_day(self) -> float:
        return self._prop("proliferation_per_day")

    @property
    def marrow_homing_fraction(self) -> float:
        """IV: fraction of the dose reaching the marrow; intraosseous: fraction retained at the site."""
        return self._prop("marrow_fraction")

    @property
    def local_retention(self) -> float:
        """Fraction of the dose retained at the injected site (0 for IV)."""
        return 0.0 if self.route == "iv" else self._prop("marrow_fraction")

    @property
    def paracrine_strength(self) -> float:
        """Secretory strength relative to young donor cells (0..1)."""
        return self._prop("paracrine_strength")


def empty_descriptors(n_blocks: int) -> dict[str, np.ndarray]:
    """Per-block product descriptors of no MSC dose: ``{"msc_<name>": zeros (B,)}``."""
    return {f"msc_{k}": np.zeros(n_blocks) for k in DESCRIPTORS}


def msc_tables(regimen, patient: "Patient", t0_days: float, horizon_days: float, n_blocks: int,
               params: dict | None = None) -> dict[str, np.ndarray]:
    """Dose table (prefix ``msc_``) and per-block product descriptors of the MSC lines of a regimen."""
    from .dosing import dose_table

    out = empty_descriptors(n_blocks)
    blocks, descs = [], []
    for pr in regimen:
        if not pr.is_msc:
            continue
        if pr.route == "into the gap":
            raise ValueError(f"regimen: {str(pr)!r}: route 'into the gap' is for fracture healing (osteosim heal); "
                             "allowed here: iv, intraosseous")
        if patient is None:
            raise ValueError(f"regimen: {str(pr)!r} needs a patient (donor age, body weight)")
        product = MSCProduct.from_prescription(pr, patient, params)
        for b in pr.dosing_blocks(t0_days, horizon_days, body_weight_kg=patient.body_weight_kg):
            blocks.append(b)
            descs.append(product.descriptors())
    if len(blocks) > n_blocks:
        raise ValueError(f"regimen: {len(blocks)} dose trains of msc; at most {n_blocks} are allowed")
    if blocks:
        out.update({k: v[0] for k, v in dose_table([blocks], n_blocks, prefix="msc_").items()})
        for j, dsc in enumerate(descs):
            for k, v in dsc.items():
                out[f"msc_{k}"][j] = v
    return out


def immune_memory(dep_memory, dep_cleared, share, k_cleared, k_memory):
    """Remembered suppression (cells) of graft cells cleared from one compartment, per block (B,).

    A compartment that receives a share of each dose and empties at ``k_cleared`` (1/day) feeds a
    memory that fades at ``k_memory`` (1/day): the Bateman chain of the two,
    ``share k_c / (k_c - k_m) (D(k_m) - D(k_c))``, where ``dep_*`` are the dose tables' depots
    emptying at those rates (:func:`osteosim.therapies.dosing.depot_amount`): closed form in time,
    and each graft cell counts once however fast it is cleared (the suppression is induced while it
    lives, Akiyama 2012).  The rates must differ (see :func:`graft`).
    """
    return share * k_cleared / (k_cleared - k_memory) * (dep_memory - dep_cleared)


def graft(t, d: dict, p: dict, sites=SITES):
    """Graft cells and exposures at time t (days), one patient (``jax.numpy``).

    Returns ``lung`` (cells), ``marrow`` (cells per site, (S,)), ``x_osteo`` / ``x_adipo``
    (niche-limited osteogenic / adipogenic graft supply per site relative to the young
    endogenous pool, (S,)), ``paracrine`` (signal 0..1 per site, (S,)) and ``immune`` (the
    suppressed fraction of the estrogen-deficiency drive, 0..``msc_immune_emax``, skeleton-wide).
    """
    import jax.numpy as jnp

    from .dosing import FIELDS, depot_amount

    tab = {f: d[f"msc_{f}"] for f in FIELDS}
    if isinstance(tab["count"], np.ndarray) and not np.any(tab["count"] > 0):
        # a concrete (not traced) table without doses, as in an SBML export of the model without
        # therapies: trace no graft terms (they are zero) so the exported formulas stay small
        zero = jnp.zeros(len(sites))
        return {"lung": 0.0, "marrow": zero, "x_osteo": zero, "x_adipo": zero, "paracrine": zero, "immune": 0.0}
    desc = {k: d[f"msc_{k}"] for k in DESCRIPTORS}
    pr = product_properties(desc, p, jnp)
    n_b = tab["start"].shape[-1]

    def per_block(k):
        return jnp.stack([depot_amount(t, {f: v[i:i + 1] for f, v in tab.items()}, k[i]) for i in range(n_b)])

    k_lung, k_marrow = pr["lung_clearance_per_day"], pr["marrow_net_loss_per_day"]
    dep_lung, dep_marrow = per_block(k_lung), per_block(k_marrow)
    marrow_b = pr["marrow_fraction"] * dep_marrow  # (B,) cells
    lung_b = desc["iv"] * p["msc_lung_trapping"] * dep_lung
    v_tot = p["msc_marrow_volume_total"]
    rho0 = p["msc_cfu_young"] * 1e-6 * p["msc_marrow_cell_density"]  # young osteoprogenitors per mL
    marrow, x_all, x_os, x_ad, e_loc = [], [], [], [], []
    for s in sites:
        v_s = p[f"msc_marrow_volume_{s}"]
        w = desc["iv"] * v_s / v_tot + (1.0 - desc["iv"]) * desc[f"site_{s}"]  # (B,) share of marrow cells at s
        cells = w * marrow_b
        marrow.append(jnp.sum(cells))
        dens = cells / (v_s * rho0)
        x_all.append(jnp.sum(dens))
        x_os.append(jnp.sum(dens * pr["osteogenic_potency"]))
        x_ad.append(jnp.sum(dens * pr["adipogenic_bias"]))
        e_loc.append(jnp.sum(dens * pr["paracrine_strength"]))
    x_all, x_os, x_ad, e_loc = (jnp.stack(v) for v in (x_all, x_os, x_ad, e_loc))
    sat = 1.0 / (1.0 + x_all / p["msc_niche_capacity"])
    systemic = p["msc_systemic_fraction"] * jnp.sum((lung_b + marrow_b) * pr["paracrine_strength"]) / (v_tot * rho0)
    e = e_loc + systemic
    # immunomodulation: every cell of a dose counts, the marrow share as it leaves the marrow, the rest
    # (lung-trapped, passed on to liver and spleen, or leaked from an intraosseous site) at the lung
    # clearance rate; weighted by the product's secretory strength (donor age, source, disease: Zheng
    # 2018, OVX-donor marrow cells lost their T-cell apoptosis, adipose cells kept it).  The memory must
    # fade at another rate than the marrow cells clear (Bateman chain): where the two come within 1 %
    # (never at the central values) the memory rate moves 1 % away; the lung rate (>= ln2 / 3 d) is always
    # faster than the memory's (half-life >= 7 d)
    k_mem0 = math.log(2.0) / p["msc_immune_halflife"]
    k_mem = jnp.where(jnp.abs(k_marrow - k_mem0) < 0.01 * k_mem0, k_marrow - 0.01 * k_mem0, k_mem0)  # (B,)
    dep_mem = per_block(k_mem)
    frac = pr["marrow_fraction"]
    memory = (immune_memory(dep_mem, dep_lung, 1.0 - frac, k_lung, k_mem)
              + immune_memory(dep_mem, dep_marrow, frac, k_marrow, k_mem))
    # remembered cells per young osteoprogenitor of the whole marrow: a body-size scale shared by rat and human
    z = jnp.sum(memory * pr["paracrine_strength"]) / (v_tot * rho0)
    return {
        "lung": jnp.sum(lung_b),
        "marrow": jnp.stack(marrow),
        "x_osteo": x_os * sat,
        "x_adipo": x_ad * sat,
        "paracrine": e / (e + p["msc_paracrine_ec50"]),
        "immune": p["msc_immune_emax"] * z / (z + p["msc_immune_ec50"]),
    }


#: the cell therapy's registry entry (regimen words, doses, routes, sources; PK: :func:`graft`)
@dataclass(frozen=True)
class CellGraft(PKKind):
    """Cell therapy: graft cells in lungs and marrow and their signals (:func:`graft`).

    Its dose table also carries per-block product descriptors (:func:`msc_tables`).
    """

    resolved: ClassVar[bool] = True

    @property
    def channels(self) -> tuple[str, ...]:
        return ("msc_lung", "msc_marrow", "msc_x_osteo", "msc_x_adipo", "msc_paracrine", "msc_immune")

    def empty_descriptors(self, n_blocks):
        return empty_descriptors(n_blocks)

    def tables(self, regimen, t0_days, horizon_days, n_blocks, patient=None, params=None):
        return msc_tables(regimen, patient, t0_days, horizon_days, n_blocks, params)

    def exposures(self, t, d, prefix, p, states):
        g = graft(t, d, p)
        return {"msc_lung": g["lung"], "msc_marrow": g["marrow"], "msc_x_osteo": g["x_osteo"],
                "msc_x_adipo": g["x_adipo"], "msc_paracrine": g["paracrine"], "msc_immune": g["immune"]}


DRUG = Drug(
    therapy=cat.Therapy(
        name="msc",
        drug_class="cell_therapy",
        description="mesenchymal stem/stromal cells: msc <source> [autologous|allogeneic] [donor age <years>] "
                    "<dose> <cells|cells/kg> <iv|intraosseous|into the gap> ... [site <site>]",
        aliases=("msc", "mscs", "mesenchymal stem cells", "mesenchymal stromal cells", "mesenchymal stem cell",
                 "mesenchymal stromal cell", "stem cells"),
        routes=("iv", "intraosseous", "into the gap"),
        dose_units=("cells/kg", "cells"),
        typical_doses={"cells/kg": (1e6, 2e6, 5e6, 1e7), "cells": (1e5, 1e6, 5e6, 6e7, 1.2e8)},
        range_override={"cells/kg": (1e4, 1e9), "cells": (1e3, 1e10)},
        schedules=(
            "msc umbilical-cord allogeneic 1e6 cells/kg iv every 6 months for 2 years",
            "msc bone-marrow autologous 2e6 cells/kg iv once",
            "msc bone-marrow autologous 5e6 cells intraosseous once at 0 months site lumbar_spine",
            "msc bone-marrow allogeneic 1e6 cells into the gap at 1 week",
            "msc adipose allogeneic donor age 30 1e7 cells/kg iv once at 3 years",
        ),
        references=(
            "NCT02566655: autologous fucosylated BM-MSC, single IV dose 2e6 or 5e6 cells/kg (phase I, safety only)",
            "NCT05152381: allogeneic umbilical-cord MSC, IV (safety; no results)",
            "NCT06949137: UC-MSC IV dose escalation from 6e7 and 1.2e8 cells (recruiting)",
            "Uejima S et al., Cytotherapy 2008 (intrafemoral allogeneic BM-MSC in OVX rats; effect gone by 24 wk "
            "without re-injection)",
            "Stem Cells Int 2019, 4214281 (OVX mice: IV vs intra-bone-marrow)",
            "Lee RH et al., Cell Stem Cell 2009; Eggenhofer E et al., Front Immunol 2012 (IV lung trapping, "
            "t1/2 ~24 h)",
            "Kern S et al., Stem Cells 2006;24:1294 (bone marrow vs adipose vs umbilical cord)",
            "Geris L et al. 2010 (MSC injection into an atrophic non-union; reference/models/fracture-healing.md)",
        ),
        notes="no human efficacy data exist: MSC effects are hypothetical (clinical-background.md E). "
              "Plausible range: 1e4..1e9 cells/kg, 1e3..1e10 cells. IV cells are a bolus (lung clearance "
              "t1/2 ~24 h dwarfs infusion time). 'cells/kg' doses need the patient's body weight to become "
              "cell counts.",
    ),
    prefix="msc",
    pk=CellGraft(),
    citation_keys=MSC2026.citation_keys,
    order=110,
)
