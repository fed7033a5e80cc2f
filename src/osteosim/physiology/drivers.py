"""Lifetime drivers: what a patient's risk factors put on the remodeling model.

``patient_drivers(patient)`` turns the Patient schema into plain floats that the
model's RHS reads; the time functions (estrogen, PTH set-point, mechanical
load) are pure ``jax.numpy`` functions of age so they vectorise over patients.
Each effect size is a parameter of the ``Osteosim2026`` set with its source.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp

from ..units import DAYS_PER_YEAR
from .patient import Patient

__all__ = ["patient_drivers", "PEAK_AGE", "estrogen", "pmo_transient", "pth_production", "muscle_strength", "mechanical_load", "ACTIVITY_LOAD", "NEUTRAL_DRIVERS"]

#: relative habitual load per activity level (multiplies body-weight load)
ACTIVITY_LOAD = {"sedentary": "load_sedentary", "low": "load_low", "moderate": None, "high": "load_high"}

#: drivers of a patient with no risk factor and no menopause (used by model reductions and references)
NEUTRAL_DRIVERS = {
    "female": 1.0,
    "fmp_age": 1.0e3,
    "fmp_width": 0.5,
    "smoker": 0.0,
    "glucocorticoids": 0.0,
    "vitd": 30.0,
    "calcium": 1000.0,
    "bmi": 25.0,
    "activity_load": 1.0,
    "P_PTH": 0.0,
    "P_OPG": 0.0,
    "P_RANKL": 0.0,
    "input_start": 0.0,
    "input_end": 0.0,
}


#: young-adult peak bone mass age (years) by species, where a lifetime run starts: people 25;
#: rats 3 months (assumption: OVX models use skeletally mature rats of >= 3 months, Kimmel 1990
#: ovariectomised at 100 days; a younger rat starts at its own age)
PEAK_AGE = {"human": 25.0, "rat": 0.25}


def patient_drivers(patient: Patient, p: dict) -> dict[str, float]:
    """Plain-float drivers for one patient (p: the model's parameter values)."""
    d = dict(NEUTRAL_DRIVERS)
    if patient.species != "human":
        d["t_ref"] = min(patient.age, PEAK_AGE[patient.species]) * DAYS_PER_YEAR
    d["female"] = 1.0 if patient.sex == "female" else 0.0
    fmp = patient.effective_menopause_age
    if fmp is not None and patient.smoker and patient.menopause_age is None and not patient.surgical:
        fmp -= p["smoking_menopause_shift"]  # smokers reach natural menopause earlier
    d["fmp_age"] = 1.0e3 if fmp is None else float(fmp)
    # Surgical menopause: ovarian estradiol falls within days (half-life of circulating E2 is hours).
    d["fmp_width"] = p["surgical_estrogen_width"] if patient.surgical else p["menopause_estrogen_width"]
    d["smoker"] = 1.0 if patient.smoker else 0.0
    d["glucocorticoids"] = 1.0 if patient.glucocorticoids else 0.0
    d["vitd"] = float(patient.vitamin_d_ng_per_ml)
    d["calcium"] = float(patient.calcium_mg_per_day)
    d["bmi"] = float(patient.bmi)
    key = ACTIVITY_LOAD[patient.physical_activity]
    d["activity_load"] = 1.0 if key is None else float(p[key])
    return d


def estrogen(age, d, p):
    """Estrogen action relative to a premenopausal woman (1.0).

    Women: a logistic fall centred on the final menstrual period to the residual
    postmenopausal level; men: a slow linear fall of bioavailable estradiol.
    Smoking is anti-estrogenic (lower effective level).
    """
    post = p["estrogen_postmenopausal"]
    # jax.nn.sigmoid, not 1 / (1 + exp(x)): for men and young women (fmp_age far away) exp overflows,
    # and although the value is still right its derivatives are NaN, which stiff solvers need
    women = post + (1.0 - post) * jax.nn.sigmoid(-(age - d["fmp_age"]) / d["fmp_width"])
    men = p["estrogen_male_young"] * (1.0 - p["estrogen_male_decline_per_year"] * jnp.maximum(age - 25.0, 0.0))
    e = d["female"] * women + (1.0 - d["female"]) * men
    return e * (1.0 - d["smoker"] * p["smoking_estrogen_reduction"])


def pmo_transient(age, d, p):
    """Extra RANKL production after the menopause that fades over years (Martinez-Reina 2019 form)."""
    dt = jnp.maximum(age - d["fmp_age"], 0.0)
    onset = jax.nn.sigmoid((age - d["fmp_age"]) / d["fmp_width"])  # overflow-safe (see estrogen)
    return d["female"] * p["pmo_rankl_amplitude"] * onset / (1.0 + (dt / p["pmo_halflife_years"]) ** 2)


def pth_production(age, d, p):
    """PTH secretion relative to a vitamin-D and calcium replete 25-year-old."""
    vitd_def = jnp.maximum(p["vitd_sufficient"] - d["vitd"], 0.0) / p["vitd_sufficient"]
    ca_def = jnp.maximum(p["calcium_adequate"] - d["calcium"], 0.0) / p["calcium_adequate"]
    aging = 1.0 + p["pth_age_slope"] * jnp.maximum(age - 25.0, 0.0)
    return (1.0 + p["pth_vitd_gain"] * vitd_def + p["pth_calcium_gain"] * ca_def) * aging


def muscle_strength(age, p):
    """Leg muscle strength relative to its value before ``muscle_decline_onset`` (the slow middle-age fall is left
    out): ``exp(-k (age - onset)^2 / 2)``, whose relative loss rate ``k (age - onset)`` rises with age (2.6 %/y at
    75, the Health ABC rate of women aged 70-79, Goodpaster 2006; ~5 %/y at 85-89)."""
    dt = jnp.maximum(age - p["muscle_decline_onset"], 0.0)
    return jnp.exp(-0.5 * p["muscle_decline_rate"] * dt * dt)


def mechanical_load(age, d, p):
    """Habitual load relative to a moderately active adult of BMI 25.

    Muscle forces dominate the loads bone feels, so the load falls with muscle strength in old age, to the power
    ``load_muscle_coupling`` (fitted: how much of the strength loss reaches the bone's habitual strain)."""
    aging = muscle_strength(age, p) ** p["load_muscle_coupling"]
    return d["activity_load"] * (d["bmi"] / 25.0) ** p["load_bmi_exponent"] * aging
