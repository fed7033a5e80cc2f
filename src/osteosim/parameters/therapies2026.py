"""Drug PK/PD parameters of the full model (Therapies2026).

PK values come from labels and published PK models (sources per value); the effect
strengths marked "fitted" are calibrated to the C rows of calibration-targets.csv, together with the
natural history, by ``osteosim.calibration.joint`` and read from ``osteosim/data/therapy_fit.json``.
"""
from __future__ import annotations

from math import log

from .. import citations
from .base import FittedValues, P, ParameterSet

_R = citations.register
_R("Peterson2004", authors="Peterson MC et al.", year=2004,
   title="AMG 162 (denosumab) pharmacokinetics in healthy postmenopausal women", journal="AAPS J",
   pages="abstract W4340", note="as coded in OpenBoneMin (metrumresearchgroup)")
_R("ProliaLabel", title="Prolia (denosumab)", journal="US prescribing information",
   note="60 mg SC every 6 months; bioavailability 62 %, Tmax ~10 d")
_R("FosamaxLabel", title="Fosamax (alendronate)", journal="US prescribing information",
   note="oral bioavailability 0.64 % (10 mg, fasting); ~50 % of absorbed dose retained in bone; terminal half-life > 10 years")
_R("ActonelLabel", title="Actonel (risedronate)", journal="US prescribing information",
   note="oral bioavailability 0.63 %; ~50 % of absorbed dose taken up by bone")
_R("ReclastLabel", title="Reclast (zoledronic acid)", journal="US prescribing information",
   note="5 mg IV over >= 15 min; 39 +- 16 % of the dose in urine within 24 h (the rest bound to bone)")
_R("Ma2006", authors="Ma YL, Zeng Q, Donley DW et al.", year=2006,
   title="Teriparatide increases bone formation in modeling and remodeling osteons and enhances IGF-II immunoreactivity in postmenopausal women with osteoporosis",
   journal="J Bone Miner Res", volume="21", pages="855-864", note="20-30 % of teriparatide-stimulated formation is modeling-based")
_R("Dempster2018", authors="Dempster DW, Zhou H, Ruff VA, Melby TE, Alam J, Taylor KA", year=2018,
   title="Longitudinal effects of teriparatide or zoledronic acid on bone modeling- and remodeling-based formation in the SHOTZ study",
   journal="J Bone Miner Res", volume="33", pages="627-633",
   note="with the AVA study (teriparatide vs denosumab, 3 months): teriparatide raises remodeling-, modeling- and overflow modeling-based formation in cancellous and endocortical envelopes")
_R("Eriksen2022", authors="Eriksen EF, Chapurlat R, Boyce RW et al.", year=2022,
   title="Modeling-based bone formation after 2 months of romosozumab treatment: results from the FRAME clinical trial",
   journal="J Bone Miner Res", volume="37", pages="36-40")
_R("Kim2012", authors="Kim SW, Pajevic PD, Selig M et al.", year=2012,
   title="Intermittent parathyroid hormone administration converts quiescent lining cells to active osteoblasts",
   journal="J Bone Miner Res", volume="27", pages="2075-2084")
_R("Kim2017", authors="Kim SW, Lu Y, Williams EA et al.", year=2017,
   title="Sclerostin antibody administration converts bone lining cells into active osteoblasts",
   journal="J Bone Miner Res", volume="32", pages="892-901")
_R("ForteoLabel", title="Forteo (teriparatide)", journal="US prescribing information",
   note="20 ug SC daily; bioavailability 95 %; half-life ~1 h")
_R("TymlosLabel", title="Tymlos (abaloparatide)", journal="US prescribing information",
   note="80 ug SC daily (ACTIVE: Miller PD et al., JAMA 2016;316:722-733)")
_R("EvenityLabel", title="Evenity (romosozumab)", journal="US prescribing information",
   note="210 mg SC monthly; bioavailability 81 %; mean half-life 12.8 d")
_R("Jilka1999", authors="Jilka RL et al.", year=1999,
   title="Increased bone formation by prevention of osteoblast apoptosis with parathyroid hormone",
   journal="J Clin Invest", volume="104", pages="439-446")
