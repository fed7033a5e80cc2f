"""Fracture risk (Fracture2026) and virtual trial populations (Population2026).

Fracture2026 holds the inputs of :mod:`osteosim.outcomes.fracture`: age-specific incidences,
gradients of risk per SD of BMD, the FRAX meta-analysis relative risks of the clinical risk
factors, the imminent risk after a fracture and background mortality.  Values tagged in the
reference (clinical-background.md, calibration-targets.csv) carry that source; values the
reference does not hold are marked "assumption" or "recalled" with the reason.

Population2026 holds the covariate distributions of a virtual trial population (the same
reference population the fracture model normalises its relative risks over) and the
between-patient variability of model parameters.
"""
from __future__ import annotations

from math import log

from .. import citations
from .base import FittedValues, P, ParameterSet

_R = citations.register
_R("Johnell2005", authors="Johnell O et al.", year=2005, title="Predictive value of BMD for hip and other fractures",
   journal="J Bone Miner Res", volume="20", pages="1185-1194")
_R("Marshall1996", authors="Marshall D, Johnell O, Wedel H", year=1996,
   title="Meta-analysis of how well measures of bone mineral density predict occurrence of osteoporotic fractures",
   journal="BMJ", volume="312", pages="1254-1259")
_R("Brogren2007", authors="Brogren E, Petranek M, Atroshi I", year=2007,
   title="Incidence and characteristics of distal radius fractures in a southern Swedish region",
   journal="BMC Musculoskelet Disord", volume="8", pages="48")
_R("ONeill2001", authors="O'Neill TW et al.", year=2001, title="Incidence of distal forearm fracture in British men and women",
   journal="Osteoporos Int", volume="12", pages="555-558")
_R("Kanis2004PriorFracture", authors="Kanis JA et al.", year=2004,
   title="A meta-analysis of previous fracture and subsequent fracture risk", journal="Bone", volume="35",
   pages="375-382")
_R("Kanis2004Family", authors="Kanis JA et al.", year=2004,
   title="A family history of fracture and fracture risk: a meta-analysis", journal="Bone", volume="35",
   pages="1029-1037")
_R("Kanis2004Glucocorticoids", authors="Kanis JA et al.", year=2004,
   title="A meta-analysis of prior corticosteroid use and fracture risk", journal="J Bone Miner Res", volume="19",
   pages="893-899")
_R("Kanis2005Smoking", authors="Kanis JA et al.", year=2005, title="Smoking and fracture risk: a meta-analysis",
   journal="Osteoporos Int", volume="16", pages="155-162")
_R("DeLaet2005", authors="De Laet C et al.", year=2005,
   title="Body mass index as a predictor of fracture risk: a meta-analysis", journal="Osteoporos Int", volume="16",
   pages="1330-1338")
_R("Klotzbuecher2000", authors="Klotzbuecher CM et al.", year=2000,
   title="Patients with prior fractures have an increased risk of future fractures: a summary of the literature and statistical synthesis",
   journal="J Bone Miner Res", volume="15", pages="721-739")
_R("Johansson2017", authors="Johansson H et al.", year=2017, title="Imminent risk of fracture after fracture",
   journal="Osteoporos Int", volume="28", pages="775-780")
_R("NorwayHip2011", year=2011, title="Hip fracture incidence by age in women, Harstad, Norway", pmcid="PMC3169771",
   note="8.7 per 10,000/y at 50-54, 582 per 10,000/y at 90+")
_R("Brauer2009", authors="Brauer CA et al.", year=2009,
   title="Incidence and mortality of hip fractures in the United States", journal="JAMA", volume="302",
   pages="1573-1579")
_R("Kanis2000Lifetime", authors="Kanis JA et al.", year=2000,
   title="Long-term risk of osteoporotic fracture in Malmo", journal="Osteoporos Int", volume="11", pages="669-674")
_R("Felsenberg2002", authors="Felsenberg D et al.", year=2002,
   title="Incidence of vertebral fracture in Europe: results from the European Prospective Osteoporosis Study (EPOS)",
   journal="J Bone Miner Res", volume="17", pages="716-724",
   note="recalled: 10.7 and 5.7 per 1,000 person-years in women and men aged 50-79")
