"""The load-over-strength hazard (FractureModel(hazard="strength"), outcomes.strength_hazard).

Tolerances: the normalisation is exact (Gauss-Hermite quadrature over the population, 1e-9); the
gradients of risk are re-estimated by Monte Carlo from the hazards the model gives (a rare-event
Poisson fit: the mean standardised deficit of the cases, 400,000 women, standard error < 0.5 %) and
must match the closed form within 2 %, the cohort values at the reference age within 2 %, and the
FRAX gradients per SD of BMD at 60-85 within 15 % (the strength model's gradient varies with age,
the FRAX-style model's does not).
"""
import numpy as np
import pytest

from osteosim.outcomes.fracture import KIND_SITES, KINDS, N_UNIFORMS, FractureModel, RiskFactors, sample_events
from osteosim.outcomes.strength_hazard import ProbitShape
from osteosim.parameters.fracture2026 import FRACTURE2026
from osteosim.parameters.strength_hazard2026 import STRENGTH_HAZARD2026

P = FRACTURE2026.values_dict()
SP = STRENGTH_HAZARD2026.values_dict()
FM = FractureModel(hazard="strength")
#: cohort gradients per SD of strength (Kopperdahl 2014, women) and of BMD (Fracture2026)
COHORT = {"vertebral": (SP["gr_strength_vertebral"], P["gr_vertebral"]),
          "hip": (SP["gr_strength_hip"], P["gr_hip_women"]), "wrist": (None, P["gr_wrist"]),
          "other": (None, P["gr_other"])}


def _z(z):
    """The same Z-score at every site the kinds read."""
    return {s: z for s in set(KIND_SITES.values())}


def _rr(kind, z, age, female=1.0, extra=None):
    """The strength term of patients at BMD Z-score z (known by BMD only), or at x = s_B z + extra."""
    k = KINDS.index(kind)
    z = np.asarray(z, float)
    age, female = np.full(z.shape, age), np.full(z.shape, female)
    dev = None
    if extra is not None:
        _, s_b = FM.log_strength_by_kind(age, female)
        dev = s_b * z[..., None] + np.asarray(extra)[..., None]
    return FM.strength_rr(_z(z), age, female, dev)[..., k]


@pytest.mark.parametrize("female", [1.0, 0.0])
@pytest.mark.parametrize("age", [55.0, 70.0, 85.0])
def test_normalisation_reproduces_base_incidence(age, female):
    """E over the reference population (Z ~ N(0, 1)) of the strength term is 1, as the BMD term's."""
    x, w = np.polynomial.hermite_e.hermegauss(120)
    w = w / w.sum()
    for kind in KINDS:
        assert np.sum(w * _rr(kind, x, age, female)) == pytest.approx(1.0, abs=1e-9)
    bmd = FractureModel().bmd_rr(_z(x), np.full(x.shape, female))
    assert np.sum(w[:, None] * bmd, axis=0) == pytest.approx(np.ones(len(KINDS)), abs=1e-9)


def _monte_carlo_gradients(kind, age, n=400_000, seed=1):
    """(GR per SD lower strength, GR per SD lower BMD) from the model's hazards in a sampled population:
    BMD Z and the strength BMD does not explain drawn per patient (its spread is what the model
    integrates out), P(fracture | event) the probit; rare-event Poisson fit = mean deficit of the cases."""
    rng = np.random.default_rng(seed)
    site = KIND_SITES[kind]
    shape = FM.shapes[kind]
    mu, s_b = FM.log_strength_population(site, age, 1.0)
    s_e = s_b * np.sqrt(1.0 / shape.r ** 2 - 1.0)
    u = rng.standard_normal(n)
    e = s_e * rng.standard_normal(n)
    x = s_b * u + e
    # the patient's P given its full strength: the model's rr with that patient's unexplained part known
    # (ProbitShape with r = 1 has no unexplained strength: sigma_e = sigma)
    known = ProbitShape(shape.sigma, 1.0, shape.p_event, shape.mu_ref, shape.s_ref)
    c = shape.margin(mu)
    from scipy.special import ndtr

    p = ndtr((c - x) / shape.sigma)
    assert known.sigma_e(s_b) == pytest.approx(shape.sigma)
    w = p / p.mean()
    s_tot = np.sqrt(s_b ** 2 + s_e ** 2)
    return np.exp(np.mean(w * -x / s_tot)), np.exp(np.mean(w * -u)), np.exp(np.mean(_rr(kind, u, age) * -u))


@pytest.mark.parametrize("kind", KINDS)
def test_gradients_match_cohorts_at_reference_age(kind):
    age = SP["hazard_reference_age"]
    gs, gb, gb_model = _monte_carlo_gradients(kind, age)
    site = KIND_SITES[kind]
    exact_s, exact_b = FM.shapes[kind].gradients(*FM.log_strength_population(site, age, 1.0))
    assert np.log(gs) == pytest.approx(np.log(exact_s), rel=0.02)
    assert np.log(gb) == pytest.approx(np.log(exact_b), rel=0.02)
    # the hazard the model gives a patient known by BMD only has the same BMD gradient
    assert np.log(gb_model) == pytest.approx(np.log(exact_b), rel=0.02)
    target_s, target_b = COHORT[kind]
    if target_s is not None:
        assert gs == pytest.approx(target_s, rel=0.02)
    assert gb == pytest.approx(target_b, rel=0.02)


