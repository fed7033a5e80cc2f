"""The full model's natural-history targets, cohort and priors (fitted by :mod:`osteosim.calibration.joint`).

Targets (calibration-targets.csv): 1b LS and 2b FN change over the SWAN
transmenopause window (FMP-1 y to FMP+2 y); 5a LS and 5b FN loss rates in
established postmenopause (Guthrie 1998; taken as FMP+5 to FMP+10 y); 8 total
hip change over 3 y in FREEDOM-like placebo women (72 y, calcium + vitamin D); issue 17 item 7: 91a/91b
total-hip loss at 67-70 and 85-89 y (SOF: the loss accelerates in the oldest), 92a/92b FN and LS change over
the 10 years around the FMP (SWAN), 93 a smoker's and 94 an early (45) menopause's FN BMD deficit at 70.
Two soft constraints keep the ends of life plausible (stated in SOFT below).

The calibration cohort is solved as one batch.  The parameters in FITTED are fitted together
with the drug effects by :mod:`osteosim.calibration.joint` (``osteosim calibrate``), which stores
their values in ``osteosim/data/natural_history_fit.json``, read by the Osteosim2026 parameter set.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np

from ..models.osteosim import Osteosim
from ..outcomes.densitometry import peak_bmd
from ..outcomes.patient_run import relative_bmd, simulate_cohort
from ..physiology.patient import Patient
from ..solve import SolverOptions
from ..trials.targets import load_targets

__all__ = ["FITTED", "COHORT", "ROWS", "simulate_targets", "FIT_PATH"]

#: parameter -> (lower, upper) bounds of the fit (log-space for all, they are positive)
FITTED = {
    "turnover_lumbar_spine": (0.03 / 365.25, 0.6 / 365.25),
    "turnover_total_hip": (0.02 / 365.25, 0.5 / 365.25),
    "turnover_femoral_neck": (0.02 / 365.25, 0.5 / 365.25),
    "estrogen_rankl_gain": (0.05, 8.0),
    "pmo_rankl_amplitude": (0.01, 10.0),
    "pmo_halflife_years": (0.3, 10.0),
    "sclerostin_commitment_gain": (0.05, 4.0),
    "msc_flux_exponent": (0.01, 1.0),
    "load_muscle_coupling": (0.05, 5.0),
    "smoking_commitment_loss": (0.005, 0.9),
}

FMP = 51.0
#: targets are percent changes known to ~0.1 %; rtol 1e-6 keeps solver error far below that
CALIBRATION_SOLVER = SolverOptions(rtol=1e-6, atol=1e-8)
#: the calibration cohort: one patient per population in the targets
COHORT = {
    # SWAN / Melbourne women: typical risk profile (Patient defaults), natural menopause at 51
    "swan": Patient(sex="female", age=50.0, menopause_age=FMP),
    # FREEDOM placebo: ~72 y, menopause ~50, calcium + vitamin D supplemented (1000-1200 mg, >= 400 IU)
    "freedom_placebo": Patient(sex="female", age=72.0, menopause_age=50.0, calcium_mg_per_day=1200.0, vitamin_d_ng_per_ml=30.0),
    # older men (Tobago / MrOS): typical risk profile
    "men": Patient(sex="male", age=65.0),
    # rows 93 and 94: the SWAN woman smoking (menopause age given, so only smoking's action on bone differs;
    # Law & Hackshaw adjusted for menopause age), and with an early natural menopause
    "smoker": Patient(sex="female", age=50.0, menopause_age=FMP, smoker=True),
    "early_menopause": Patient(sex="female", age=50.0, menopause_age=45.0),
}

#: soft constraints (not C rows of the target table): value, tolerance, source
SOFT = {
    "premenopause_ls_rate": (-0.1, 0.25, "Greendale 2012: minimal loss before the transmenopause (%/y, ages 30-45)"),
    "men_fn_rate": (-0.4, 0.2, "clinical-background A3: men >= 65 lose FN BMD at ~0.3-0.5 %/y (Tobago, MrOS)"),
}

#: the calibration-targets.csv rows fitted here
ROWS = ("1b", "2b", "5a", "5b", "8", "91a", "91b", "92a", "92b", "93", "94")

#: save ages per cohort member
AGES = {
    "swan": np.array([30.0, 45.0, FMP - 5.0, FMP - 1.0, FMP + 2.0, FMP + 5.0, FMP + 10.0, 67.0, 70.0, 85.0, 89.0]),
    "freedom_placebo": np.array([72.0, 75.0]),
    "men": np.array([65.0, 75.0]),
    "smoker": np.array([70.0]),
    "early_menopause": np.array([70.0]),
}


def simulate_targets(params: dict, model: Osteosim | None = None) -> dict[str, float]:
    """Simulated value of every calibration quantity for the given parameter values."""
    model = model or Osteosim()
    names = list(COHORT)
    ages = np.unique(np.concatenate(list(AGES.values())))
    sol = simulate_cohort(model, params, [COHORT[n] for n in names], ages, CALIBRATION_SOLVER)
    if not sol.ok.all():
        raise RuntimeError("calibration cohort solve failed")

    def at(who, age, site):
        return float(relative_bmd(model, sol.ys[names.index(who), int(np.searchsorted(ages, age))], site))

    def pct(who, a0, a1, site):
        return 100.0 * (at(who, a1, site) / at(who, a0, site) - 1.0)

    def th_rate(a0, a1):  # total-hip change of the SWAN woman, mg/cm^2 per year (her peak BMD times relative BMD)
        peak = peak_bmd(COHORT["swan"], params)["total_hip"]
        return 1000.0 * peak * (at("swan", a1, "total_hip") - at("swan", a0, "total_hip")) / (a1 - a0)

    def vs_swan(who, age, site):
        return 100.0 * (at(who, age, site) / at("swan", age, site) - 1.0)

    return {
        "1b": pct("swan", FMP - 1.0, FMP + 2.0, "lumbar_spine"),
        "2b": pct("swan", FMP - 1.0, FMP + 2.0, "femoral_neck"),
        "5a": pct("swan", FMP + 5.0, FMP + 10.0, "lumbar_spine") / 5.0,
        "5b": pct("swan", FMP + 5.0, FMP + 10.0, "femoral_neck") / 5.0,
        "8": pct("freedom_placebo", 72.0, 75.0, "total_hip"),
        "premenopause_ls_rate": pct("swan", 30.0, 45.0, "lumbar_spine") / 15.0,
        "men_fn_rate": pct("men", 65.0, 75.0, "femoral_neck") / 10.0,
        "91a": th_rate(67.0, 70.0),
        "91b": th_rate(85.0, 89.0),
        "92a": pct("swan", FMP - 5.0, FMP + 5.0, "femoral_neck"),
        "92b": pct("swan", FMP - 5.0, FMP + 5.0, "lumbar_spine"),
        "93": vs_swan("smoker", 70.0, "femoral_neck"),
        "94": vs_swan("early_menopause", 70.0, "femoral_neck"),
    }


def _targets() -> dict[str, tuple[float, float, str]]:
    t = load_targets()
    out = {k: (t[k].value_f, t[k].tolerance_f, t[k].source) for k in ROWS}
    out.update(SOFT)
    return out


#: starting values of the fit (the literature priors named in osteosim2026.py)
_PRIORS = {
    "turnover_lumbar_spine": 0.13 / 365.25,
    "turnover_total_hip": 0.10 / 365.25,
    "turnover_femoral_neck": 0.085 / 365.25,
    "estrogen_rankl_gain": 1.5,
    "pmo_rankl_amplitude": 2.0,
    "pmo_halflife_years": 2.0,
    "sclerostin_commitment_gain": 0.3,
    "msc_flux_exponent": 0.3,
    "load_muscle_coupling": 1.0,
    "smoking_commitment_loss": 0.1,
}

#: spread of the log-normal priors: a factor of 3 is one standard deviation
PRIOR_LOG_SD = float(np.log(3.0))

FIT_PATH = Path(str(resources.files("osteosim").joinpath("data/natural_history_fit.json")))
