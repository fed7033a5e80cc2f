"""MSC therapy parameters (MSC2026): biodistribution, fate, product quality and mechanism strengths.

Every value is cited to ``reference/targets/calibration-targets.csv`` rows 64-70c or to
``clinical-background.md`` section E (and, where the reference has no number, marked
"assumption" with the reason).  Each uncertain parameter carries a ``prior`` (below):
``osteosim simulate --ensemble`` samples MSC parameters from these priors, so a wide prior is
the honest statement that the number is not known.  No human efficacy data
exist (row 69): the mechanism strengths are preclinical guesses checked against the
direction and rough size of the OVX-rodent pattern (rows 68a-68d; tests/validation/
test_rat_ovx_msc.py).  In the rat only, ``msc_niche_capacity``, ``msc_systemic_fraction``, ``msc_immune_emax`` and
``msc_immune_halflife`` are fitted to the OVX-rodent percent effect sizes (rows 68d-68h, derived from SMDs; calibration.rat_msc,
parameters/rat_ovx.py); the human values below are not tied to that fit.

Switches ``msc_switch_<mechanism>`` (0 or 1) turn one mechanism off for attribution; they
are not uncertain and carry no prior.

Priors (``prior=``, parameters/priors.py): the evidence on each uncertain value as a distribution,
with its source, from ``reference/models/msc-evidence.md`` (the evidence review of every MSC
parameter; section and table named in each prior's source) or "assumption: <reason>" with a
deliberately wide range.  A parameter's ``bounds`` are its prior's support.
"""
from __future__ import annotations

from math import log

from .. import citations
from . import osteosim2026  # noqa: F401  (registers DIppolito1999, cited below)
from .base import P, ParameterSet
from .priors import LogUniform, TruncLogNormal, TruncNormal, Uniform

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
_R("Li2016", authors="Li F, Zhou C, Xu L, Tao S, Zhao J, Gu Q", year=2016,
   title="Effect of stem cell therapy on bone mineral density: a meta-analysis of preclinical studies in animal models of osteoporosis",
   journal="PLoS One", volume="11", issue="2", pages="e0149400",
   note="BMD SMD 1.29, 95% CI 0.84-1.74 (12 studies); received 2015, published 16 Feb 2016")
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
   title="The influence of age and osteoporosis on bone marrow stem cells from rats",
   journal="Bone Joint Res", volume="7", pages="289-297", pmcid="PMC5987697",
   note="migration to SDF-1: young 2x adult, 4x OVX (clinical-background.md E1)")
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

_R("Gholamrezanezhad2011", authors="Gholamrezanezhad A et al.", year=2011,
   title="In vivo tracking of 111In-oxine labeled mesenchymal stem cells following infusion in patients with advanced cirrhosis",
   journal="Nucl Med Biol", note="lung 27.0-33.5 % of activity right after infusion, 2.0-5.4 % at day 10 (n = 4)")
_R("Fischer2009", authors="Fischer UM et al.", year=2009,
   title="Pulmonary passage is a major obstacle for intravenous stem cell delivery: the pulmonary first-pass effect",
   journal="Stem Cells Dev", doi="10.1089/scd.2008.0253")
_R("OMICS2014RabbitMSC", year=2014, journal="Orthop Muscular Syst", pages="article 2161-0533-3-172",
   title="Marker-gene tracking of MSCs infused into rabbit bone marrow",
   note="Table 1: 0.001-0.3 % of intramedullary cells at the infused site at 4 weeks; IV cells not detected (authors not shown)")
_R("Pauley2014", authors="Pauley P et al.", year=2014,
   title="Donor cell engraftment after intrafemoral transplantation of bone marrow stromal cells in oim mice",
   journal="Int Orthop", volume="38", pages="1955", pmcid="PMC4382010")
_R("MohamedAhmed2018", authors="Mohamed-Ahmed S et al.", year=2018,
   title="Adipose-derived and bone marrow mesenchymal stem cells: a donor-matched comparison",
   journal="Stem Cell Res Ther", volume="9", pages="168")
