"""StrengthHazard2026: the load-over-strength (factor of risk) fracture hazard (outcomes.strength_hazard).

Inputs come from cohort epidemiology and biomechanics only (never a treated arm's fracture
outcome): the fracture probability per loading event, the load spread, and the cohort gradients of
risk per SD of finite-element strength.  The event-to-event spread ``hazard_sigma_<kind>`` and the
BMD-strength correlation ``strength_bmd_corr_<site>`` are fitted by
osteosim.calibration.strength_hazard (closed form, reproducible) to the cohort gradients per SD of
strength (Kopperdahl 2014) and of BMD (Fracture2026's FRAX gradients) at the reference age.
"""
from __future__ import annotations

from math import log, sqrt

from .. import citations
from .base import FittedValues, P, ParameterSet

_R = citations.register
_R("Yang2020Falls", authors="Yang Y, Komisar V, Shishov N, et al.", year=2020,
   title="The effect of fall biomechanics on risk for hip fracture in older adults: a cohort study of video-captured "
         "falls in long-term care", journal="J Bone Miner Res", volume="35", pages="1914-1922",
   note="2,377 video-captured falls; 1-2 % caused a hip fracture")
_R("LimChoi2020", authors="Lim KT, Choi WJ", year=2020,
   title="Effect of fall characteristics on the severity of hip impact during a fall on the ground from standing "
         "height", journal="Osteoporos Int", note="hip impact force 4.0 +- 1.7 kN")
_R("Kopperdahl2014", authors="Kopperdahl DL, Aspelund T, Hoffmann PF, et al.", year=2014,
   title="Assessment of incident spine and hip fractures in women and men using finite element analysis of CT scans",
   journal="J Bone Miner Res", volume="29", pages="570-580",
   note="AGES-Reykjavik; vertebral strength OR/SD 2.8 (women) 2.2 (men); femoral strength OR/SD 4.2 (women)")
_R("Orwoll2009", authors="Orwoll ES, Marshall LM, Nielson CM, et al.", year=2009,
   title="Finite element analysis of the proximal femur and hip fracture risk in older men",
   journal="J Bone Miner Res", volume="24", pages="475-483",
   note="MrOS; femoral strength HR/SD 13.1 (age/BMI-adjusted 6.5), aBMD 5.1 (4.4)")
_R("Bouxsein2006", authors="Bouxsein ML, Melton LJ 3rd, Riggs BL, et al.", year=2006,
   title="Age- and sex-specific differences in the factor of risk for vertebral fracture: a population-based study "
         "using QCT", journal="J Bone Miner Res", volume="21", pages="1475-1482")
_R("CDCFalls", authors="US Centers for Disease Control and Prevention", title="Facts about falls", year=2023,
   url="https://www.cdc.gov/falls/",
   note="3-5 % of falls cause a fracture; more than 90 % of hip fractures follow falls")

_A = "assumption"
_FIT = FittedValues(
    "strength_hazard_fit.json",
    "fitted by osteosim.calibration.strength_hazard (closed form) to the cohort gradients of risk per SD of FE "
    "strength (Kopperdahl 2014) and per SD of BMD (Fracture2026 gr_*) at the reference age",
    ("Kopperdahl2014",),
)
#: vertebral incidence (Fracture2026: 10.7e-3/y at 65, doubling every 9 y) at the reference age 70,
#: spread over one peak spinal load per day
_VERTEBRAL_PER_DAY = 10.7e-3 * 2.0 ** (5.0 / 9.0) / 365.0
#: the wrist's share of the non-hip nonvertebral incidence at 70 (Fracture2026: wrist 5.6e-3/y at 65 doubling
#: every 18.4 y, other 9.4e-3/y doubling every 10.4 y)
_WRIST_70, _OTHER_70 = 5.6e-3 * 2.0 ** (5.0 / 18.4), 9.4e-3 * 2.0 ** (5.0 / 10.4)
_WRIST_SHARE_70 = _WRIST_70 / (_WRIST_70 + _OTHER_70)

