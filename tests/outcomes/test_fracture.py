"""The fracture model reproduces its inputs (Fracture2026) when a reference population is simulated.

Tolerances: a relative risk re-estimated from simulated events (Poisson GLM, statsmodels) must
lie within 3 standard errors of the input; an incidence within 3 binomial standard errors.
Targets the model does not meet are strict xfails with the reason.
"""
import math

import numpy as np
import pytest
import statsmodels.api as sm

from osteosim.trials.targets import load_targets
from osteosim.outcomes.fracture import (KIND_SITES, KINDS, N_UNIFORMS, UNIFORM_COLUMNS, FractureModel, RiskFactors, sample_events,
                                        ten_year_probability)
from osteosim.parameters.fracture2026 import FRACTURE2026, POPULATION2026
from osteosim.physiology.patient import Patient

P = FRACTURE2026.values_dict()
POP = POPULATION2026.values_dict()


def reference_population(n, age_lo, age_hi, seed, female=1.0, prevalences=None):
    """Women (or men) of the reference population: Z ~ N(0, 1), risk factors at reference prevalence."""
    rng = np.random.default_rng(seed)
    fm = FractureModel()
    age = rng.uniform(age_lo, age_hi, n)
    prev = prevalences or POP
    rf = RiskFactors(np.full(n, female), (rng.random(n) < prev["smoking_prevalence"]).astype(float),
                     (rng.random(n) < prev["parental_hip_prevalence"]).astype(float),
                     (rng.random(n) < prev["glucocorticoid_prevalence"]).astype(float),
                     POP["bmi_mean"] + POP["bmi_sd"] * rng.standard_normal(n),
                     (rng.random(n) < prev["prior_fracture_prevalence"]).astype(float), np.zeros(n))
    z = {"femoral_neck": rng.standard_normal(n)}
    z["lumbar_spine"] = 0.6 * z["femoral_neck"] + 0.8 * rng.standard_normal(n)
    # the radius (wrist fractures) from its own stream, so every other draw is what it was without it
    r = P["tscore_corr_fn_dr"]
    z["distal_radius"] = r * z["femoral_neck"] + np.sqrt(1.0 - r * r) * np.random.default_rng(seed + 10_000).standard_normal(n)
    t = {s: fm.mean_tscore(s, age, female) + z[s] * P["tscore_sd_at_age"] for s in z}
    return fm, age, rf, z, t, rng


def tscores(t, n_points, shift=0.0):
    """Per-site T-scores at the grid points, constant in time (plus an optional shift)."""
    return {s: np.repeat(v[:, None], n_points, 1) + shift for s, v in t.items()}


COVARIATES = ["z", "smoker", "parental", "gc", "prior", "age"]


@pytest.fixture(scope="module")
def fits():
    """100,000 women aged 60-90 followed for one year (monthly hazards, BMD constant); per kind a
    Poisson GLM of the first fracture with log person-time offset (exact for piecewise-constant hazards)."""
    n = 100_000
    fm, age, rf, z, t, rng = reference_population(n, 60.0, 90.0, seed=1)
    grid = np.arange(13) / 12.0
    ev = sample_events(fm, grid, age, rf, tscores(t, 13), rng.random((n, 12, N_UNIFORMS)))
    out = {}
    for kind in range(len(KINDS)):
        first = ev.first_time[:, kind]
        exposure = np.fmin(np.fmin(first, ev.death_time), 1.0)
        X = np.column_stack([z[KIND_SITES[KINDS[kind]]], rf.smoker, rf.parental_hip, rf.glucocorticoids, rf.prior_fracture,
                             age - 75.0])
        res = sm.GLM(np.isfinite(first).astype(float), sm.add_constant(X), family=sm.families.Poisson(),
                     offset=np.log(np.maximum(exposure, 1e-9))).fit()
        out[kind] = (res.params, res.bse)
    return out


@pytest.mark.parametrize("kind, covariate, name, sign", [
    ("hip", "z", "gr_hip_women", -1), ("vertebral", "z", "gr_vertebral", -1), ("wrist", "z", "gr_wrist", -1),
    ("other", "z", "gr_other", -1), ("hip", "smoker", "rr_smoking_hip", 1), ("other", "smoker", "rr_smoking_other", 1),
    ("wrist", "smoker", "rr_smoking_other", 1), ("hip", "parental", "rr_parental_hip_hip", 1),
    ("hip", "prior", "rr_prior_fracture_hip", 1), ("other", "prior", "rr_prior_fracture", 1),
    ("wrist", "prior", "rr_prior_fracture", 1),
])
def test_relative_risks_reproduced(fits, kind, covariate, name, sign):
    params, bse = fits[KINDS.index(kind)]
    j = 1 + COVARIATES.index(covariate)
    coef, se = float(params[j]), float(bse[j])
    target = sign * math.log(P[name])
    assert abs(coef - target) < 3 * se, f"{name}: simulated RR {math.exp(sign * coef):.3f} vs input {P[name]} (SE {se:.3f})"