@pytest.mark.parametrize("age", [60.0, 85.0])
@pytest.mark.parametrize("kind", KINDS)
def test_bmd_gradient_near_frax_at_other_ages(kind, age):
    site = KIND_SITES[kind]
    _, gb = FM.shapes[kind].gradients(*FM.log_strength_population(site, age, 1.0))
    assert gb == pytest.approx(COHORT[kind][1], rel=0.15)


def test_men_hip_gradients_near_frax_and_mros():
    gs, gb = FM.shapes["hip"].gradients(*FM.log_strength_population("femoral_neck", 70.0, 0.0))
    assert gb == pytest.approx(P["gr_hip_men"], rel=0.1)
    # Orwoll 2009 (MrOS, men >= 65): femoral FE strength HR per SD 6.5, 95% CI 2.3-18.3 (age/BMI-adjusted)
    assert 2.3 <= gs <= 18.3


@pytest.mark.parametrize("kind", KINDS)
def test_higher_strength_lowers_the_hazard(kind):
    z = np.array([-2.0, -2.0, -2.0, 0.0, 0.0, 0.0])
    d = np.array([-0.1, 0.0, 0.1, -0.1, 0.0, 0.1])
    rr = _rr(kind, z, 72.0, extra=d)
    assert rr[1] == pytest.approx(_rr(kind, z[1:2], 72.0)[0], rel=1e-12)  # x = s_B z: as known by BMD only
    assert rr[0] > rr[1] > rr[2] and rr[3] > rr[4] > rr[5]
    # and a higher BMD Z-score too
    assert _rr(kind, np.array([-1.0]), 72.0)[0] > _rr(kind, np.array([0.0]), 72.0)[0]


def test_probit_shape_refuses_bad_values():
    with pytest.raises(ValueError, match="r: 1.5"):
        ProbitShape(0.5, 1.5, 0.01, 0.0, 0.2)
    with pytest.raises(ValueError, match="p_event"):
        ProbitShape(0.5, 0.8, 1.0, 0.0, 0.2)


def _cohort(n=4000, months=36, seed=3):
    rng = np.random.default_rng(seed)
    z = lambda: rng.standard_normal(n)  # noqa: E731
    rf = RiskFactors(np.ones(n), np.zeros(n), np.zeros(n), np.zeros(n), np.full(n, 26.0), np.zeros(n), np.zeros(n))
    age0 = rng.uniform(65, 85, n)
    t = np.arange(months + 1) / 12.0
    tls = np.repeat((-2.6 + 0.5 * z())[:, None], months + 1, axis=1)
    tfn = np.repeat((-2.4 + 0.5 * z())[:, None], months + 1, axis=1)
    u = rng.random((n, months, N_UNIFORMS))
    tdr = np.repeat((-2.2 + 0.5 * z())[:, None], months + 1, axis=1)
    return t, age0, rf, {"lumbar_spine": tls, "femoral_neck": tfn, "distal_radius": tdr}, u


def test_same_seed_same_events_and_stronger_bone_only_removes_events():
    t, age0, rf, ts, u = _cohort()
    fm = FractureModel(hazard="strength", setting="trial")
    # strength falling as the population's does: each patient keeps its place (x = x0)
    mu = np.stack([fm.log_strength_by_kind(age0 + tj, rf.female)[0] for tj in t], axis=1)
    follow = mu - mu[:, :1]
    a = sample_events(fm, t, age0, rf, ts, u, strength_change=follow)
    b = sample_events(fm, t, age0, rf, ts, u, strength_change=follow.copy())
    np.testing.assert_array_equal(a.first_time, b.first_time)
    np.testing.assert_array_equal(a.death_time, b.death_time)
    # a stronger bone removes fractures and adds none (common random numbers, first fractures)
    s = sample_events(fm, t, age0, rf, ts, u,
                      strength_change=follow + np.linspace(0.0, 0.15, t.size)[None, :, None])
    assert s.count.sum() < a.count.sum()
    assert not (np.isfinite(s.first_time) & ~np.isfinite(a.first_time)).any()
    # the hazards sample_events used: x0 from the baseline Z-score, then x0 + change - population change
    z = {s: fm.zscore(s, ts[s][:, 0], age0, rf.female) for s in ts}
    x0 = fm.log_strength_by_kind(age0, rf.female)[1] * np.stack([z[KIND_SITES[k]] for k in KINDS], axis=-1)
    np.testing.assert_allclose(fm.strength_rr(z, age0, rf.female, x0), fm.strength_rr(z, age0, rf.female))


def test_bmd_hazard_is_the_default_and_unchanged():
    t, age0, rf, ts, u = _cohort(n=500)
    default, explicit = FractureModel(setting="trial"), FractureModel(setting="trial", hazard="bmd")
    assert default.hazard == "bmd" and default.shapes is None
    a = sample_events(default, t, age0, rf, ts, u)
    b = sample_events(explicit, t, age0, rf, ts, u)
    np.testing.assert_array_equal(a.counts_by_interval, b.counts_by_interval)
    with pytest.raises(ValueError, match="strength_change"):
        sample_events(default, t, age0, rf, ts, u, strength_change=np.zeros(ts["lumbar_spine"].shape + (len(KINDS),)))
    with pytest.raises(ValueError, match="hazard: 'frax'"):
        FractureModel(hazard="frax")