_R("McDonald2021", authors="McDonald MM et al.", year=2021,
   title="Osteoclasts recycle via osteomorphs during RANKL-stimulated bone resorption", journal="Cell", volume="184",
   pages="1330-1347",
   note="osteomorphs accumulate under RANKL inhibition and drive the rebound after stopping denosumab")
_R("Heaney2003", authors="Heaney RP et al.", year=2003,
   title="Human serum 25-hydroxycholecalciferol response to extended oral dosing with cholecalciferol",
   journal="Am J Clin Nutr", volume="77", pages="204-210", note="~1 ng/mL per 100 IU/day")
_R("EvistaLabel", title="Evista (raloxifene hydrochloride)", journal="US prescribing information",
   note="60 mg orally once daily; absolute bioavailability 2 %; plasma elimination half-life 27.7 h (single dose), "
        "32.5 h (multiple doses)")
_R("Reid2004", authors="Reid IR et al.", year=2004,
   title="A comparison of the effects of raloxifene and conjugated equine estrogen on bone and lipids in healthy "
         "postmenopausal women", journal="Arch Intern Med", volume="164", pages="871-879",
   note="3 y: spine BMD stable on raloxifene 60 or 150 mg/d, +4.6 % on CEE 0.625 mg/d, -2.0 % on placebo; CEE "
        "lowered turnover markers more (PubMed 15111373)")
_R("Delmas1997", authors="Delmas PD et al.", year=1997,
   title="Effects of raloxifene on bone mineral density, serum cholesterol concentrations, and uterine endometrium "
         "in postmenopausal women", journal="N Engl J Med", volume="337", pages="1641-1647",
   note="raloxifene 30, 60 or 150 mg/d for 24 months; 60 mg vs placebo: spine +2.4 %, total hip +2.4 %")
_R("Russell2008", authors="Russell RGG, Watts NB, Ebetino FH, Rogers MJ", year=2008,
   title="Mechanisms of action of bisphosphonates: similarities and differences and their potential influence on clinical efficacy",
   journal="Osteoporos Int", volume="19", pages="733-759", note="relative potencies")

_A = "assumption"


_fit = FittedValues("therapy_fit.json", "fitted by osteosim.calibration.joint (with the natural history) to the C rows of "
                    "calibration-targets.csv").param