_R("Cooper1992", authors="Cooper C et al.", year=1992,
   title="Incidence of clinically diagnosed vertebral fractures: a population-based study in Rochester, Minnesota, 1985-1989",
   journal="J Bone Miner Res", volume="7", pages="221-227",
   note="about one in three vertebral deformities comes to clinical attention; recalled")
_R("LookerNHANES1998", authors="Looker AC et al.", year=1998,
   title="Updated data on proximal femur bone mineral density levels of US adults", journal="Osteoporos Int",
   volume="8", pages="468-489", note="NHANES III BMD by age; recalled trend")
_R("Arias2019LifeTables", authors="Arias E, Xu J", year=2022, title="United States life tables, 2019",
   journal="National Vital Statistics Reports", volume="70", issue="19",
   note="recalled: death probability at 65 about 1.1 % in women, 1.7 % in men, doubling about every 8 years")
_R("ForearmDXA", title="Measurement of forearm bone mineral density in normal women by dual-energy X-ray absorptiometry",
   url="https://scilit.net/publications/814aa8c7e0d832db0e59712b3c605772",
   note="100 women 29-69 y, Hologic QDR-1000, non-dominant forearm: precision 0.55 % at the one-third radius; forearm vs "
        "spine and femoral neck r = 0.49-0.67 (abstract; authors, journal and year not retrieved)")
_R("Thai2001", title="Prediction of bone mineral density of lumbar spine, hip, femoral neck and Ward's triangle by forearm "
   "bone mineral density", journal="J Med Assoc Thai", year=2001, volume="84", pages="390-396", pmid="11460941",
   note="115 women 41-79 y: forearm (supradistal to 1/3) vs spine and hip BMD r = 0.40-0.70")

_A = "assumption"

_TRIAL_FIT = FittedValues(
    "fracture_fit.json",
    "fitted by osteosim.calibration.trial_fractures to the published placebo incidences of FREEDOM, FIT-1, the "
    "Fracture Prevention Trial and FRAME (osteosim.trials.published)",
    ("Cummings2009", "Black1996FIT", "Neer2001", "Cosman2016"),
)
_R("Cummings2009", authors="Cummings SR et al.", year=2009,
   title="Denosumab for prevention of fractures in postmenopausal women with osteoporosis (FREEDOM)",
   journal="N Engl J Med", volume="361", pages="756-765",
   note="fracture counts by visit: Austin M et al., J Bone Miner Res 2012;27:687-693, Table 2")
_R("Black1996FIT", authors="Black DM et al.", year=1996,
   title="Randomised trial of effect of alendronate on risk of fracture in women with existing vertebral fractures (FIT-1)",
   journal="Lancet", volume="348", pages="1535-1541")
_R("Neer2001", authors="Neer RM et al.", year=2001,
   title="Effect of parathyroid hormone (1-34) on fractures and bone mineral density in postmenopausal women with osteoporosis",
   journal="N Engl J Med", volume="344", pages="1434-1441")
_R("Cosman2016", authors="Cosman F et al.", year=2016,
   title="Romosozumab treatment in postmenopausal women with osteoporosis (FRAME)", journal="N Engl J Med",
   volume="375", pages="1532-1543")