_R("SCI2016UCReview", year=2016, journal="Stem Cells Int", pages="article 6901286",
   title="Review of umbilical-cord (Wharton's jelly) MSCs vs bone-marrow and adipose MSCs",
   note="Table 4 (its ref. 13): osteogenic nodules UC 19 +- 1.8, BM 7.5 +- 1.3, AT 11 +- 1.7; adipocytes UC 45 +- 1.5 %, BM 39 +- 1 %, AT 52 +- 3.2 %")
_R("SCRT2019WJ", year=2019, journal="Stem Cell Res Ther", doi="10.1186/s13287-019-1450-3",
   title="Wharton's jelly MSCs vs bone-marrow MSCs: osteogenic commitment", note="WJ-MSC osteogenic commitment 'poor' vs BM-MSC")
_R("Zheng2018", authors="Zheng CX, Sui BD et al.", year=2018,
   title="Reciprocal bone-marrow vs adipose MSC function from osteoporotic donors in OVX recipients",
   journal="Sci Rep", pmcid="PMC5980002", doi="10.1038/s41598-018-23098-8",
   note="BM-MSCs of OVX donors failed to prevent bone loss; adipose MSCs of OVX donors kept their protection")
_R("Sui2018", authors="Sui BD et al.", year=2018,
   title="Mesenchymal stem cells rescue gonadectomy-induced bone loss through T-cell apoptosis",
   journal="Exp Mol Med", volume="50", pages="166", pmcid="PMC6297134",
   note="systemic MSCs engrafted poorly; immunosuppression (T-cell apoptosis) proposed as the mechanism")
_R("Shen2011", authors="Shen J et al.", year=2011,
   title="Transplantation of mesenchymal stem cells from young donors delays aging in mice", journal="Sci Rep",
   volume="1", pages="67", note="old-donor MSCs had no such effect")
_R("Akiyama2012", authors="Akiyama K, Chen C, Wang D, Xu X, Qu C, Yamaza T, Cai T, Chen W, Sun L, Shi S", year=2012,
   title="Mesenchymal-stem-cell-induced immunoregulation involves FAS-ligand-/FAS-mediated T cell apoptosis",
   journal="Cell Stem Cell", volume="10", issue="5", pages="544-555", doi="10.1016/j.stem.2012.03.007",
   note="systemic BMMSC infusion in mice: transient T-cell apoptosis via FASL, then macrophage TGF-beta, regulatory T cells "
        "and immune tolerance; FASL-/- MSCs had no effect")
_R("Ghoryani2019", authors="Ghoryani M, Shariati-Sarabi Z, Tavakkol-Afshari J, Ghasemi A, Poursamimi J, Mohammadi M", year=2019,
   title="Amelioration of clinical symptoms of patients with refractory rheumatoid arthritis following treatment with "
         "autologous bone marrow-derived mesenchymal stem cells: a successful clinical trial in Iran",
   journal="Biomed Pharmacother", volume="109", pages="1834-1840", doi="10.1016/j.biopha.2018.11.056",
   note="9 patients, one IV dose of 1e6 autologous BM-MSC/kg, follow-up 1, 6, 12 months: regulatory T cells up at 1 month, "
        "Th17 falling to 12 months (uncontrolled); the 13-patient follow-up (J Immunol Res 2020, PMC7204151): FOXP3 up at 12 months")
_R("TissueEngA2012UCB", year=2012,
   title="Transplantation of human umbilical cord blood-derived mesenchymal stem cells or their conditioned medium prevents "
         "bone loss in ovariectomized nude mice",
   journal="Tissue Eng Part A", doi="10.1089/ten.tea.2012.0047",
   note="IV hUCB-MSC (and conditioned medium alone) prevented OVX BMD loss in T-cell-deficient nude mice; no engraftment in "
        "bone at 48 h (authors not shown in the stored abstract)")

_A = "assumption"
_CB = "clinical-background.md E3"
_ROW = "calibration-targets.csv row"

#: reference female active (red) marrow, mL (ICRP 89: 900 g at ~1.03 g/mL)
_RED_MARROW_ML = 900.0 / 1.03

_EV = "msc-evidence.md"

