"""Virtual trial populations: patients sampled to meet the inclusion criteria.

Every patient has its own random stream, ``SeedSequence(seed, spawn_key=(index,))`` (numpy's
spawn of child ``index``), so a patient is the same whatever chunk or worker draws it.  From
it, in a fixed order:

1. covariates: BMI and height (body weight for cells/kg doses), age at natural menopause,
   smoking, parental hip fracture, oral glucocorticoids, prior non-vertebral fracture at the
   prevalences of Population2026 (or the trial file's ``risk_factors``), a prevalent vertebral
   fracture at the trial's fraction; trial background calcium and vitamin D;
2. between-patient variability: log-normal multipliers (median 1) on the per-site turnover
   rates (one factor per patient) and on each drug's effect strength;
3. the uniforms of the fracture model (vertebral, hip, other, death and event time, per month);
4. age and baseline T-scores by rejection: candidate ages follow the survival curve of the
   population above the lower age limit (older women are fewer), T-scores at that age a
   correlated normal around the population mean for the age (Fracture2026, the fracture
   model's own reference, so the BMD gradient of risk holds in the sampled population);
   a candidate is kept when it meets every criterion (age, ``tscore_<site>``, ``tscore_any``,
   years since menopause).  Ages are whole months (the engine saves the untreated history
   monthly).  The distal radius's normals come from a second stream of the patient
   (:func:`radius_rng`), so adding the radius left every other draw, and so every existing
   population, as it was; ``tscore_any`` is the lowest of spine, hip and neck (the trials'
   criteria), not of the radius;
5. DXA measurement error of every visit's scan, per site (Population2026 precision CVs): the
   reported BMD is what a densitometer would read; fracture hazards use the simulated BMD;
6. the wrist's fracture uniforms (per month; drawn last so the draws above are unchanged by them).

Baseline BMD is the *measured baseline* of [1/7]: each patient's T-scores are given as
``tscore_<site>``, which rescales that site's young-adult peak so the simulated BMD at
randomisation equals the sampled value (outcomes/patient_run.py); the history shape is kept.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..outcomes.fracture import N_UNIFORMS, FractureModel, RiskFactors
from ..parameters.fracture2026 import POPULATION2026
from ..physiology.patient import SITES, Patient
from ..physiology.sites import SITE_TABLE
from .spec import TrialSpec

__all__ = ["VirtualPopulation", "sample_population", "patient_rng", "radius_rng", "age_tilt", "VARIABLE_PARAMETERS",
           "SHARED_MULTIPLIERS", "N_UNIFORMS",
           "DXA_PRECISION"]

#: model parameters with between-patient variability -> Population2026 CV parameter
VARIABLE_PARAMETERS = {
    "turnover": "cv_turnover",  # one factor per patient on turnover_<site>
    "den_rankl_affinity": "cv_drug_sensitivity",
    "bp_ec50": "cv_drug_sensitivity",
    "teri_anabolic_ec50": "cv_drug_sensitivity",
    "romo_kd": "cv_drug_sensitivity",
    "est_ed50": "cv_drug_sensitivity",
}
#: parameters that take another variable parameter's multiplier (no draw of their own, so every random
#: stream stays as it was): one estrogen-receptor sensitivity per patient for hormone therapy and raloxifene
SHARED_MULTIPLIERS = {"ralox_ec50": "est_ed50"}
#: the fracture uniforms drawn in step 3 of a patient's stream (vertebral, hip, other, death, time; the
#: columns that existed before the wrist's, which step 6 draws)
_N_FIRST_UNIFORMS = 5
#: DXA precision (CV) parameter of Population2026 per site
DXA_PRECISION = {s.name: s.dxa_precision for s in SITE_TABLE}
#: candidates drawn per rejection round, and the most rounds before a population is impossible
_BATCH, _MAX_ROUNDS = 64, 2000


def patient_rng(seed: int, index: int) -> np.random.Generator:
    """The random stream of patient ``index`` (child ``index`` of the trial's SeedSequence)."""
    return np.random.default_rng(np.random.SeedSequence(int(seed), spawn_key=(int(index),)))


def radius_rng(seed: int, index: int) -> np.random.Generator:
    """Patient ``index``'s second stream: the distal radius's T-score normals (child 0 of its SeedSequence)."""
    return np.random.default_rng(np.random.SeedSequence(int(seed), spawn_key=(int(index), 0)))


@dataclass
class VirtualPopulation:
    """Covariates of N patients (arrays (N,)), their multipliers and fracture uniforms (N, T, N_UNIFORMS)."""

    index: np.ndarray
    age: np.ndarray
    female: np.ndarray
    tscore: dict[str, np.ndarray]
    menopause_age: np.ndarray
    bmi: np.ndarray
    weight_kg: np.ndarray
    smoker: np.ndarray
    family_history: np.ndarray
    glucocorticoids: np.ndarray
    prior_fracture: np.ndarray
    prevalent_vertebral: np.ndarray
    calcium: np.ndarray
    vitamin_d: np.ndarray
    multipliers: dict[str, np.ndarray]
    uniforms: np.ndarray
    dxa_error: dict[str, np.ndarray]  # site -> (N, visits) relative error of each scan (baseline first)

    def __len__(self) -> int:
        return len(self.index)

    def patient(self, i: int) -> Patient:
        female = bool(self.female[i])
        return Patient(
            sex="female" if female else "male", age=float(self.age[i]),
            menopause_age=float(self.menopause_age[i]) if female else None,
            bmi=float(self.bmi[i]), weight_kg=float(self.weight_kg[i]),
            calcium_mg_per_day=float(self.calcium[i]), vitamin_d_ng_per_ml=float(self.vitamin_d[i]),
            smoker=bool(self.smoker[i]), family_history=bool(self.family_history[i]),
            glucocorticoids=bool(self.glucocorticoids[i]),
            prior_fracture=bool(self.prior_fracture[i] or self.prevalent_vertebral[i]),
            **{f"tscore_{s}": float(self.tscore[s][i]) for s in SITES},
        )

    def risk_factors(self) -> RiskFactors:
        f = lambda a: np.asarray(a, dtype=float)  # noqa: E731
        return RiskFactors(f(self.female), f(self.smoker), f(self.family_history), f(self.glucocorticoids),
                           f(self.bmi), f(self.prior_fracture | self.prevalent_vertebral), f(self.prevalent_vertebral))


def _criteria(pop, fm: FractureModel, female: bool, age, z, menopause):
    """Which candidates meet the T-score and menopause criteria, and their T-scores.

    ``age``, ``z[..., k]`` (k = 0, 1, 2, 3: standard normals of FN, TH, LS, DR) and ``menopause``
    broadcast against each other; returns (mask, {site: T-score}) of the broadcast shape.  Each
    site is correlated with the femoral neck (tscore_corr_fn_<site> of Fracture2026).
    """
    fm_female = 1.0 if female else 0.0
    rho_ls, rho_th, sd = fm.p["tscore_corr_fn_ls"], fm.p["tscore_corr_fn_th"], fm.p["tscore_sd_at_age"]
    rho_dr = fm.p["tscore_corr_fn_dr"]
    a = np.asarray(age, float)
    z0, z1, z2, z3 = z[..., 0], z[..., 1], z[..., 2], z[..., 3]
    fn = fm.mean_tscore("femoral_neck", a, fm_female) + sd * z0
    th = fm.mean_tscore("total_hip", a, fm_female) + sd * (rho_th * z0 + np.sqrt(1 - rho_th ** 2) * z1)
    ls = fm.mean_tscore("lumbar_spine", a, fm_female) + sd * (rho_ls * z0 + np.sqrt(1 - rho_ls ** 2) * z2)
    dr = fm.mean_tscore("distal_radius", a, fm_female) + sd * (rho_dr * z0 + np.sqrt(1 - rho_dr ** 2) * z3)
    t = {"lumbar_spine": ls, "total_hip": th, "femoral_neck": fn, "distal_radius": dr}
    if set(t) != set(SITES):
        raise ValueError(f"trials.population: T-scores are sampled for {sorted(t)}, the sites are {list(SITES)}")
    keep = np.ones(np.broadcast(a, z0).shape, dtype=bool)
    for site, (lo, hi) in pop.tscore_ranges().items():
        keep &= (t[site] >= lo) & (t[site] <= hi)
    if pop.tscore_any is not None:
        low = np.minimum(np.minimum(ls, th), fn)
        keep &= (low >= pop.tscore_any[0]) & (low <= pop.tscore_any[1])
    if female and pop.years_since_menopause is not None:
        mp = np.minimum(menopause, a)
        keep &= (a - mp >= pop.years_since_menopause[0]) & (a - mp <= pop.years_since_menopause[1])
    return keep, t


def age_tilt(spec: TrialSpec, fracture_model: FractureModel | None = None) -> float:
    """lambda (1/year) of the age tilt ``exp(lambda (age - low))`` that gives the population ``age_mean`` (0 without one).

    The accepted age density is survival(age) x P(criteria | age) x tilt; P(criteria | age) is
    estimated on a monthly age grid from a fixed sample (independent of the trial seed, so every
    chunk finds the same lambda), and the mean is matched by Brent's method.
    """
    pop = spec.population
    if pop.age_mean is None:
        return 0.0
    fm = fracture_model or FractureModel()
    return _age_tilt(pop.model_dump_json(), tuple(sorted(fm.p.items())))


@lru_cache(maxsize=32)
def _age_tilt(pop_json: str, fm_items: tuple) -> float:
    from scipy.optimize import brentq

    from .spec import Population

    pop = Population.model_validate_json(pop_json)
    fm = FractureModel(dict(fm_items))
    pp = POPULATION2026.values_dict()
    female = pop.sex == "female"
    lo, hi = pop.age
    ages = np.arange(np.ceil(lo * 12.0), np.floor(hi * 12.0) + 1.0) / 12.0
    rng = np.random.default_rng(20260)  # fixed: the tilt is a property of the criteria, not of the trial seed
    z = rng.standard_normal((20_000, 3))
    menopause = np.clip(pp["menopause_age_mean"] + pp["menopause_age_sd"] * rng.standard_normal(20_000), 40.0, 58.0)
    z = np.concatenate([z, rng.standard_normal((20_000, 1))], axis=1)  # the radius's, drawn last
    keep, _ = _criteria(pop, fm, female, ages[:, None], z[None], menopause[None])
    g = fm.p["mortality_gompertz_slope"]
    m_lo = float(fm.mortality(lo, 1.0 if female else 0.0))
    w = np.exp(-m_lo / g * np.expm1(g * (ages - lo))) * keep.mean(axis=1)
    if w.sum() <= 0:
        raise ValueError("population: the inclusion criteria (age, T-score ranges) accept almost no one in the "
                         "reference population; widen them")

    def mean_gap(lam: float) -> float:
        x = w * np.exp(lam * (ages - lo) - max(0.0, lam) * (hi - lo))
        return float((ages * x).sum() / x.sum()) - pop.age_mean

    lo_gap, hi_gap = mean_gap(-3.0), mean_gap(3.0)
    if lo_gap > 0 or hi_gap < 0:
        raise ValueError(f"population.age_mean: {pop.age_mean:g} is not allowed (with these criteria the mean age can be "
                         f"{lo_gap + pop.age_mean:.1f} to {hi_gap + pop.age_mean:.1f})")
    return float(brentq(mean_gap, -3.0, 3.0, xtol=1e-10))


def _lognormal(rng, cv: float, size=None):
    s = np.sqrt(np.log1p(cv * cv))
    return np.exp(s * rng.standard_normal(size))


def sample_population(spec: TrialSpec, indices: np.ndarray, n_months: int, seed: int | None = None,
                      fracture_model: FractureModel | None = None) -> VirtualPopulation:
    """Patients ``indices`` of the trial population; ``n_months`` fracture intervals each."""
    pop = spec.population
    pp = POPULATION2026.values_dict()
    fm = fracture_model or FractureModel()
    seed = spec.seed if seed is None else seed
    rf = pop.risk_factors
    prev = {
        "smoker": pp["smoking_prevalence"] if rf.smoker is None else rf.smoker,
        "family_history": pp["parental_hip_prevalence"] if rf.family_history is None else rf.family_history,
        "glucocorticoids": pp["glucocorticoid_prevalence"] if rf.glucocorticoids is None else rf.glucocorticoids,
        "prior_fracture": pp["prior_fracture_prevalence"] if rf.prior_fracture is None else rf.prior_fracture,
    }
    bmi_mean, bmi_sd = rf.bmi if rf.bmi is not None else (pp["bmi_mean"], pp["bmi_sd"])
    female = pop.sex == "female"
    height_mean = pp["height_mean_women" if female else "height_mean_men"]
    lo, hi = pop.age
    fm_female = 1.0 if female else 0.0
    n = len(indices)
    out = {k: np.zeros(n) for k in ("age", "menopause_age", "bmi", "weight_kg", "calcium", "vitamin_d")}
    flags = {k: np.zeros(n, dtype=bool) for k in ("smoker", "family_history", "glucocorticoids", "prior_fracture",
                                                  "prevalent_vertebral")}
    tscore = {s: np.zeros(n) for s in SITES}
    mult = {k: np.zeros(n) for k in VARIABLE_PARAMETERS}
    uniforms = np.zeros((n, n_months, N_UNIFORMS))
    # survival of the population from the lower age limit (Gompertz), tilted to the trial's mean age:
    # the age density of candidates
    g = fm.p["mortality_gompertz_slope"]
    m_lo = float(fm.mortality(lo, fm_female))
    lam = age_tilt(spec, fm)
    n_visits = 1 + len(spec.visits_months)
    dxa = {s: np.zeros((n, n_visits)) for s in SITES}
    cv_dxa = {s: pp[DXA_PRECISION[s]] for s in SITES}
    for row, idx in enumerate(np.asarray(indices, dtype=np.int64)):
        rng = patient_rng(seed, idx)
        rng_dr = radius_rng(seed, idx)
        # 1. covariates (fixed number of draws)
        z = rng.standard_normal(4)
        u = rng.random(5)
        bmi = float(np.clip(bmi_mean + bmi_sd * z[0], 16.0, 50.0))
        height = height_mean + pp["height_sd"] * z[1]
        out["bmi"][row] = bmi
        out["weight_kg"][row] = float(np.clip(bmi * height * height, 30.0, 200.0))
        out["menopause_age"][row] = float(np.clip(pp["menopause_age_mean"] + pp["menopause_age_sd"] * z[2], 40.0, 58.0))
        out["vitamin_d"][row] = float(np.clip(pp["trial_vitamin_d_mean"] + pp["vitamin_d_sd"] * z[3], 5.0, 80.0))
        out["calcium"][row] = pp["trial_calcium_mg_per_day"] if pop.calcium_vitamin_d else 800.0
        if not pop.calcium_vitamin_d:
            out["vitamin_d"][row] = max(out["vitamin_d"][row] - 5.0, 5.0)
        for j, k in enumerate(("smoker", "family_history", "glucocorticoids", "prior_fracture")):
            flags[k][row] = u[j] < prev[k]
        flags["prevalent_vertebral"][row] = u[4] < pop.prevalent_vertebral_fracture
        # 2. between-patient variability
        for k, cv in VARIABLE_PARAMETERS.items():
            mult[k][row] = _lognormal(rng, pp[cv])
        # 3. fracture-model uniforms (the columns drawn before the wrist's existed)
        uniforms[row, :, :_N_FIRST_UNIFORMS] = rng.random((n_months, _N_FIRST_UNIFORMS))
        # 4. age and T-scores by rejection
        for _ in range(_MAX_ROUNDS):
            age = lo + (hi - lo) * rng.random(_BATCH)
            # survival from lo: S = exp(-m_lo/g (e^{g (a - lo)} - 1)), times the age tilt (<= 1):
            # accept with that probability
            tilt = np.exp(lam * (age - lo) - max(0.0, lam) * (hi - lo))
            keep = rng.random(_BATCH) < np.exp(-m_lo / g * np.expm1(g * (age - lo))) * tilt
            age = np.round(age * 12.0) / 12.0
            zz = np.concatenate([rng.standard_normal((_BATCH, 3)), rng_dr.standard_normal((_BATCH, 1))], axis=1)
            ok, t = _criteria(pop, fm, female, age, zz, out["menopause_age"][row])
            keep &= ok & (age >= lo) & (age <= hi)
            hit = np.flatnonzero(keep)
            if hit.size:
                k = hit[0]
                out["age"][row] = age[k]
                for s in SITES:
                    tscore[s][row] = t[s][k]
                if female:
                    out["menopause_age"][row] = min(out["menopause_age"][row], age[k])
                break
        else:
            raise ValueError("population: the inclusion criteria (age, T-score ranges) accept almost no one in the "
                             "reference population; widen them")
        # 5. DXA measurement error of each scan (baseline and every visit), after the rejection so the
        # patients themselves do not depend on the number of visits (one row per site in SITES order: the
        # radius, last, took the row after the three older sites, whose errors stayed as they were)
        e = rng.standard_normal((len(SITES), n_visits))
        for j, s in enumerate(SITES):
            dxa[s][row] = cv_dxa[s] * e[j]
        # 6. the fracture uniforms added later (the wrist's): drawn last, so every earlier draw of the
        # patient's stream is what it was before they existed
        uniforms[row, :, _N_FIRST_UNIFORMS:] = rng.random((n_months, N_UNIFORMS - _N_FIRST_UNIFORMS))
    return VirtualPopulation(
        index=np.asarray(indices, dtype=np.int64), age=out["age"], female=np.full(n, female),
        tscore=tscore, menopause_age=out["menopause_age"], bmi=out["bmi"], weight_kg=out["weight_kg"],
        smoker=flags["smoker"], family_history=flags["family_history"], glucocorticoids=flags["glucocorticoids"],
        prior_fracture=flags["prior_fracture"], prevalent_vertebral=flags["prevalent_vertebral"],
        calcium=out["calcium"], vitamin_d=out["vitamin_d"], multipliers=mult, uniforms=uniforms, dxa_error=dxa,
    )