def test_glucocorticoid_rr_falls_with_age():
    fm = FractureModel()
    assert fm._gc_rr(50.0, True) == pytest.approx(P["rr_gc_hip_50"])
    assert fm._gc_rr(85.0, True) == pytest.approx(P["rr_gc_hip_85"])
    assert P["rr_gc_hip_85"] < fm._gc_rr(70.0, True) < P["rr_gc_hip_50"]


@pytest.fixture(scope="module")
def by_age():
    """Hip- and wrist-fracture incidence (first fractures per person-year) of the reference population by
    5-year band: band -> {kind: (rate, events)}."""
    out = {}
    for lo in (50.0, 90.0, 60.0, 70.0, 80.0):
        n = 150_000
        fm, age, rf, _, t, rng = reference_population(n, lo, lo + 5.0, seed=int(lo))
        grid = np.array([0.0, 0.5, 1.0])
        ev = sample_events(fm, grid, age, rf, tscores(t, 3), rng.random((n, 2, N_UNIFORMS)))
        out[lo] = {}
        for kind in ("hip", "wrist"):
            first = ev.first_time[:, KINDS.index(kind)]
            py = np.fmin(np.fmin(first, ev.death_time), 1.0).sum()
            out[lo][kind] = (np.isfinite(first).sum() / py, np.isfinite(first).sum())
    return out


@pytest.mark.parametrize("band, tid", [(50.0, "61b"), (90.0, "61c")])
def test_hip_incidence_by_age_reproduced(by_age, band, tid):
    """Rows 61b/61c are per 10,000 women-years at 50-54 and 90+ (simulated: 90-94)."""
    target = load_targets()[tid].value_f / 1e4
    sim, events = by_age[band]["hip"]
    # the model's input averaged over the band (the 90+ band of the source is open-ended)
    expected = float(np.mean(FractureModel().base_incidence(np.linspace(band, band + 5.0, 501), 1.0)[:, KINDS.index("hip")]))
    assert abs(sim - expected) < 3 * expected / math.sqrt(events), f"{tid}: {sim * 1e4:.1f} vs input {expected * 1e4:.1f}"
    # and the input itself is the published band value (the 90-94 band sits ~6 % above the open 90+ band)
    assert abs(expected - target) / target < 0.10, f"{tid}: input {expected * 1e4:.1f} vs published {target * 1e4:.1f} per 10,000"


def test_hip_doubling_time(by_age):
    ages = np.array([62.5, 72.5, 82.5])
    rates = np.array([by_age[60.0]["hip"][0], by_age[70.0]["hip"][0], by_age[80.0]["hip"][0]])
    doubling = math.log(2) / np.polyfit(ages, np.log(rates), 1)[0]
    lo, hi = (float(x) for x in load_targets()["61a"].tolerance.split(".."))
    assert lo <= doubling <= hi, f"doubling time {doubling:.2f} y outside {lo}..{hi} (row 61a)"


@pytest.mark.parametrize("band, published, tid", [(60.0, (50.0, 80.0), "63a"), (80.0, (80.0, 90.0), "63b")])
def test_wrist_incidence_by_age_reproduced(by_age, band, published, tid):
    """Rows 63a/63b (Brogren 2007): wrist fractures per 10,000 women-years at 50-79 and 80+ (taken as 80-89)."""
    fm, wrist = FractureModel(), KINDS.index("wrist")
    sim, events = by_age[band]["wrist"]
    expected = float(np.mean(fm.base_incidence(np.linspace(band, band + 5.0, 501), 1.0)[:, wrist]))
    assert abs(sim - expected) < 3 * expected / math.sqrt(events), f"{tid}: {sim * 1e4:.1f} vs input {expected * 1e4:.1f}"
    # the input averaged over the published band is the published value, within the row's tolerance
    t = load_targets()[tid]
    band_mean = float(np.mean(fm.base_incidence(np.linspace(*published, 601), 1.0)[:, wrist]))
    assert abs(band_mean * 1e4 - t.value_f) <= float(t.tolerance.split(":")[1]) * t.value_f, \
        f"{tid}: input {band_mean * 1e4:.1f} vs published {t.value_f} per 10,000"


