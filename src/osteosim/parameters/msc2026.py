"""MSC therapy parameters (MSC2026): biodistribution, fate, product quality and mechanism strengths.

Every value is cited to ``reference/targets/calibration-targets.csv`` rows 64-70c or to
``clinical-background.md`` section E (and, where the reference has no number, marked
"assumption" with the reason).  ``bounds`` is the published range, or the stated prior for
an assumption: ``osteosim simulate --ensemble`` samples MSC parameters from these bounds, so
a wide range is the honest statement that the number is not known.  No human efficacy data
exist (row 69): the mechanism strengths are preclinical guesses checked only against the
direction and rough size of the OVX-rodent pattern (rows 68a-68d; tests/validation/
test_rat_ovx_msc.py).

Switches ``msc_switch_<mechanism>`` (0 or 1) turn one mechanism off for attribution; they
are not uncertain and carry no bounds.
"""
from __future__ import annotations

from math import log

from .. import citations
from . import osteosim2026  # noqa: F401  (registers DIppolito1999, cited below)
from .base import P, ParameterSet

_R = citations.register
_R("Lee2009", authors="Lee RH et al.", year=2009,
   title="Intravenous hMSCs improve myocardial infarction in mice because cells embolized in lung are activated to secrete the anti-inflammatory protein TSG-6",
   journal="Cell Stem Cell", volume="5", pages="54-63", pmcid="PMC4154377")
_R("Eggenhofer2012", authors="Eggenhofer E et al.", year=2012,
   title="Mesenchymal stem cells are short-lived and do not migrate beyond the lungs after intravenous infusion",
   journal="Front Immunol", volume="3", pages="297", pmcid="PMC3458305")
_R("Sackstein2008", authors="Sackstein R et al.", year=2008,
   title="Ex vivo glycan engineering of CD44 programs human multipotent mesenchymal stromal cell trafficking to bone",
   journal="Nat Med", volume="14", pages="181-187")
_R("Horwitz1999", authors="Horwitz EM et al.", year=1999,
   title="Transplantability and therapeutic effects of bone marrow-derived mesenchymal cells in children with osteogenesis imperfecta",
   journal="Nat Med", volume="5", pages="309-313")
_R("Otsuru2012", authors="Otsuru S et al.", year=2012,
   title="Transplanted bone marrow mononuclear cells and MSCs impart clinical benefit to children with osteogenesis imperfecta through different mechanisms",
   journal="Blood", volume="120", pages="1933-1941")
_R("Li2015", authors="Li F et al.", year=2015,
   title="Mesenchymal stem cell therapy for osteoporosis in animal models: a meta-analysis", journal="PLoS One",
   note="BMD SMD 1.29, 95% CI 0.84-1.74")
_R("Fu2021", authors="Fu J et al.", year=2021,
   title="Systemic delivery of MSCs for osteoporosis in rodents: a meta-analysis", journal="Stem Cell Res Ther",
   pmcid="PMC8254211")
_R("Uejima2008", authors="Uejima S et al.", year=2008,
   title="Bone marrow stromal cell therapy improves femoral bone mineral density and mechanical strength in ovariectomized rats",
   journal="Cytotherapy", volume="10", pages="479-489")
_R("StemCellsInt2019", year=2019, title="Intra-bone-marrow vs intravenous Sca-1+ MSC transplantation in OVX mice",
   journal="Stem Cells Int", pages="article 4214281")
_R("Muraglia2000", authors="Muraglia A, Cancedda R, Quarto R", year=2000,
   title="Clonal mesenchymal progenitors from human bone marrow differentiate in vitro according to a hierarchical model",
   journal="J Cell Sci", volume="113", pages="1161-1166")
_R("Kern2006", authors="Kern S et al.", year=2006,
   title="Comparative analysis of mesenchymal stem cells from bone marrow, umbilical cord blood, or adipose tissue",
   journal="Stem Cells", volume="24", pages="1294-1301")
_R("Oshita2011", authors="Oshita K et al.", year=2011,
   title="Human mesenchymal stem cells inhibit osteoclastogenesis through osteoprotegerin production",
   journal="Arthritis Rheum", volume="63", pages="1658-1667")
_R("Zhou2008", authors="Zhou S et al.", year=2008,
   title="Age-related intrinsic changes in human bone-marrow-derived mesenchymal stem cells and their differentiation to osteoblasts",
   journal="Aging Cell", volume="7", pages="335-343")
_R("SanghaniKerai2018", authors="Sanghani-Kerai A et al.", year=2018,
   title="Stem cell interventions for bone healing",
   note="OVX-rat MSCs migrate about 4x less towards SDF-1 (clinical-background.md E1)")