FRACTURE2026 = ParameterSet.from_list(
    "Fracture2026",
    [
        # --- incidence in the general population (women; men by ratio) -------------------------
        P("hip_incidence_women_52", 8.7e-4, "1/year", "Norway (Harstad) women 50-54: 8.7 per 10,000/y (calibration row 61b)", "hip fracture incidence, women at 52", ("NorwayHip2011",)),
        P("hip_doubling_years", 6.6, "year", "Norway: 8.7 (50-54) to 582 (90+, taken at 92) per 10,000/y is a doubling every 6.6 years (rows 61b, 61c; within row 61a's 6-7)", "doubling time of hip incidence with age", ("NorwayHip2011",)),
        P("hip_men_ratio", 11.2 / 23.3, "1", f"{_A}: men/women ratio of the Malmo lifetime hip risks (11.2 vs 23.3 %) applied at every age", "hip incidence of men relative to women", ("Kanis2000Lifetime",)),
        P("vertebral_incidence_women_65", 10.7e-3, "1/year", "EPOS morphometric vertebral fracture, women 50-79 (recalled), placed at the mid age 65", "new (morphometric) vertebral fracture incidence, women at 65", ("Felsenberg2002",)),
        P("vertebral_doubling_years", 9.0, "year", f"{_A}: vertebral incidence rises with age more slowly than hip (EPOS shows a marked rise 50-79)", "doubling time of vertebral incidence with age", ("Felsenberg2002",)),
        P("vertebral_men_ratio", 5.7 / 10.7, "1", "EPOS men/women (recalled)", "vertebral incidence of men relative to women", ("Felsenberg2002",)),
        # wrist (distal forearm): incidence from a population register; the rest of the non-hip
        # nonvertebral fractures ("other") is what remains of the earlier all-non-hip assumption
        # (1.5 %/y at 65 doubling every 12 y, sized on the Malmo lifetime risks), so hip + wrist + other
        # keep that total at 65 and at 85
        P("wrist_incidence_women_65", 5.6e-3, "1/year", "Brogren 2007 (southern Sweden 2001, AO-classified distal radius fractures): women 50-79 56 per 10,000 person-years, placed at the mid age 65", "wrist (distal radius) fracture incidence, women at 65", ("Brogren2007",)),
        P("wrist_doubling_years", 18.4, "year", "derived from Brogren 2007: 56 per 10,000 at 50-79 (taken at 65) to 119 at 80+ (taken at 85) is a doubling every 18.4 years; wrist incidence flattens in old age as falls onto the outstretched hand give way to sideways falls", "doubling time of wrist incidence with age", ("Brogren2007",)),
        P("wrist_men_ratio", 9.0 / 36.8, "1", "O'Neill 2001 (UK, 6 centres, 3,161 fractures): age-adjusted incidence 9.0 (men) vs 36.8 (women) per 10,000 person-years at 35+", "wrist incidence of men relative to women", ("ONeill2001",)),
        P("other_incidence_women_65", 1.5e-2 - 5.6e-3, "1/year", f"{_A}: non-hip nonvertebral fragility fractures (forearm, humerus, pelvis, ribs...) ~1.5 %/y at 65, sized so that with hip and clinical vertebral fractures the lifetime risk from 50 approaches the Malmo 47 %, less the wrist's 0.56 %/y (Brogren 2007)", "other nonvertebral (neither hip nor wrist) fracture incidence, women at 65", ("Kanis2000Lifetime", "Brogren2007")),
        P("other_doubling_years", 10.4, "year", f"{_A}: the earlier non-hip total (doubling every 12 y from 1.5 %/y at 65: 4.8 %/y at 85) less the wrist's 1.19 %/y at 85 (Brogren 2007) is a doubling every 10.4 y", "doubling time of other nonvertebral incidence", ("Brogren2007",)),
        P("other_men_ratio", 0.5, "1", f"{_A}: men's nonvertebral incidence about half of women's (Malmo lifetime any-fracture 23.8 vs 47.3 %)", "other nonvertebral incidence of men relative to women", ("Kanis2000Lifetime",)),
        # --- BMD gradients of risk (per SD lower BMD, age-matched) -----------------------------
        P("gr_hip_women", 2.88, "RR/SD", "Johnell 2005, FN BMD, women at 65 (row 50a)", "hip fracture RR per SD lower femoral-neck BMD, women", ("Johnell2005",)),
        P("gr_hip_men", 2.94, "RR/SD", "Johnell 2005, FN BMD, men at 65 (row 50b)", "hip fracture RR per SD lower femoral-neck BMD, men", ("Johnell2005",)),
        P("gr_vertebral", 2.3, "RR/SD", "Marshall 1996, spine BMD -> vertebral fracture (row 52)", "vertebral fracture RR per SD lower lumbar-spine BMD", ("Marshall1996",)),
        P("gr_wrist", 1.7, "RR/SD", "Marshall 1996 (recalled): forearm fracture RR 1.7 (1.4-2.0) per SD lower BMD measured at the distal radius (1.4 at the hip)", "wrist fracture RR per SD lower distal-radius BMD", ("Marshall1996",)),
        P("gr_other", 1.38, "RR/SD", "Johnell 2005, FN BMD -> osteoporotic fracture, women (row 51), applied to other nonvertebral fractures", "other nonvertebral fracture RR per SD lower femoral-neck BMD", ("Johnell2005",)),
        # population BMD by age (T-score on the female young-adult reference): the Z of a patient
        P("fn_tscore_women_55", -0.8, "SD", f"{_A}: NHANES III women's FN BMD falls from ~0.76 g/cm2 at 50-59 to ~0.59 at 80+ (recalled)", "mean FN T-score of women at 55", ("LookerNHANES1998",)),
        P("fn_tscore_slope_women", -0.047, "SD/year", f"{_A}: same NHANES III trend", "fall of the mean FN T-score per year of age, women", ("LookerNHANES1998",)),
        P("fn_tscore_men_55", -0.3, "SD", f"{_A}: men's FN BMD ~0.5 SD above women's at the same age (NHANES III, recalled)", "mean FN T-score of men at 55", ("LookerNHANES1998",)),
        P("fn_tscore_slope_men", -0.035, "SD/year", f"{_A}: men lose hip BMD more slowly than women", "fall of the mean FN T-score per year of age, men", ("LookerNHANES1998",)),
        P("ls_tscore_55", -0.6, "SD", f"{_A}: spine T-scores fall less with age than the hip (degenerative artefacts)", "mean LS T-score at 55 (both sexes)"),
        P("ls_tscore_slope", -0.03, "SD/year", _A, "fall of the mean LS T-score per year of age"),
        P("th_minus_fn_tscore", 0.3, "SD", f"{_A}: total-hip T-scores run ~0.3 SD above femoral-neck ones in older women", "mean TH T-score minus FN T-score"),
        P("tscore_sd_at_age", 1.0, "SD", f"{_A}: the spread of BMD at a given age is close to the young-adult SD (NHANES III)", "SD of the T-score at a given age", ("LookerNHANES1998",)),
        P("tscore_corr_fn_ls", 0.6, "1", f"{_A}: typical correlation of spine and femoral-neck BMD", "correlation of FN and LS T-scores"),
        P("tscore_corr_fn_th", 0.9, "1", f"{_A}: femoral neck and total hip are nested regions", "correlation of FN and TH T-scores"),
        # distal radius (33 % region): no population survey measured it (NHANES did not), so its mean by age is
        # derived here from the fitted model (calibration.radius): the untreated woman (menopause at 50) and man
        # from their peaks on the Kelly 1990 reference, T at 55 and the least-squares slope over 55-80.  Derived with the
        # turnover-only radius fit; the fit with the radius's strain exponent (issue 17) would give women -2.0 at 55 and
        # -0.090 SD/y (-4.5 at 80), men +0.47 and -0.091 SD/y: not adopted, it would move every trial's wrist draws
        # and the forearm's longitudinal SPA loss (Svejme 2012) exceeds what cross-sectional references suggest
        P("dr_tscore_women_55", -1.3, "SD", f"{_A}: derived here from the model's fitted radius (calibration.radius rows 90a-90e)", "mean distal-radius T-score of women at 55"),
        P("dr_tscore_slope_women", -0.057, "SD/year", f"{_A}: derived here as dr_tscore_women_55", "fall of the mean distal-radius T-score per year of age, women"),
        P("dr_tscore_men_55", 1.1, "SD", f"{_A}: derived here as dr_tscore_women_55 (men's peak 2 SD above the female reference)", "mean distal-radius T-score of men at 55"),
        P("dr_tscore_slope_men", -0.047, "SD/year", f"{_A}: derived here as dr_tscore_women_55", "fall of the mean distal-radius T-score per year of age, men"),
        P("tscore_corr_fn_dr", 0.6, "1", "forearm (ultradistal to one-third radius) vs spine and femoral-neck BMD r = 0.49-0.67 (Hologic forearm study) and 0.40-0.70 (Thai 2001); the middle", "correlation of FN and distal-radius T-scores", ("ForearmDXA", "Thai2001")),
        # --- clinical risk factors (FRAX meta-analyses) ------------------------------------------
        P("rr_prior_fracture", 1.86, "RR", "Kanis 2004 (row 53): prior fragility fracture -> any fracture", "prior fracture, vertebral and other nonvertebral kinds", ("Kanis2004PriorFracture",)),
        P("rr_prior_fracture_hip", 1.85, "RR", "Kanis 2004: prior fracture -> hip fracture", "prior fracture, hip", ("Kanis2004PriorFracture",)),
        P("rr_vertebral_after_vertebral", 4.0, "RR", "Klotzbuecher 2000: prior vertebral -> new vertebral fracture about 4x", "prevalent vertebral fracture, vertebral kind", ("Klotzbuecher2000",)),
        P("imminent_rr_first_year", 2.7, "RR", "Johansson 2017: RR 2.7 in the year after a first major osteoporotic fracture", "mean RR in the first year after a new fracture", ("Johansson2017",)),
        P("imminent_rr_10y", 1.4, "RR", "Johansson 2017: falling to 1.4 at 10 years", "RR 10 years after a fracture", ("Johansson2017",)),
        P("imminent_decay_years", 2.0, "year", f"{_A}: exponential decay time of the excess (Johansson 2017 shows most of the excess gone within 2-3 y)", "decay time of the imminent excess", ("Johansson2017",)),
        P("rr_parental_hip_hip", 2.27, "RR", "Kanis 2004 (row 54): parental hip fracture -> hip fracture", "parental hip fracture, hip", ("Kanis2004Family",)),
        P("rr_parental_hip_other", 1.54, "RR", "Kanis 2004: parental hip fracture -> osteoporotic fracture (tagged R)", "parental hip fracture, vertebral and other kinds", ("Kanis2004Family",)),
        P("rr_smoking_hip", 1.84, "RR", "Kanis 2005 (row 55): current smoking -> hip fracture", "current smoking, hip", ("Kanis2005Smoking",)),
        P("rr_smoking_other", 1.29, "RR", "Kanis 2005: current smoking -> osteoporotic fracture", "current smoking, vertebral and other kinds", ("Kanis2005Smoking",)),
        P("rr_gc_hip_50", 4.42, "RR", "Kanis 2004 (row 56a): oral glucocorticoids -> hip fracture at 50", "glucocorticoids, hip, age 50", ("Kanis2004Glucocorticoids",)),
        P("rr_gc_hip_85", 2.48, "RR", "Kanis 2004 (row 56b): at 85 (log-linear in age between)", "glucocorticoids, hip, age 85", ("Kanis2004Glucocorticoids",)),
        P("rr_gc_other_50", 2.63, "RR", "Kanis 2004: osteoporotic fracture at 50", "glucocorticoids, vertebral and other kinds, age 50", ("Kanis2004Glucocorticoids",)),
        P("rr_gc_other_85", 1.71, "RR", "Kanis 2004: osteoporotic fracture at 85", "glucocorticoids, vertebral and other kinds, age 85", ("Kanis2004Glucocorticoids",)),
        P("rr_bmi_hip", 0.93, "RR per kg/m2", "De Laet 2005 (row 59), without BMD; not used when BMD is known (FRAX practice: mediated by BMD)", "hip RR per unit higher BMI", ("DeLaet2005",)),
        P("rr_bmi_other", 0.97, "RR per kg/m2", "De Laet 2005: osteoporotic fracture, without BMD", "vertebral and other RR per unit higher BMI", ("DeLaet2005",)),
        # --- trial populations (fracture_incidence: trial) -------------------------------------
        _TRIAL_FIT.param("trial_vertebral_incidence_factor", 1.0, "1", "vertebral incidence of a trial population relative to the general population of the same age, BMD and risk factors (healthier volunteers, regions of lower incidence)", (0.02, 5.0), "1: no difference"),
        _TRIAL_FIT.param("trial_nonvertebral_incidence_factor", 1.0, "1", "hip and other nonvertebral incidence of a trial population relative to the general population", (0.02, 5.0), "1: no difference"),
        # --- reporting ------------------------------------------------------------------------------
        P("clinical_vertebral_fraction", 1.0 / 3.0, "1", "Cooper 1992 (recalled): about one in three vertebral fractures comes to clinical attention", "share of vertebral fractures that are clinical (major osteoporotic fracture)", ("Cooper1992",)),
        P("mof_share_other", 0.5, "1", f"{_A}: forearm and humerus are about half of the non-hip nonvertebral fractures (wrist and other kinds together)", "share of the non-hip nonvertebral fractures (wrist and other kinds) that are major osteoporotic"),
        # --- competing mortality (Gompertz) ---------------------------------------------------------
        P("mortality_women_65", 0.0107, "1/year", "US life tables 2019 (recalled)", "death hazard of women at 65", ("Arias2019LifeTables",)),
        P("mortality_men_65", 0.0170, "1/year", "US life tables 2019 (recalled)", "death hazard of men at 65", ("Arias2019LifeTables",)),
        P("mortality_gompertz_slope", log(2.0) / 8.0, "1/year", "US life tables 2019: death rates double about every 8 years after 60 (recalled)", "Gompertz slope of the death hazard", ("Arias2019LifeTables",)),
    ],
    citation_keys=("Johnell2005", "Kanis2004PriorFracture"),
    description="Per-site fracture hazards from BMD, age, sex, clinical risk factors and prior fractures, with competing mortality.",
)