STRENGTH_HAZARD2026 = ParameterSet.from_list(
    "StrengthHazard2026",
    [
        P("hazard_reference_age", 70.0, "year", f"{_A}: the age of the trial populations and of the cohorts (FRAX gradients at 65, AGES-Reykjavik older); women", "age (women) at which the per-event probability and the gradients are set"),
        # --- loading events -----------------------------------------------------------------------
        P("fracture_per_event_hip", 0.015, "1", "Yang 2020: 1-2 % of 2,377 video-captured falls caused a hip fracture; NEJM falls overview: about 1 % of falls in white women (midpoint taken)", "P(hip fracture per fall) of the mean woman at the reference age", ("Yang2020Falls",)),
        P("fracture_per_event_wrist", 0.025 * _WRIST_SHARE_70, "1", "derived here: 3-5 % of falls cause a fracture (CDC) minus the hip's 1.5 % is 2.5 % for the non-hip kinds, split by Fracture2026's wrist and other incidences at 70 (wrist 34 %)", "P(wrist fracture per fall) of the mean woman at the reference age", ("CDCFalls", "Yang2020Falls", "Brogren2007")),
        P("fracture_per_event_other", 0.025 * (1.0 - _WRIST_SHARE_70), "1", "derived here: 3-5 % of falls cause a fracture (CDC) minus the hip's 1.5 %, less the wrist's share (Fracture2026's incidences at 70)", "P(other nonvertebral fracture per fall) of the mean woman at the reference age", ("CDCFalls", "Yang2020Falls")),
        P("fracture_per_event_vertebral", _VERTEBRAL_PER_DAY, "1", f"derived here: events are each day's peak spinal load (bending and lifting, Bouxsein 2006; {_A}: one per day), so the per-event probability is Fracture2026's vertebral incidence at 70 (10.7e-3 x 2^(5/9)/y) / 365", "P(vertebral fracture per day's peak spinal load) of the mean woman at the reference age", ("Bouxsein2006",)),
        P("hip_impact_log_sd", sqrt(log(1.0 + (1.7 / 4.0) ** 2)), "1", "Lim & Choi 2020: hip impact force 4.0 +- 1.7 kN (CV 0.43) as a lognormal's log-SD; a lower bound for hazard_sigma_hip (checked, not used)", "log-SD of the sideways-fall impact force", ("LimChoi2020",)),
        # --- cohort gradients per SD of FE strength --------------------------------------------------
        P("gr_strength_vertebral", 2.8, "RR/SD", "Kopperdahl 2014 (AGES-Reykjavik): vertebral FE strength, incident spine fracture OR per SD, women", "vertebral fracture RR per SD lower vertebral strength", ("Kopperdahl2014",)),
        P("gr_strength_hip", 4.2, "RR/SD", "Kopperdahl 2014: femoral FE strength, incident hip fracture OR per SD, women (men: Orwoll 2009 6.5 age/BMI-adjusted, a check)", "hip fracture RR per SD lower femoral strength", ("Kopperdahl2014", "Orwoll2009")),
        # --- fitted (calibration.strength_hazard) ----------------------------------------------------
        _FIT.param("hazard_sigma_vertebral", 0.85, "1", "SD of ln(load/strength) between a patient's peak daily spinal loads", (0.05, 5.0), "~0.8: loads vary with activity"),
        _FIT.param("hazard_sigma_hip", 0.5, "1", "SD of ln(load/strength) between falls (impact force, direction, padding)", (0.05, 5.0), "0.41 from the impact force alone (Lim & Choi 2020) plus direction and padding"),
        _FIT.param("hazard_sigma_wrist", 0.5, "1", "SD of ln(load/strength) between falls onto the outstretched hand, wrist fractures (distal-radius strength)", (0.05, 5.0), "as the hip"),
        _FIT.param("hazard_sigma_other", 0.5, "1", "SD of ln(load/strength) between falls, other nonvertebral fractures (femoral-neck strength as the proxy)", (0.05, 5.0), "as the hip"),
        _FIT.param("strength_bmd_corr_lumbar_spine", 0.8, "1", "correlation of lumbar-spine BMD with vertebral FE strength at a given age", (0.05, 1.0), "0.8: aBMD explains most of FE strength"),
        _FIT.param("strength_bmd_corr_femoral_neck", 0.75, "1", "correlation of femoral-neck BMD with femoral FE strength at a given age", (0.05, 1.0), "0.75"),
        P("strength_bmd_corr_distal_radius", 0.8, "1", f"{_A}: no cohort gradient per SD of radius strength to fit it from (the spine's and neck's fitted values are 0.81 and 0.74); aBMD of the 1/3 radius, a nearly all-cortical region, carries most of its failure load", "correlation of distal-radius BMD with radius strength at a given age"),
    ],
    description="Fracture hazard from load over strength: a probit threshold per loading event (falls, daily spinal loads).",
)
