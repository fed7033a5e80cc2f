"""RatOVX2026: the Osteosim model for the ovariectomised (OVX) female rat.

The human set (``Osteosim2026``) with the values that differ in the rat.  Rats live ~30x
shorter than people and remodel their cancellous bone far faster: after OVX, distal-femur
bone mineral falls 11-17 % below sham within 35 days and then stays there (Kimmel 1990;
whole femur 4-11 % below sham).  The cell kinetics (Pivonka core, days) are kept; the slow
processes (bone turnover, post-OVX transient, aging of the progenitor pool, marrow fat)
are rescaled.  Sites keep their names: ``lumbar_spine`` is the rat lumbar vertebrae,
``total_hip`` the femur (the intra-femoral injection site of Uejima 2008), ``femoral_neck``
the femoral neck.  T-scores of a rat are against the rat reference below (not clinical).
"""
from __future__ import annotations

from .. import citations
from .base import FittedValues, P, ParameterSet
from .msc2026 import MSC2026

__all__ = ["rat_parameters", "RAT_OVERRIDES"]

_R = citations.register
_R("Kimmel1990", authors="Kimmel DB, Wronski TJ", year=1990,
   title="Nondestructive measurement of bone mineral in femurs from ovariectomized rats",
   journal="Calcif Tissue Int", volume="46", pages="101-110",
   note="OVX at 100 days: whole femur BMC 4.3-11.1 % and distal femur 11.3-17.5 % below sham; osteopenia present by 35 days, not worse later")
_R("Wronski1988", authors="Wronski TJ, Cintron M, Dann LM", year=1988,
   title="Temporal relationship between bone loss and increased bone turnover in ovariectomized rats",
   journal="Calcif Tissue Int", volume="43", pages="179-183")

_A = "assumption"
YEAR = 365.25
#: the rat's route-level MSC efficacy, fitted to the OVX-rodent effect sizes (rows 68d-68h); rat only:
#: the human MSC2026 values are not tied to it (human MSC efficacy stays hypothetical, row 69)
_MSC_FIT = FittedValues(
    "rat_msc_fit.json",
    "fitted in the rat only by osteosim.calibration.rat_msc to calibration-targets.csv rows 68e-68h and 68d (femur BMD gain "
    "vs OVX 4 and 8 weeks after one intra-femoral dose, Li 2016 SMD x between-rat CV, derived; IV / intra-bone-marrow "
    "ratio, Agata 2019; IV gain, Fu 2021 SMD x CV, derived; single-dose fade by 24 weeks, Uejima 2008); the human value "
    "is not tied to it",
    ("Li2016", "StemCellsInt2019", "Uejima2008", "Fu2021"),
)


def _msc_fit(name: str, description: str):
    """A rat MSC parameter from the fit, bounded by the human prior's support (its prior's source is the fit's prior)."""
    human = MSC2026[name]
    return _MSC_FIT.param(name, human.value, human.unit, description, human.bounds, f"MSC2026 {human.prior}")
#: rat / human time scale for slow processes: lifespan ~2.5-3 y vs ~80 y
_SCALE = 30.0