POPULATION2026 = ParameterSet.from_list(
    "Population2026",
    [
        # covariates of the reference population (also the fracture model's normalisation)
        P("bmi_mean", 26.5, "kg/m^2", f"{_A}: older women in the FRAX cohorts and the large trials (mean BMI 25-27)", "mean BMI"),
        P("bmi_sd", 4.5, "kg/m^2", _A, "SD of BMI"),
        P("height_mean_women", 1.61, "m", f"{_A}: older women; converts BMI to body weight (cells/kg doses)", "mean height, women"),
        P("height_mean_men", 1.75, "m", _A, "mean height, men"),
        P("height_sd", 0.065, "m", _A, "SD of height"),
        P("smoking_prevalence", 0.12, "1", f"{_A}: current smokers among older women in the FRAX cohorts", "prevalence of current smoking"),
        P("parental_hip_prevalence", 0.12, "1", f"{_A}: parental hip fracture in the FRAX cohorts", "prevalence of parental hip fracture"),
        P("glucocorticoid_prevalence", 0.03, "1", f"{_A}: current oral glucocorticoid use in older adults", "prevalence of oral glucocorticoids"),
        P("prior_fracture_prevalence", 0.2, "1", f"{_A}: prior fragility fracture after 50 in women aged ~65-70", "prevalence of a prior fracture (reference population)"),
        P("menopause_age_mean", 51.0, "year", "SWAN median age at natural menopause (as the Patient default)", "mean age at natural menopause"),
        P("menopause_age_sd", 3.5, "year", f"{_A}: SD of natural menopause age", "SD of menopause age"),
        # trial background: all pivotal trials gave calcium and vitamin D (as calibration/therapies.py)
        P("trial_calcium_mg_per_day", 1200.0, "mg/day", "pivotal trials supplemented calcium to ~1,000-1,200 mg/day (clinical-background A4)", "calcium intake in a trial population"),
        P("trial_vitamin_d_mean", 30.0, "ng/mL", "trials supplemented vitamin D (400-800 IU/day) to replete 25(OH)D", "mean 25(OH)D in a trial population"),
        P("vitamin_d_sd", 8.0, "ng/mL", _A, "SD of 25(OH)D"),
        # DXA measurement error of a scan (short-term precision, as a CV of the reading)
        P("dxa_precision_ls", 0.010, "1", f"{_A}: precision of trial densitometry centres about 1 % at the spine (the ISCD minimum acceptable precision for a technologist is 1.9 %, recalled)", "DXA precision CV, lumbar spine"),
        P("dxa_precision_th", 0.010, "1", f"{_A}: about 1 % at the total hip (ISCD minimum acceptable 1.8 %, recalled)", "DXA precision CV, total hip"),
        P("dxa_precision_fn", 0.015, "1", f"{_A}: the femoral neck region is smaller and less precise, about 1.5 % (ISCD minimum acceptable 2.5 %, recalled)", "DXA precision CV, femoral neck"),
        P("dxa_precision_dr", 0.010, "1", f"{_A}: about 1 % at the one-third radius in trial centres; an expert centre reached 0.55 % (Hologic QDR-1000 forearm study)", "DXA precision CV, distal radius (33 %)", ("ForearmDXA",)),
        # between-patient variability of model parameters (log-normal multipliers, median 1)
        P("cv_turnover", 0.25, "1", f"{_A}: bone turnover markers vary ~25 % between patients of the same age", "CV of the per-site turnover rates"),
        P("cv_drug_sensitivity", 0.3, "1", f"{_A}: BMD responses to a drug vary widely between patients (trial SDs of % change ~4-5 points)", "CV of each drug's effect strength (EC50, affinity, gain)"),
    ],
    description="Covariate distributions and between-patient variability of virtual trial populations.",
)