def test_wrist_incidence_flattens_with_age(by_age):
    """Wrist incidence rises far more slowly with age than hip incidence (Brogren 2007 vs rows 61a-c)."""
    wrist = by_age[80.0]["wrist"][0] / by_age[60.0]["wrist"][0]
    hip = by_age[80.0]["hip"][0] / by_age[60.0]["hip"][0]
    assert 1.0 < wrist < hip / 3


@pytest.mark.xfail(strict=True, reason="the age-specific hip incidences are Norwegian (rows 61a-c, among the highest in "
                   "the world); US Medicare women >= 65 have about half that risk, so the US mean (row 60b) is not met")
def test_us_hip_incidence_over_65(by_age):
    # US women >= 65 by age (2005, assumption): 65-74 48 %, 75-84 36 %, 85+ 16 %
    fm = FractureModel()
    rate = sum(w * float(fm.base_incidence(a, 1.0)[KINDS.index("hip")]) for w, a in ((0.48, 70.0), (0.36, 80.0), (0.16, 89.0)))
    t = load_targets()["60b"]
    assert abs(rate * 1e5 - t.value_f) <= 0.25 * t.value_f


def test_imminent_risk_matches_inputs():
    fm = FractureModel()
    rf = RiskFactors(*(np.zeros(1) for _ in range(4)), np.full(1, 26.5), np.zeros(1), np.zeros(1))
    taus = np.linspace(0.0, 1.0, 2001)
    hip = KINDS.index("hip")
    m = [fm.prior_rr(rf, np.array([t]), np.zeros(1))[0, hip] for t in taus]
    assert np.trapezoid(m, taus) == pytest.approx(P["imminent_rr_first_year"], rel=1e-3)
    m10 = fm.prior_rr(rf, np.array([10.0]), np.zeros(1))[0, hip]
    assert abs(m10 - P["imminent_rr_10y"]) < 0.02


def test_new_fractures_feed_back():
    """Same draws with and without the imminent-risk feedback: feedback gives more repeat fractures."""
    n = 50_000
    fm, age, rf, _, t, rng = reference_population(n, 75.0, 85.0, seed=5)
    grid = np.arange(37) / 12.0
    u = rng.random((n, 36, N_UNIFORMS))
    ts = tscores(t, 37)
    with_fb = sample_events(fm, grid, age, rf, ts, u)
    flat = FractureModel(dict(P, imminent_rr_first_year=1.0, imminent_rr_10y=1.0, rr_vertebral_after_vertebral=P["rr_prior_fracture"]))
    without = sample_events(flat, grid, age, rf, ts, u)
    repeat = lambda ev: int((ev.count.sum(axis=1) >= 2).sum())  # noqa: E731
    assert repeat(with_fb) > 1.3 * repeat(without)
    # and the first fracture of each patient is the same (feedback acts only after it)
    first = lambda ev: np.nan_to_num(ev.first_time.min(axis=1), posinf=-1)  # noqa: E731
    assert np.array_equal(first(with_fb), first(without))


def test_lower_bmd_only_adds_events():
    """Common random numbers: a uniformly higher T-score can only remove fractures."""
    n = 20_000
    fm, age, rf, _, t, rng = reference_population(n, 70.0, 80.0, seed=9)
    grid = np.arange(13) / 12.0
    u = rng.random((n, 12, N_UNIFORMS))
    lo = sample_events(fm, grid, age, rf, tscores(t, 13), u)
    hi = sample_events(fm, grid, age, rf, tscores(t, 13, 0.5), u)
    first_lo, first_hi = np.isfinite(lo.first_time), np.isfinite(hi.first_time)
    assert first_hi.sum() < first_lo.sum()
    assert not (first_hi[:, 0] & ~first_lo[:, 0]).any()  # vertebral, before any feedback differs