_R("Liu2017", authors="Liu et al.", year=2017,
   title="Osteoporotic (OVX) bone-marrow stromal cells: weaker osteogenic and stronger adipogenic capacity",
   journal="Int J Mol Med")
_R("Moerman2004", authors="Moerman EJ et al.", year=2004,
   title="Aging activates adipogenic and suppresses osteogenic programs in mesenchymal marrow stroma/stem cells: the role of PPAR-gamma2",
   journal="Aging Cell", volume="3", pages="379-389")
_R("Ankrum2014", authors="Ankrum JA, Ong JF, Karp JM", year=2014,
   title="Mesenchymal stem cells: immune evasive, not immune privileged", journal="Nat Biotechnol", volume="32",
   pages="252-260", pmcid="PMC4320647")
_R("ICRP89", authors="ICRP", year=2002,
   title="Publication 89: Basic anatomical and physiological data for use in radiological protection: reference values",
   journal="Ann ICRP", volume="32", issue="3-4", note="active marrow: 1170 g reference male, 900 g reference female")
_R("Cristy1981", authors="Cristy M", year=1981,
   title="Active bone marrow distribution as a function of age in humans", journal="Phys Med Biol", volume="26",
   pages="389-400")
_R("NCT02566655", authors="ClinicalTrials.gov",
   title="NCT02566655: autologous fucosylated BM-MSC, single IV dose 2e6 or 5e6 cells/kg in osteoporosis",
   url="https://clinicaltrials.gov/study/NCT02566655", note="phase I, safety only")

_A = "assumption"
_CB = "clinical-background.md E3"
_ROW = "calibration-targets.csv row"

#: reference female active (red) marrow, mL (ICRP 89: 900 g at ~1.03 g/mL)
_RED_MARROW_ML = 900.0 / 1.03