THERAPIES2026 = ParameterSet.from_list(
    "Therapies2026",
    [
        # denosumab: SC depot -> central with linear + saturable (target-mediated) elimination
        P("den_ka", 0.17, "1/day", "Martinez-Reina 2019 (from Peterson 2004)", "denosumab SC absorption", ("MartinezReina2019", "Peterson2004")),
        P("den_F", 0.729, "1", "OpenBoneMin DENF (Peterson 2004)", "denosumab SC bioavailability", ("Peterson2004",)),
        P("den_V", 77.9 * 60.0, "mL", "Martinez-Reina 2019: 77.9 mL/kg x 60 kg", "denosumab central volume", ("MartinezReina2019",)),
        P("den_kel", 0.0115, "1/day", "Martinez-Reina 2019", "denosumab linear elimination", ("MartinezReina2019",)),
        P("den_vmax", 2672.0 * 60.0, "ng/day", "Martinez-Reina 2019: 2672 ng/(kg day) x 60 kg", "denosumab saturable elimination capacity", ("MartinezReina2019",)),
        P("den_km", 411.0, "ng/mL", "Martinez-Reina 2019", "denosumab saturable elimination Km", ("MartinezReina2019",)),
        _fit("den_rankl_affinity", 0.01, "mL/ng", "free RANKL decoy term = affinity x concentration, added to the RANKL binding denominator", (1e-4, 10.0), "Martinez-Reina 2019 chi*K_a form"),
        # osteoclast precursors accumulate when RANK signalling is blocked (rebound after stopping)
        _fit("ocp_other_loss", 0.3, "1", "share of precursor turnover not through RANKL-driven differentiation", (0.02, 1.0), "McDonald 2021 osteomorphs"),
        # bisphosphonates: one bone-bound pool (alendronate-equivalent), released over years
        P("bp_release_halflife", 10.0 * 365.25, "day", "Fosamax label: terminal half-life exceeds 10 years", "bone-bound bisphosphonate release half-life", ("FosamaxLabel",)),
        P("aln_F_bone", 0.0064 * 0.5, "1", "Fosamax label: 0.64 % absorbed, ~50 % of it retained in bone", "alendronate dose fraction bound to bone", ("FosamaxLabel",)),
        P("ris_F_bone", 0.0063 * 0.5, "1", "Actonel label: 0.63 % absorbed, ~50 % to bone", "risedronate dose fraction bound to bone", ("ActonelLabel",)),
        P("zol_F_bone", 0.61, "1", "Reclast label: 39 % in urine within 24 h, the rest retained", "zoledronic acid dose fraction bound to bone", ("ReclastLabel",)),
        P("ris_potency", 1.0, "alendronate-eq/mg", f"{_A}: risedronate and alendronate are given at doses of similar clinical effect per mg absorbed (Russell 2008)", "risedronate potency vs alendronate", ("Russell2008",)),
        _fit("zol_potency", 3.0, "alendronate-eq/mg", "zoledronic acid potency per bound mg vs alendronate", (0.3, 30.0), "Russell 2008: zoledronate binds and inhibits FPPS more strongly"),
        _fit("bp_emax", 3.0, "1", "maximal relative rise of osteoclast apoptosis", (0.2, 20.0), "bisphosphonates induce osteoclast apoptosis (Russell 2008)"),
        _fit("bp_ec50", 0.5, "mg alendronate-eq", "bound drug giving half the maximal effect", (0.01, 20.0), "scaled to ~3 y of 70 mg weekly (~1.1 mg bound)"),
        # PTH analogues: daily injection -> daily-averaged exposure (half-life ~1 h)
        P("teri_F", 0.95, "1", "Forteo label", "teriparatide SC bioavailability", ("ForteoLabel",)),
        P("teri_pmol_per_ug", 1e6 / 4117.8, "pmol/ug", "teriparatide molar mass 4117.8 g/mol", "unit conversion"),
        P("pth_clearance", 100.0 * 24.0, "L/day", "OpenBoneMin: plasma PTH clearance 100/14 per h over 14 L", "plasma PTH clearance", ("Peterson2004",)),
        P("pivonka_pth_per_pM", 2.907 / 3.85, "model pM/pM", "Pivonka's basal PTH 2.907 corresponds to a serum 3.85 pM (OpenBoneMin baseline)", "converts serum PTH to the Pivonka scale"),
        _fit("teri_anabolic_emax", 0.5, "1", "maximal relative fall of osteoblast apoptosis under intermittent PTH", (0.05, 0.95), "Jilka 1999: daily PTH prevents osteoblast apoptosis"),
        _fit("teri_anabolic_ec50", 10.0, "ug/day", "daily teriparatide dose giving half the anabolic effect", (1.0, 200.0), "20 and 40 ug/day both anabolic (Neer 2001)"),
        _fit("teri_commitment_gain", 1.0, "1", "osteoblast recruitment (lining-cell activation) x (1 + gain E_PTH)", (0.0, 10.0), "Jilka 1999; anabolic window"),
        # modeling-based formation (Osteosim._modeling_formation): bone laid on quiescent surfaces by
        # reactivated lining cells, per unit of drug effect and of the site's cancellous fraction
        _fit("teri_modeling_gain", 1.5e-4, "1/day", "modeling-based formation rate at full PTH-analogue effect (per unit cancellous fraction and reserve)", (1e-6, 1e-2), "20-30 % of teriparatide's formation is modeling-based (Ma 2006; Dempster 2018, AVA); ~5 % of the spine's bone over 19 months"),
        P("abalo_equivalence", 0.25, "teriparatide-ug/ug", f"{_A}: 80 ug abaloparatide acts like 20 ug teriparatide on bone formation", "abaloparatide to teriparatide anabolic equivalence"),
        # romosozumab: linear one-compartment PK (closed form), neutralises sclerostin
        P("romo_ka", 0.25, "1/day", f"{_A}: Evenity label Tmax ~5 d", "romosozumab SC absorption"),
        P("romo_F", 0.81, "1", "Evenity label", "romosozumab bioavailability", ("EvenityLabel",)),
        P("romo_kel", log(2.0) / 12.8, "1/day", "Evenity label: mean half-life 12.8 d", "romosozumab elimination", ("EvenityLabel",)),
        P("romo_V", 4.0, "L", f"{_A}: IgG central volume ~4 L", "romosozumab volume"),
        _fit("romo_kd", 10.0, "mg/L", "concentration neutralising half of sclerostin", (0.1, 1000.0), "Evenity label: exposure-response"),
        _fit("romo_commitment_gain", 1.0, "1", "osteoblast recruitment x free-sclerostin^-gain", (0.05, 20.0), "Wnt de-repression"),
        # anabolic reserve: quiescent lining cells / progenitors the anabolic drugs activate
        P("reserve_renewal", 1.0 / 365.25, "1/day", "assumption: the reserve recovers over about a year off drug (FRAME extension: romosozumab re-treatment after 12 months off raised BMD again)", "anabolic reserve renewal rate", bounds=(1.0 / 730.0, 1.0 / 90.0)),
        _fit("reserve_depletion", 0.01, "1/day", "reserve drain per unit of drug-driven excess recruitment", (1e-4, 0.5), "reserve exhaustion (assumption, proposed for the transient formation under sclerostin inhibition); shape target: romosozumab P1NP peaks at 1 mo, back near baseline by 9-12 mo (FRAME, clinical-background B7)"),
        _fit("romo_modeling_gain", 5e-4, "1/day", "modeling-based formation rate at full sclerostin neutralisation (per unit cancellous fraction and reserve)", (1e-6, 1e-2), "romosozumab's formation is mostly modeling-based (Eriksen 2022, FRAME biopsies at 2 months; Kim 2017: sclerostin antibody reactivates lining cells); ~8 % of the spine's bone in 12 months"),
        _fit("romo_rankl_gain", 0.3, "1", "RANKL x free-sclerostin^gain", (0.01, 5.0), "sclerostin neutralisation lowers RANKL: resorption stays below baseline in FRAME"),
        # estrogen / hormone therapy
        _fit("est_ed50", 0.15, "mg/day", "CEE dose restoring half of the lost estrogen action", (0.01, 5.0), "CEE 0.625 mg/day restores most premenopausal estrogen action"),
        # raloxifene (SERM): daily tablet -> daily-averaged absorbed dose (half-life 27.7 h, Evista label);
        # a partial estrogen agonist on bone, so it restores at most a share (ralox_emax) of the lost action
        P("ralox_F", 0.02, "1", "Evista label: absolute oral bioavailability 2 %", "raloxifene oral bioavailability", ("EvistaLabel",)),
        P("ralox_ec50", 15.0 * 0.02, "mg/day absorbed", f"{_A}: 60 mg/d is near the plateau (Delmas 1997: 60 and 150 mg/d raised spine and hip BMD alike; MORE: 120 mg/d only ~0.1-0.3 points above 60 mg/d); 15 mg/d oral x 2 % absorbed gives 80 % of the maximal effect at 60 mg/d", "absorbed raloxifene dose giving half its maximal bone effect", ("Delmas1997", "EvistaLabel")),
        _fit("ralox_emax", 0.3, "1", "share of the lost estrogen action raloxifene restores at most", (0.01, 1.0), "partial agonist: at 3 y raloxifene 60-150 mg/d kept spine BMD stable where CEE 0.625 mg/d raised it 4.6 % (placebo -2.0 %) and suppressed turnover markers less (Reid 2004)"),
        # calcium and vitamin D supplements
        P("vitd_ng_per_100iu", 1.0, "ng/mL per 100 IU/day", "Heaney 2003", "25(OH)D rise per 100 IU/day of vitamin D3", ("Heaney2003",)),
    ],
    citation_keys=("MartinezReina2019", "Peterson2004", "Ma2006", "Dempster2018", "Eriksen2022", "Kim2012", "Kim2017"),
    description="PK/PD of the standard osteoporosis drugs on the Osteosim model.",
)