def test_ten_year_probability_agrees_with_simulation():
    """The closed-form competing-risk probability equals the event sampler's, within MC error."""
    pt = Patient(age=75.0, sex="female", bmi=24.0, tscore_femoral_neck=-2.5, tscore_lumbar_spine=-2.5, smoker=True)
    prob = ten_year_probability(pt)["hip"] / 100.0
    n = 40_000
    fm = FractureModel()
    rf = RiskFactors(np.ones(n), np.ones(n), np.zeros(n), np.zeros(n), np.full(n, 24.0), np.zeros(n), np.zeros(n))
    grid = np.arange(121) / 12.0
    # T-score follows the population's age trend (constant Z), as ten_year_probability assumes
    shift = fm.mean_tscore("femoral_neck", 75.0 + grid, 1.0) - fm.mean_tscore("femoral_neck", 75.0, 1.0)
    shift_ls = fm.mean_tscore("lumbar_spine", 75.0 + grid, 1.0) - fm.mean_tscore("lumbar_spine", 75.0, 1.0)
    u = np.random.default_rng(3).random((n, 120, N_UNIFORMS))
    for k in ("vertebral", "wrist", "other"):  # no other fractures: their imminent feedback is not in the closed form
        u[:, :, UNIFORM_COLUMNS[k]] = 1.0
    ts = {"lumbar_spine": np.tile(-2.5 + shift_ls, (n, 1)), "femoral_neck": np.tile(-2.5 + shift, (n, 1)),
          "distal_radius": np.tile(-2.5 + shift, (n, 1))}  # wrist draws are switched off below
    ev = sample_events(fm, grid, np.full(n, 75.0), rf, ts, u)
    sim = float(np.isfinite(ev.first_time[:, KINDS.index("hip")]).mean())
    assert abs(sim - prob) < 3 * math.sqrt(prob * (1 - prob) / n) + 0.003, (sim, prob)


def test_ten_year_probability_orders():
    base = Patient(age=65.0, sex="female", tscore_femoral_neck=-1.0)
    low = base.model_copy(update={"tscore_femoral_neck": -3.0})
    old = base.model_copy(update={"age": 80.0})
    gc = base.model_copy(update={"glucocorticoids": True})
    p = {k: ten_year_probability(v) for k, v in dict(base=base, low=low, old=old, gc=gc).items()}
    assert p["low"]["hip"] > p["base"]["hip"] and p["old"]["hip"] > p["base"]["hip"] and p["gc"]["hip"] > p["base"]["hip"]
    assert all(0 < v["hip"] < v["major_osteoporotic"] < 100 for v in p.values())
    with pytest.raises(ValueError, match="tscore_femoral_neck"):
        ten_year_probability(Patient(age=65.0))
    assert ten_year_probability(Patient(age=65.0), use_bmd=False)["hip"] > 0


@pytest.mark.xfail(strict=True, reason="soft row 62 (Malmo lifetime hip risk 23.3 %) is not met: the age-specific "
                   "incidences are Norwegian (rows 61a-c), higher than Malmo's, and give ~30 % with US life-table mortality")
def test_lifetime_hip_risk_from_50():
    """Soft check (row 62, S): lifetime hip risk of a 50-year-old woman with competing mortality."""
    fm = FractureModel()
    surv, risk = 1.0, 0.0
    for age in np.arange(50.0, 105.0, 1.0 / 12):
        h = float(fm.base_incidence(age, 1.0)[KINDS.index("hip")])
        mu = float(fm.mortality(age, 1.0))
        risk += surv * h / (h + mu) * -math.expm1(-(h + mu) / 12)
        surv *= math.exp(-(h + mu) / 12)
    t = load_targets()["62"]
    assert abs(100 * risk - t.value_f) <= t.tolerance_f, f"lifetime hip risk {100 * risk:.1f} % vs {t.value_f} ± {t.tolerance}"


def test_course_hazards_follow_the_hazards_row_by_row():
    """FractureModel.course_hazards: one patient's T-score course gives, row by row, the hazards and mortality
    of that patient at each age; a site missing from the course is a named error."""
    fm = FractureModel()
    pt = Patient(sex="female", age=65.0, smoker=True)
    rf = RiskFactors.from_patient(pt)
    ages = np.array([65.0, 70.0, 80.0])
    sites = list(dict.fromkeys(KIND_SITES.values()))
    tscores = {s: np.array([-2.0, -2.4, -3.1]) for s in sites}
    lam, mu = fm.course_hazards(ages, rf, tscores)
    assert lam.shape == (3, len(KINDS)) and mu.shape == (3,)
    for i, a in enumerate(ages):
        z = {s: fm.zscore(s, tscores[s][i:i + 1], np.array([a]), rf.female) for s in sites}
        np.testing.assert_array_equal(lam[i], fm.hazards(np.array([a]), rf, z)[0])
        np.testing.assert_array_equal(mu[i], fm.mortality(np.array([a]), rf.female)[0])
    with pytest.raises(ValueError, match=f"no T-score course for {sites[0]}"):
        fm.course_hazards(ages, rf, {s: v for s, v in tscores.items() if s != sites[0]})