RAT_OVERRIDES = ParameterSet.from_list(
    "RatOVX",
    [
        P("turnover_lumbar_spine", 4.0 / YEAR, "1/day", f"{_A}: rat vertebral cancellous bone turns over within months; sized so OVX loss develops within ~5 weeks (Kimmel 1990; Wronski 1988: bone loss tracks the early turnover rise)",
          "bone turnover, rat lumbar vertebrae", ("Kimmel1990", "Wronski1988"), (2.0 / YEAR, 8.0 / YEAR)),
        P("turnover_total_hip", 3.0 / YEAR, "1/day", f"{_A}: femur (mixed cancellous and cortical); OVX loss present by 35 days (Kimmel 1990)",
          "bone turnover, rat femur", ("Kimmel1990",), (1.5 / YEAR, 6.0 / YEAR)),
        P("turnover_femoral_neck", 3.0 / YEAR, "1/day", f"{_A}: as the femur", "bone turnover, rat femoral neck", ("Kimmel1990",), (1.5 / YEAR, 6.0 / YEAR)),
        P("turnover_distal_radius", 1.5 / YEAR, "1/day", f"{_A}: the rat radius is cortical bone without Haversian remodeling; half the femur's turnover",
          "bone turnover, rat distal radius", ("Kimmel1990",), (0.5 / YEAR, 3.0 / YEAR)),
        P("pmo_halflife_years", 2.0 / _SCALE, "year", f"{_A}: the post-OVX RANKL transient on the rat time scale (human 2 y / {_SCALE:g}); the distal-femur osteopenia does not worsen after 35 days (Kimmel 1990)",
          "years after OVX at which the transient has halved", ("Kimmel1990",)),
        P("msc_age_decline", 0.0418 * _SCALE, "1/year", f"{_A}: human osteoprogenitor decline (D'Ippolito 1999) on the rat time scale (x{_SCALE:g})",
          "exponential fall of the marrow osteoprogenitor pool with age", ("DIppolito1999",)),
        P("msc_relaxation", _SCALE / YEAR, "1/day", f"{_A}: the pool follows its age target over ~2 weeks (human 1 y / {_SCALE:g})", "MSC pool relaxation rate"),
        P("adipocyte_turnover", 0.5 * _SCALE / YEAR, "1/day", f"{_A}: human marrow adipocyte turnover on the rat time scale", "marrow adipocyte loss rate"),
        P("pth_age_slope", 0.0, "1/year", f"{_A}: no age trend of PTH over a rat study of weeks", "PTH secretion rise per year of age"),
        # densitometry: only percent changes are compared with rat data; references make T-scores finite
        P("peak_bmd_lumbar_spine", 0.20, "g/cm^2", f"{_A}: DXA aBMD of adult female rat lumbar vertebrae ~0.2 g/cm^2 (small-animal DXA)", "young-adult rat reference, lumbar spine"),
        P("sd_bmd_lumbar_spine", 0.012, "g/cm^2", f"{_A}: ~6 % between-rat SD", "rat reference SD, lumbar spine"),
        P("peak_bmd_total_hip", 0.25, "g/cm^2", f"{_A}: DXA aBMD of the adult female rat femur ~0.25 g/cm^2", "young-adult rat reference, femur"),
        P("sd_bmd_total_hip", 0.015, "g/cm^2", f"{_A}: ~6 % between-rat SD", "rat reference SD, femur"),
        P("peak_bmd_femoral_neck", 0.22, "g/cm^2", f"{_A}: rat femoral neck aBMD ~0.22 g/cm^2", "young-adult rat reference, femoral neck"),
        P("sd_bmd_femoral_neck", 0.013, "g/cm^2", f"{_A}: ~6 % between-rat SD", "rat reference SD, femoral neck"),
        P("peak_bmd_distal_radius", 0.12, "g/cm^2", f"{_A}: rat forearm aBMD ~0.12 g/cm^2 (small-animal DXA)", "young-adult rat reference, distal radius"),
        P("sd_bmd_distal_radius", 0.007, "g/cm^2", f"{_A}: ~6 % between-rat SD", "rat reference SD, distal radius"),
        # MSC: donor age on the rat time scale; marrow volumes of a ~0.25 kg rat
        P("msc_donor_young_age", 0.25, "year", f"{_A}: donors up to 3 months are young rats", "donor age below which cells have full potency"),
        P("msc_donor_potency_decline", 0.0418 * _SCALE, "1/year", f"{_A}: D'Ippolito 1999 decline (rows 70a-70c) on the rat time scale", "fall of donor-cell potency with donor age", ("DIppolito1999",)),
        P("msc_marrow_volume_total", 5.0, "mL", f"{_A}: marrow ~2 % of a 0.25 kg rat's body weight (human active marrow ~1.5 %, ICRP 89)", "marrow volume of the whole skeleton", ("ICRP89",), (3.0, 8.0)),
        P("msc_marrow_volume_lumbar_spine", 0.3, "mL", f"{_A}: marrow of the rat lumbar vertebral bodies", "marrow volume, rat lumbar spine", (), (0.15, 0.6)),
        P("msc_marrow_volume_total_hip", 0.3, "mL", f"{_A}: rat femoral medullary cavity ~35 mm x 2.5-3 mm plus metaphyses", "marrow volume, one rat femur", (), (0.15, 0.6)),
        P("msc_marrow_volume_femoral_neck", 0.03, "mL", f"{_A}: the rat femoral neck holds ~1/10 of the femur marrow", "marrow volume, rat femoral neck", (), (0.01, 0.06)),
        _msc_fit("msc_niche_capacity", "saturation of graft differentiation in the rat (local engraftment ceiling), "
                 "relative to the young endogenous osteoprogenitor pool"),
        _msc_fit("msc_systemic_fraction", "marrow exposure to the secretome of cells outside that site (IV route), "
                 "per cell, relative to local cells, in the rat"),
        _msc_fit("msc_immune_emax", "maximal fractional fall of the estrogen-deficiency drive under MSC immunosuppression, "
                 "in the rat"),
        _msc_fit("msc_immune_halflife", "half-life of the MSC immunosuppression once the graft cells are gone, in the rat"),
        P("msc_marrow_volume_distal_radius", 0.02, "mL", f"{_A}: the rat radius medullary cavity is small", "marrow volume, rat distal radius", (), (0.005, 0.05)),
    ],
    citation_keys=("Kimmel1990",),
)


def rat_parameters(human: ParameterSet) -> ParameterSet:
    """The rat set built on ``human`` (the Osteosim set, possibly with user overrides)."""
    return human.merged(RAT_OVERRIDES, name="RatOVX2026")