MSC2026 = ParameterSet.from_list(
    "MSC2026",
    [
        # -- biodistribution after IV infusion ------------------------------------------------
        P("msc_lung_trapping", 0.9, "1", f"{_ROW} 64: 80-100 % of an IV dose lodges in the lungs within minutes (Lee 2009; Eggenhofer 2012)",
          "fraction of an IV dose trapped in the lungs", ("Lee2009", "Eggenhofer2012", "Fischer2009", "Gholamrezanezhad2011"),
          prior=Uniform(0.3, 1.0, f"{_EV} §2, table (a): 'most' of the dose in rodent lungs (Lee 2009; Eggenhofer 2012; "
                        "Fischer 2009); in patients 27-33.5 % of the 111In activity at t = 0 (Gholamrezanezhad 2011, planar ROI): widened down to 0.3")),
        P("msc_survival_halflife", 1.0, "day", f"{_ROW} 65: lungs clear hMSCs with t1/2 ~24 h (range 12-72 h); viable cells gone from most tissues by 1-2 d",
          "survival half-life of lung-trapped graft cells without immune rejection", ("Lee2009", "Eggenhofer2012"),
          prior=TruncLogNormal(1.0, 1.6, 0.5, 3.0, f"{_EV} §2 and target C1: lung t1/2 ~24 h (12-72 h) in mice (Lee 2009, "
                               "PMC4154377); viable MSC only in the lungs, for <= 24 h (Eggenhofer 2012); median 1 d, gsd 1.6 assumption")),
        P("msc_marrow_survival_halflife", 3.0, "day", f"{_EV} §2 (derived): 0.001-0.3 % of an intramedullary dose is left at the site at 4 weeks in rabbits "
          "(OMICS 2014 Table 1), a single-exponential t1/2 of 1.7-4.6 d for retention 0.2-0.9; donor osteoblasts at 4 weeks (Pauley 2014)",
          "survival half-life of graft cells in the marrow (homed or injected) without immune rejection", ("OMICS2014RabbitMSC", "Pauley2014"),
          prior=LogUniform(1.5, 7.0, f"{_EV} §2 and table (a): local t1/2 prior 2-7 d from the rabbit marker-gene data at 4 weeks "
                           "(OMICS 2014 Table 1, detection limit < 0.001 %); a small persistent engrafted fraction (rabbit ONFH >= 8 weeks) is not modelled")),
        P("msc_marrow_homing", 5e-4, "1", f"{_EV} §2: < 1000 of 2e6 IV hMSCs in each of six tissues (< 0.05 %, Lee 2009); no viable MSC in bone marrow "
          "5 min-72 h (Eggenhofer 2012); central 5e-4 (was 0.005, the upper end of row 66)",
          "fraction of an IV dose that homes to bone marrow (within hours, Sackstein 2008)", ("Lee2009", "Eggenhofer2012", "Sackstein2008"),
          prior=LogUniform(5e-5, 5e-3, f"{_EV} table (a) and targets C2-C3: <= 0.05 % per tissue (Lee 2009), none viable in marrow (Eggenhofer 2012); "
                           "upper 0.5 % allows fucosylated (HCELL+) cells (Sackstein 2008, unquantified); lower end assumption")),
        P("msc_op_homing_loss", 0.75, "1", f"{_CB} E1: OVX-rat MSCs migrate ~4x less towards SDF-1 than young-rat MSCs (Sanghani-Kerai 2018)",
          "fractional loss of marrow homing of cells from an osteoporotic donor (vs young donors: homing has no age term)", ("SanghaniKerai2018",),
          prior=Uniform(0.5, 0.9, f"{_EV} §3, target C8: SDF-1 migration young/OVX 4x (loss 0.75), adult/OVX ~2x (loss 0.5) (Sanghani-Kerai 2018, PMC5987697)")),
        P("msc_io_retention", 0.5, "1", f"{_A}: part of an intramedullary injection leaks into the circulation; the reference gives local engraftment (Pauley 2014) and a larger benefit than IV (Stem Cells Int 2019) but no retained fraction",
          "fraction of an intraosseous dose retained in the marrow of the injected site", ("StemCellsInt2019",),
          prior=Uniform(0.2, 0.9, f"{_A}: no retained fraction right after intraosseous injection was found ({_EV} §2; Lebouvier 2015 gives the design only): wide")),
        # -- immune clearance and proliferation -----------------------------------------------
        P("msc_allo_clearance", 0.35, "1/day", f"{_A}: allogeneic MSCs are immune evasive, not immune privileged: anti-donor immune responses shorten their persistence (Ankrum 2014); prior from doubling the 1-day survival clearance at most",
          "extra clearance of allogeneic graft cells by the host immune system", ("Ankrum2014",),
          prior=Uniform(0.0, 0.7, f"{_A}: Ankrum 2014 is qualitative and no clinical advantage of autologous cells is shown ({_EV} table (a)): 0 to twice the lung survival clearance")),
        P("msc_prolif_rate", 0.05, "1/day", f"{_A}: in vivo self-renewal of surviving bone-marrow MSCs; far below culture doubling (2-3 d) and below clearance so grafts do not expand",
          "proliferation rate of young bone-marrow graft cells", (),
          prior=Uniform(0.0, 0.1, f"{_A}: no in vivo rate found ({_EV} table (a)); 0 to a tenth of the culture rate")),
        P("msc_prolif_factor_adipose", 1.3, "1", f"{_CB} (Kern 2006; Chen 2015): proliferation UC > adipose > bone marrow",
          "proliferation of adipose-derived cells relative to bone marrow", ("Kern2006", "MohamedAhmed2018"),
          prior=Uniform(1.0, 1.6, f"{_EV} §3: ASC > BMSC proliferation in donor-matched cells (Mohamed-Ahmed 2018) and in Kern 2006 (ranking only): size assumption")),
        P("msc_prolif_factor_cord", 1.6, "1", f"{_CB} (Kern 2006): umbilical-cord cells proliferate most (longest culture)",
          "proliferation of umbilical-cord cells relative to bone marrow", ("Kern2006",),
          prior=Uniform(1.2, 2.0, f"{_EV} §3: UCB highest (Kern 2006), UC > adipose (Chen 2015) (ranking only): size assumption")),
        P("msc_old_doubling_ratio", 1.7, "1", f"{_CB}: doubling time ~1.7x longer in old donors (Zhou 2008)",
          "doubling-time ratio of old vs young donor cells (scales with the donor-age factor)", ("Zhou2008",),
          prior=TruncNormal(1.7, 0.2, 1.3, 2.1, f"{_EV} §3, target C7: doubling time 1.7x longer, donors 17-90 y (Zhou 2008, PMC2398731); sd 0.2 assumption")),
        # -- product quality: source, donor age, disease --------------------------------------
        P("msc_donor_potency_decline", log(4.5) / 36.0, "1/year", f"{_ROW}s 70a-70c: osteoprogenitor (ALP+ CFU-F) frequency 4.5x (3-6x) lower at 41-70 y than at 3-36 y (D'Ippolito 1999), spread over 36 y",
          "exponential fall of donor-cell osteogenic potency with donor age above the young age", ("DIppolito1999",),
          prior=Uniform(log(3.0) / 36.0, log(6.0) / 36.0, f"{_EV} §3, target C6: ALP+ CFU-F 66.2 +- 9.6 (3-36 y) vs 14.7 +- 2.6 (41-70 y) per 1e6 cells, ratio 4.5 (3-6) (D'Ippolito 1999), over 36 y")),
        P("msc_donor_young_age", 30.0, "year", f"{_A}: within the young group of D'Ippolito 1999 ({_ROW}s 70a-70c, donors 3-36 y) potency is full; it falls above ~30 y",
          "donor age below which cells have full potency (also the default allogeneic bone-marrow donor age)", ("DIppolito1999",),
          prior=Uniform(15.0, 35.0, f"{_EV} §3 and table (a): iliac ALP+ CFU-F of 49 women fall sharply after 10 y and are lower above 20 y; D'Ippolito 1999: "
                        "'early during aging': onset 15-35 y (value kept at 30: a shift to 15-20 y would need the decline rate refitted)")),
        P("msc_osteo_adipose", 0.8, "1", f"{_A}: all three sources are osteogenic (Kern 2006); bone-marrow cells more so than donor-matched adipose cells (Mohamed-Ahmed 2018)",
          "osteogenic potency of adipose-derived cells relative to bone marrow", ("Kern2006", "MohamedAhmed2018"),
          prior=Uniform(0.5, 1.0, f"{_EV} §3: BMSC > ASC osteogenesis, donor-matched (Mohamed-Ahmed 2018); size assumption")),
        P("msc_osteo_cord", 0.8, "1", f"{_A}: umbilical-cord (Wharton's jelly) cells are osteogenic; studies disagree on their ranking against bone marrow",
          "osteogenic potency of umbilical-cord (tissue) cells relative to bone marrow", ("Kern2006", "SCI2016UCReview", "SCRT2019WJ"),
          prior=Uniform(0.2, 1.5, f"{_EV} §3 and table (a): conflicting: osteogenic nodules UC 19 +- 1.8 vs BM 7.5 +- 1.3 (Stem Cells Int 2016 review, Table 4) "
                        "vs 'poor' WJ-MSC commitment (Stem Cell Res Ther 2019): widened to 0.2-1.5")),
        P("msc_adipo_marrow", 1.0 / 3.0, "1", f"{_CB}: about 1/3 of bone-marrow MSC clones are tripotent (adipogenic); 60-80 % osteo-chondro only (Muraglia 2000)",
          "adipogenic share of committing young bone-marrow graft cells", ("Muraglia2000",),
          prior=Uniform(0.2, 0.4, f"{_EV} table (a): clonal tripotency ~1/3 (Muraglia 2000), a proxy for the commitment share")),
        P("msc_adipo_adipose", 0.5, "1", f"{_A}: adipose-derived cells keep adipogenic capacity (Kern 2006) and exceed donor-matched marrow cells (Mohamed-Ahmed 2018)",
          "adipogenic share of committing adipose-derived graft cells", ("Kern2006", "MohamedAhmed2018"),
          prior=Uniform(0.3, 0.7, f"{_EV} §3: ASC more adipogenic (Mohamed-Ahmed 2018); adipocytes AT 52 % vs BM 39 % (Stem Cells Int 2016 review, Table 4), x 1/3 = 0.44")),
        P("msc_adipo_cord", 0.38, "1", f"{_EV} §3: the cord products of the trials (NCT05152381, NCT06949137, Shim 2021) are cord tissue (Wharton's jelly): "
          "adipocytes UC 45 +- 1.5 % vs BM 39 +- 1 % (Stem Cells Int 2016 review, Table 4), so 45/39 x 1/3 = 0.38; Kern 2006's 0 is for cord blood (was 0)",
          "adipogenic share of committing umbilical-cord (tissue) graft cells", ("SCI2016UCReview", "Kern2006"),
          prior=Uniform(0.2, 0.5, f"{_EV} table (a): UC/WJ tissue ~0.3-0.5 (Stem Cells Int 2016 review, Table 4); cord blood (0, Kern 2006) is not a product here")),
        P("msc_adipo_age_gain", 1.0, "1", f"{_A}: aging and estrogen loss raise PPARgamma2 and tilt MSCs to fat (Moerman 2004; {_CB}); the adipogenic share rises by gain x (1 - relative potency)",
          "rise of the adipogenic share as donor potency falls", ("Moerman2004",),
          prior=Uniform(0.0, 2.0, f"{_A}: mixed evidence ({_EV} table (a)): OVX cells more adipogenic (Liu 2018) but young rat cells more adipogenic (Sanghani-Kerai 2018): 0-2")),
        P("msc_op_potency_loss", 0.5, "1", f"{_A}: OVX bone-marrow stromal cells have weaker osteogenic and stronger adipogenic capacity (Liu 2017, qualitative); in vivo OVX-donor BM-MSCs failed (Zheng 2018)",
          "fractional loss of osteogenic potency of bone-marrow cells from an osteoporotic donor (also the healing module's)", ("Liu2017", "Zheng2018"),
          prior=Uniform(0.25, 1.0, f"{_EV} §3 and table (a): weaker in vitro (Liu 2017/2018); OVX-donor BM-MSCs failed to prevent bone loss in OVX recipients "
                        "(Zheng 2018, PMC5980002): up to total loss (value kept at 0.5: the healing module shares it)")),
        P("msc_op_potency_loss_adipose", 0.1, "1", f"{_EV} §3: adipose MSCs from OVX donors kept their anti-inflammatory function and protected bone (Zheng 2018)",
          "fractional loss of osteogenic potency of adipose-derived cells from an osteoporotic donor", ("Zheng2018",),
          prior=Uniform(0.0, 0.5, f"{_EV} §3 and table (a): loss ~0 in vivo for OVX-donor adipose MSCs (Zheng 2018, PMC5980002); up to 0.5 assumption (one study)")),
        P("msc_paracrine_age_exponent", 0.5, "1", f"{_A}: senescent (SA-beta-gal+) MSCs are ~4x more frequent in old donors (Zhou 2008), so secretory function falls with donor age, more gently than osteogenic potency",
          "paracrine strength = donor-age factor^exponent", ("Zhou2008", "Shen2011"),
          prior=Uniform(0.0, 2.0, f"{_A}: 4x senescent cells in old donors (Zhou 2008); old-donor MSCs had no bone effect in aged mice (Shen 2011), so the "
                        f"paracrine loss may exceed the osteogenic one ({_EV} table (a)): widened to 0-2")),
        # -- cell numbers -> model concentrations ----------------------------------------------
        P("msc_marrow_volume_total", _RED_MARROW_ML, "mL", "ICRP 89: active marrow 900 g in the reference female (density ~1.03 g/mL)",
          "active marrow volume of the whole skeleton", ("ICRP89",),
          prior=Uniform(700.0, 1300.0, "ICRP 89 reference female 900 g, male 1170 g; spread assumption (not re-verified, msc-evidence.md)")),
        P("msc_marrow_volume_lumbar_spine", 0.123 * 0.8 * _RED_MARROW_ML, "mL", "Cristy 1981 adult distribution: lumbar vertebrae hold ~12 % of active marrow; L1-L4 = 4/5 of it",
          "active marrow in the L1-L4 DXA region", ("Cristy1981", "ICRP89"),
          prior=Uniform(60.0, 130.0, "Cristy 1981 share x ICRP 89 total; spread assumption (not re-verified)")),
        P("msc_marrow_volume_total_hip", 0.067 / 2.0 * _RED_MARROW_ML, "mL", "Cristy 1981: upper femora ~6.7 % of active marrow (both sides); one proximal femur",
          "active marrow in one proximal femur (total-hip region)", ("Cristy1981", "ICRP89"),
          prior=Uniform(15.0, 50.0, "Cristy 1981 share x ICRP 89 total; spread assumption (not re-verified)")),
        P("msc_marrow_volume_femoral_neck", 0.25 * 0.067 / 2.0 * _RED_MARROW_ML, "mL", f"{_A}: the femoral-neck region holds about a quarter of the proximal-femur marrow (Cristy 1981 for the femur)",
          "active marrow in the femoral-neck region", ("Cristy1981",),
          prior=Uniform(3.0, 15.0, f"{_A}: a tenth to a half of the proximal-femur marrow")),
        P("msc_marrow_volume_distal_radius", 0.5, "mL", f"{_A}: the adult forearm holds almost no active marrow (Cristy 1981 "
          "lists none in the radius); a small volume keeps the graft density finite, so an IV graft barely reaches it",
          "active marrow in the distal-radius region", ("Cristy1981",),
          prior=LogUniform(0.1, 2.0, f"{_A}: Cristy 1981 lists no radius marrow; order of magnitude only")),
        P("msc_marrow_cell_density", 5e8, "cells/mL", f"{_A}: nucleated cells per mL of active marrow (~1e9 per mL packed haematopoietic tissue at ~50 % cellularity)",
          "nucleated cells per mL of active marrow", (),
          prior=Uniform(2e8, 1e9, f"{_A}: cellularity 20-100 % of ~1e9 /mL packed tissue (no source in {_EV})")),
        P("msc_cfu_young", 66.2, "per 1e6 marrow cells", f"{_ROW} 70a: ALP+ CFU-F 66.2 +- 9.6 per 1e6 marrow cells, donors 3-36 y (D'Ippolito 1999)",
          "young-adult osteoprogenitor frequency: graft density is expressed relative to it", ("DIppolito1999",),
          prior=TruncNormal(66.2, 9.6, 47.0, 85.4, f"{_EV} §3: 66.2 +- 9.6 per 1e6 (D'Ippolito 1999, PMID 10404011), cut at +- 2 sd")),
        # -- mechanisms ---------------------------------------------------------------------------
        P("msc_niche_capacity", 1.0, "1", f"{_A}: engraftment is niche-limited: graft osteoprogenitors add at most ~capacity x the young endogenous supply; after IV, donor cells are at most ~2 % of osteoblasts ({_ROW}s 67a-67b, Horwitz 1999; Otsuru 2012), locally they can engraft (Pauley 2014)",
          "saturation of graft differentiation, relative to the young endogenous osteoprogenitor pool", ("Horwitz1999", "Otsuru2012"),
          prior=LogUniform(0.01, 5.0, f"{_A}: only bounds are known (target C5: <= 2 % donor OB after BMT, ~0 after IV MSC; MSCs do not substantially "
                           "engraft, Otsuru 2012; 0.001-0.3 % of an intramedullary dose left at 4 weeks, OMICS 2014 Table 1; Pauley 2014 local engraftment): "
                           "1 % to 5x the young supply (was 0.2-5: the rat rows 68d-68h put it below 0.2). "
                           "The rat fit (calibration.rat_msc, rows 68d-68h: femur BMD gain 2.5-10.4 % vs OVX at 4 and 8 weeks, Li 2016 SMD x CV, derived) "
                           "sits at this prior's lower bound: the rat rows leave no room for graft differentiation at 1e6 cells; the human value is not "
                           "tied to it (hypothetical)")),
        P("msc_systemic_fraction", 0.05, "1", f"{_A}: lung-trapped cells act systemically through secreted factors (TSG-6, Lee 2009; Otsuru 2012: OI benefit from a secreted factor), diluted over the body; sized so IV cells give a modest benefit in OVX rodents, smaller than intra-marrow cells (Stem Cells Int 2019); prior 0.5-20 % of a local graft's exposure",
          "marrow exposure to the secretome of cells outside that site, per cell, relative to local cells",
          ("Lee2009", "Otsuru2012", "StemCellsInt2019", "Li2016", "Fu2021", "Sui2018", "Zheng2018"),
          prior=LogUniform(0.005, 0.2, f"{_A}: no measurement; rodent IV effects (SMD 1.3-3, Li 2016; Fu 2021) seem immunomodulatory (Sui 2018; Zheng 2018), "
                           f"the separate mechanism 'immunomodulation' (msc_immune_*; {_EV} table (a)). The rat fit (calibration.rat_msc, rows 68d-68h, "
                           "with the immunomodulation gain fitted beside it) still sits at this prior's upper bound 0.2; the human value is not tied to it (hypothetical)")),
        P("msc_paracrine_ec50", 1.0, "1", f"{_A}: graft density (relative to young osteoprogenitors) giving half the maximal paracrine effect; no dose-response data (row 69)",
          "half-maximal graft exposure of the paracrine signal", (),
          prior=LogUniform(0.1, 10.0, f"{_A}: no dose-response data ({_EV} table (a)): two decades")),
        P("msc_paracrine_commit_gain", 1.0, "1", f"{_A}: growth factors raise endogenous osteoblast commitment (BBRC 2021 attributes the IV effect in OVX mice to paracrine signalling; {_CB} E1)",
          "maximal fractional rise of endogenous osteoblast commitment", ("Fu2021",),
          prior=LogUniform(0.2, 3.0, f"{_A}: direction supported (hUC-MSC secretome raises mineralisation, not proliferation: PLoS One 2015), magnitude not found ({_EV} §4)")),
        P("msc_paracrine_activity_gain", 0.3, "1", f"{_A}: growth factors raise bone formed per osteoblast; prior 0.1-1",
          "maximal fractional rise of osteoblast activity", (),
          prior=LogUniform(0.1, 1.0, f"{_A}: no magnitude found ({_EV} §4): a decade")),
        P("msc_rankl_suppression", 0.3, "1", f"{_CB}: MSCs secrete OPG and suppress osteoclastogenesis, OPG explaining only part (Oshita 2011); no secretion rate is known, so a maximal fractional fall of RANKL production with a wide prior",
          "maximal fractional fall of RANKL signalling from graft OPG and immunomodulation", ("Oshita2011",),
          prior=Uniform(0.1, 0.6, f"{_A}: Oshita 2011 qualitative (anti-OPG restores osteoclastogenesis only partly); no OPG secretion rate or in vivo RANKL/OPG shift found ({_EV} §4)")),
        # -- immunomodulation (mechanism d) --------------------------------------------------------
        P("msc_immune_emax", 0.5, "1", f"{_A}: systemic MSCs suppress T cells (FASL-induced T-cell apoptosis, then regulatory T cells: "
          "Akiyama 2012) and in gonadectomised mice that rescued bone loss and normalised resorption without lasting engraftment "
          "(Sui 2018); the human value is hypothetical (row 69), half the possible range (the rat value comes from calibration.rat_msc)",
          "maximal fractional fall of the estrogen-deficiency drive on bone under MSC immunosuppression (its immune-mediated share)",
          ("Akiyama2012", "Sui2018", "Zheng2018", "Fu2021", "TissueEngA2012UCB"),
          prior=Uniform(0.0, 1.0, f"{_A}: no human measurement; rodent systemic MSCs prevent most OVX loss (Fu 2021 SMD 3.02; Sui 2018) "
                        "but IV cord-blood MSCs (and their conditioned medium) also did so in T-cell-deficient nude mice (Tissue Eng A 2012), "
                        f"so how much is T-cell mediated is open ({_EV} §1, table (a) 'systemic_fraction'): the whole range 0-1")),
        P("msc_immune_ec50", 1.0, "1", f"{_A}: graft cells (weighted by secretory strength, remembered) per young osteoprogenitor of the "
          "whole marrow giving half the maximal suppression; a body-size scale: 1e6 cells in a 0.25 kg rat and 2e6 cells/kg in a "
          "person are both ~5 units",
          "half-maximal remembered graft dose of the immunosuppression", (),
          prior=LogUniform(0.1, 10.0, f"{_A}: no dose-response data (rodent doses 1e5-4e8 /kg, Fu 2021 Table 1; {_EV} §1): two decades")),
        P("msc_immune_halflife", 60.0, "day", f"{_A}: the suppression outlasts the cells (lung t1/2 ~1 d): T-cell apoptosis is transient but "
          "induces regulatory T cells and tolerance (Akiyama 2012); after one IV dose of 1e6 autologous BM-MSC/kg, patients' regulatory "
          "T cells were up at 1 month and Th17 cells still falling at 12 months (Ghoryani 2019, uncontrolled, n = 9)",
          "half-life of the immunosuppression once the graft cells are gone", ("Akiyama2012", "Ghoryani2019"),
          prior=LogUniform(7.0, 365.0, f"{_A}: no measured decay; from a week (transient T-cell apoptosis, Akiyama 2012) to a year "
                           "(Treg/Th17 changes at 12 months, Ghoryani 2019): the geometric centre ~50 d")),
        # -- attribution switches -----------------------------------------------------------------
        P("msc_switch_differentiation", 1.0, "1", "model switch (1 on, 0 off): graft cells differentiate into osteoblast precursors", "mechanism (a) on/off"),
        P("msc_switch_paracrine_formation", 1.0, "1", "model switch (1 on, 0 off): paracrine growth factors raise commitment and osteoblast activity", "mechanism (b) on/off"),
        P("msc_switch_osteoclast_inhibition", 1.0, "1", "model switch (1 on, 0 off): graft OPG lowers RANKL", "mechanism (c) on/off"),
        P("msc_switch_immunomodulation", 1.0, "1", "model switch (1 on, 0 off): graft immunosuppression damps the estrogen-deficiency drive",
          "mechanism (d) on/off"),
    ],
    citation_keys=("Lee2009", "Eggenhofer2012", "DIppolito1999"),
    description="MSC therapy: biodistribution, fate, product quality and mechanism strengths (hypothetical in humans: row 69).",
)