MSC2026 = ParameterSet.from_list(
    "MSC2026",
    [
        # -- biodistribution after IV infusion ------------------------------------------------
        P("msc_lung_trapping", 0.9, "1", f"{_ROW} 64: 80-100 % of an IV dose lodges in the lungs within minutes (Lee 2009; Eggenhofer 2012)",
          "fraction of an IV dose trapped in the lungs", ("Lee2009", "Eggenhofer2012"), (0.8, 1.0)),
        P("msc_survival_halflife", 1.0, "day", f"{_ROW} 65: lungs clear hMSCs with t1/2 ~24 h (range 12-72 h); viable cells gone from most tissues by 1-2 d",
          "survival half-life of graft cells (lung and marrow) without immune rejection", ("Lee2009", "Eggenhofer2012"), (0.5, 3.0)),
        P("msc_marrow_homing", 0.005, "1", f"{_ROW} 66: 0.1-1 % of an IV dose reaches the marrow (upper bound; Eggenhofer 2012 found none)",
          "fraction of an IV dose that homes to bone marrow (within hours, Sackstein 2008)", ("Lee2009", "Eggenhofer2012", "Sackstein2008"), (0.001, 0.01)),
        P("msc_op_homing_loss", 0.75, "1", f"{_CB} E1: OVX-rat MSCs migrate ~4x less towards SDF-1 (Sanghani-Kerai 2018)",
          "fractional loss of marrow homing of cells from an osteoporotic donor", ("SanghaniKerai2018",), (0.5, 0.9)),
        P("msc_io_retention", 0.5, "1", f"{_A}: part of an intramedullary injection leaks into the circulation; the reference gives local engraftment (Pauley 2014) and a larger benefit than IV (Stem Cells Int 2019) but no retained fraction",
          "fraction of an intraosseous dose retained in the marrow of the injected site", ("StemCellsInt2019",), (0.2, 0.9)),
        # -- immune clearance and proliferation -----------------------------------------------
        P("msc_allo_clearance", 0.35, "1/day", f"{_A}: allogeneic MSCs are immune evasive, not immune privileged: anti-donor immune responses shorten their persistence (Ankrum 2014); prior from doubling the 1-day survival clearance at most",
          "extra clearance of allogeneic graft cells by the host immune system", ("Ankrum2014",), (0.0, 0.7)),
        P("msc_prolif_rate", 0.05, "1/day", f"{_A}: in vivo self-renewal of surviving bone-marrow MSCs; far below culture doubling (2-3 d) and below clearance so grafts do not expand",
          "proliferation rate of young bone-marrow graft cells", (), (0.0, 0.1)),
        P("msc_prolif_factor_adipose", 1.3, "1", f"{_CB} (Kern 2006; Chen 2015): proliferation UC > adipose > bone marrow",
          "proliferation of adipose-derived cells relative to bone marrow", ("Kern2006",), (1.0, 1.6)),
        P("msc_prolif_factor_cord", 1.6, "1", f"{_CB} (Kern 2006): umbilical-cord cells proliferate most (longest culture)",
          "proliferation of umbilical-cord cells relative to bone marrow", ("Kern2006",), (1.2, 2.0)),
        P("msc_old_doubling_ratio", 1.7, "1", f"{_CB}: doubling time ~1.7x longer in old donors (Zhou 2008)",
          "doubling-time ratio of old vs young donor cells (scales with the donor-age factor)", ("Zhou2008",), (1.3, 2.1)),
        # -- product quality: source, donor age, disease --------------------------------------
        P("msc_donor_potency_decline", log(4.5) / 36.0, "1/year", f"{_ROW}s 70a-70c: osteoprogenitor (ALP+ CFU-F) frequency 4.5x (3-6x) lower at 41-70 y than at 3-36 y (D'Ippolito 1999), spread over 36 y",
          "exponential fall of donor-cell osteogenic potency with donor age above 25", ("DIppolito1999",), (log(3.0) / 36.0, log(6.0) / 36.0)),
        P("msc_donor_young_age", 30.0, "year", f"{_A}: within the young group of D'Ippolito 1999 ({_ROW}s 70a-70c, donors 3-36 y) potency is full; it falls above ~30 y",
          "donor age below which cells have full potency", ("DIppolito1999",)),
        P("msc_osteo_adipose", 0.8, "1", f"{_A}: all three sources are osteogenic (Kern 2006) with no ranking given; prior 0.5-1 of bone marrow",
          "osteogenic potency of adipose-derived cells relative to bone marrow", ("Kern2006",), (0.5, 1.0)),
        P("msc_osteo_cord", 0.8, "1", f"{_A}: umbilical-cord cells are osteogenic (Kern 2006) with no ranking given; prior 0.5-1 of bone marrow",
          "osteogenic potency of umbilical-cord cells relative to bone marrow", ("Kern2006",), (0.5, 1.0)),
        P("msc_adipo_marrow", 1.0 / 3.0, "1", f"{_CB}: about 1/3 of bone-marrow MSC clones are tripotent (adipogenic); 60-80 % osteo-chondro only (Muraglia 2000)",
          "adipogenic share of committing young bone-marrow graft cells", ("Muraglia2000",), (0.2, 0.4)),
        P("msc_adipo_adipose", 0.5, "1", f"{_A}: adipose-derived cells keep adipogenic capacity (Kern 2006); prior 0.3-0.7",
          "adipogenic share of committing adipose-derived graft cells", ("Kern2006",), (0.3, 0.7)),
        P("msc_adipo_cord", 0.0, "1", f"{_CB}: umbilical-cord(-blood) MSCs showed no adipogenic differentiation (Kern 2006)",
          "adipogenic share of committing umbilical-cord graft cells", ("Kern2006",), (0.0, 0.1)),
        P("msc_adipo_age_gain", 1.0, "1", f"{_A}: aging and estrogen loss raise PPARgamma2 and tilt MSCs to fat (Moerman 2004; {_CB}); the adipogenic share rises by gain x (1 - relative potency)",
          "rise of the adipogenic share as donor potency falls", ("Moerman2004",), (0.5, 2.0)),
        P("msc_op_potency_loss", 0.5, "1", f"{_A}: OVX bone-marrow stromal cells have weaker osteogenic and stronger adipogenic capacity (Liu 2017, qualitative); prior 0.25-0.75",
          "fractional loss of osteogenic potency of cells from an osteoporotic donor", ("Liu2017",), (0.25, 0.75)),
        P("msc_paracrine_age_exponent", 0.5, "1", f"{_A}: senescent (SA-beta-gal+) MSCs are ~4x more frequent in old donors (Zhou 2008), so secretory function falls with donor age, more gently than osteogenic potency",
          "paracrine strength = donor-age factor^exponent", ("Zhou2008",), (0.0, 1.0)),
        # -- cell numbers -> model concentrations ----------------------------------------------
        P("msc_marrow_volume_total", _RED_MARROW_ML, "mL", "ICRP 89: active marrow 900 g in the reference female (density ~1.03 g/mL)",
          "active marrow volume of the whole skeleton", ("ICRP89",), (700.0, 1300.0)),
        P("msc_marrow_volume_lumbar_spine", 0.123 * 0.8 * _RED_MARROW_ML, "mL", "Cristy 1981 adult distribution: lumbar vertebrae hold ~12 % of active marrow; L1-L4 = 4/5 of it",
          "active marrow in the L1-L4 DXA region", ("Cristy1981", "ICRP89"), (60.0, 130.0)),
        P("msc_marrow_volume_total_hip", 0.067 / 2.0 * _RED_MARROW_ML, "mL", "Cristy 1981: upper femora ~6.7 % of active marrow (both sides); one proximal femur",
          "active marrow in one proximal femur (total-hip region)", ("Cristy1981", "ICRP89"), (15.0, 50.0)),
        P("msc_marrow_volume_femoral_neck", 0.25 * 0.067 / 2.0 * _RED_MARROW_ML, "mL", f"{_A}: the femoral-neck region holds about a quarter of the proximal-femur marrow (Cristy 1981 for the femur)",
          "active marrow in the femoral-neck region", ("Cristy1981",), (3.0, 15.0)),
        P("msc_marrow_volume_distal_radius", 0.5, "mL", f"{_A}: the adult forearm holds almost no active marrow (Cristy 1981 "
          "lists none in the radius); a small volume keeps the graft density finite, so an IV graft barely reaches it",
          "active marrow in the distal-radius region", ("Cristy1981",), (0.1, 2.0)),
        P("msc_marrow_cell_density", 5e8, "cells/mL", f"{_A}: nucleated cells per mL of active marrow (~1e9 per mL packed haematopoietic tissue at ~50 % cellularity)",
          "nucleated cells per mL of active marrow", (), (2e8, 1e9)),
        P("msc_cfu_young", 66.2, "per 1e6 marrow cells", f"{_ROW} 70a: ALP+ CFU-F 66.2 +- 9.6 per 1e6 marrow cells, donors 3-36 y (D'Ippolito 1999)",
          "young-adult osteoprogenitor frequency: graft density is expressed relative to it", ("DIppolito1999",), (56.6, 75.8)),
        # -- mechanisms ---------------------------------------------------------------------------
        P("msc_niche_capacity", 1.0, "1", f"{_A}: engraftment is niche-limited: graft osteoprogenitors add at most ~capacity x the young endogenous supply; after IV, donor cells are at most ~2 % of osteoblasts ({_ROW}s 67a-67b, Horwitz 1999; Otsuru 2012), locally they can engraft (Pauley 2014)",
          "saturation of graft differentiation, relative to the young endogenous osteoprogenitor pool", ("Horwitz1999", "Otsuru2012"), (0.2, 5.0)),
        P("msc_systemic_fraction", 0.05, "1", f"{_A}: lung-trapped cells act systemically through secreted factors (TSG-6, Lee 2009; Otsuru 2012: OI benefit from a secreted factor), diluted over the body; sized so IV cells give a modest benefit in OVX rodents, smaller than intra-marrow cells (Stem Cells Int 2019); prior 0.5-20 % of a local graft's exposure",
          "marrow exposure to the secretome of cells outside that site, per cell, relative to local cells", ("Lee2009", "Otsuru2012", "StemCellsInt2019"), (0.005, 0.2)),
        P("msc_paracrine_ec50", 1.0, "1", f"{_A}: graft density (relative to young osteoprogenitors) giving half the maximal paracrine effect; no dose-response data (row 69)",
          "half-maximal graft exposure of the paracrine signal", (), (0.1, 10.0)),
        P("msc_paracrine_commit_gain", 1.0, "1", f"{_A}: growth factors raise endogenous osteoblast commitment (BBRC 2021 attributes the IV effect in OVX mice to paracrine signalling; {_CB} E1)",
          "maximal fractional rise of endogenous osteoblast commitment", ("Fu2021",), (0.2, 3.0)),
        P("msc_paracrine_activity_gain", 0.3, "1", f"{_A}: growth factors raise bone formed per osteoblast; prior 0.1-1",
          "maximal fractional rise of osteoblast activity", (), (0.1, 1.0)),
        P("msc_rankl_suppression", 0.3, "1", f"{_CB}: MSCs secrete OPG and suppress osteoclastogenesis, OPG explaining only part (Oshita 2011); no secretion rate is known, so a maximal fractional fall of RANKL production with a wide prior",
          "maximal fractional fall of RANKL signalling from graft OPG and immunomodulation", ("Oshita2011",), (0.1, 0.6)),
        # -- attribution switches -----------------------------------------------------------------
        P("msc_switch_differentiation", 1.0, "1", "model switch (1 on, 0 off): graft cells differentiate into osteoblast precursors", "mechanism (a) on/off"),
        P("msc_switch_paracrine_formation", 1.0, "1", "model switch (1 on, 0 off): paracrine growth factors raise commitment and osteoblast activity", "mechanism (b) on/off"),
        P("msc_switch_osteoclast_inhibition", 1.0, "1", "model switch (1 on, 0 off): graft OPG / immunomodulation lower RANKL", "mechanism (c) on/off"),
    ],
    citation_keys=("Lee2009", "Eggenhofer2012", "DIppolito1999"),
    description="MSC therapy: biodistribution, fate, product quality and mechanism strengths (hypothetical in humans: row 69).",
)
