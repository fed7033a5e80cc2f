"""Prior distributions (parameters/priors.py): ppf, support, text form, input errors, and P()'s bounds."""
import math

import numpy as np
import pytest
from scipy import stats

from osteosim.parameters.base import P, Parameter
from osteosim.parameters.priors import Beta, LogUniform, TruncLogNormal, TruncNormal, Uniform, default_prior

U = np.linspace(0.0, 1.0, 11)
SRC = "test"


@pytest.mark.parametrize("prior, ref", [
    (Uniform(2.0, 4.0, SRC), stats.uniform(2.0, 2.0)),
    (LogUniform(1e-3, 1e-1, SRC), stats.loguniform(1e-3, 1e-1)),
    (Beta(2.0, 5.0, SRC, 0.1, 0.6), stats.beta(2.0, 5.0, loc=0.1, scale=0.5)),
    (TruncNormal(1.7, 0.2, 1.3, 2.1, SRC), stats.truncnorm(-2.0, 2.0, loc=1.7, scale=0.2)),
    (TruncLogNormal(1.0, 1.6, 0.5, 3.0, SRC),
     stats.truncnorm(math.log(0.5) / math.log(1.6), math.log(3.0) / math.log(1.6), scale=math.log(1.6))),
])
def test_ppf_matches_scipy_and_stays_in_support(prior, ref):
    x = prior.ppf(U)
    lo, hi = prior.support
    assert x[0] == pytest.approx(lo) and x[-1] == pytest.approx(hi)
    assert np.all(np.diff(x) > 0) and np.all((x >= lo) & (x <= hi))
    inner = U[1:-1]
    want = ref.ppf(inner)
    if isinstance(prior, TruncLogNormal):
        want = np.exp(want)  # the reference is the normal of log(x)
    np.testing.assert_allclose(prior.ppf(inner), want, rtol=1e-9)
    assert prior.contains(float(prior.ppf(0.5))) and not prior.contains(hi + 1.0)
    assert str(prior).startswith(type(prior).__name__ + "(")


def test_loguniform_median_is_the_geometric_mean():
    assert LogUniform(5e-5, 5e-3, SRC).ppf(0.5) == pytest.approx(5e-4)


@pytest.mark.parametrize("make, field", [
    (lambda: Uniform(1.0, 0.0, SRC), "low = 1 > high = 0"),
    (lambda: Uniform(0.0, float("nan"), SRC), "high"),
    (lambda: Uniform(0.0, 1.0, ""), "source"),
    (lambda: LogUniform(0.0, 1.0, SRC), "low = 0"),
    (lambda: Beta(0.0, 1.0, SRC), "a = 0.0"),
    (lambda: TruncNormal(1.0, -1.0, 0.0, 2.0, SRC), "sd = -1.0"),
    (lambda: TruncLogNormal(1.0, 1.0, 0.5, 2.0, SRC), "gsd = 1.0"),
    (lambda: TruncLogNormal(-1.0, 2.0, 0.5, 2.0, SRC), "median = -1.0"),
    (lambda: Uniform("0", 1.0, SRC), "low = '0'"),
])
def test_bad_prior_input_names_the_field(make, field):
    with pytest.raises(ValueError, match="allowed") as e:
        make()
    assert field in str(e.value)


def test_ppf_rejects_points_outside_the_unit_interval():
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        Uniform(0.0, 1.0, SRC).ppf([0.5, 1.5])


def test_P_derives_bounds_from_the_prior_and_rejects_a_second_copy():
    p = P("x", 0.5, "1", "assumption: test", prior=Uniform(0.2, 0.9, SRC))
    assert p.bounds == (0.2, 0.9) and p.prior.support == p.bounds
    with pytest.raises(ValueError, match="differ from the prior's support"):
        P("x", 0.5, "1", "assumption: test", bounds=(0.1, 0.9), prior=Uniform(0.2, 0.9, SRC))
    with pytest.raises(ValueError, match="prior = "):
        Parameter("x", 0.5, "1", "assumption: test", bounds=(0.0, 1.0), prior=(0.0, 1.0))


def test_default_prior_is_the_old_ensemble_rule():
    assert isinstance(default_prior((0.001, 0.01)), LogUniform)
    assert isinstance(default_prior((0.2, 0.4)), Uniform) and isinstance(default_prior((0.0, 5.0)), Uniform)
    # bit-identical to the mapping the ensemble used before priors existed
    u = np.random.default_rng(0).random(7)
    old = np.exp(math.log(0.001) + u * (math.log(0.01) - math.log(0.001)))
    assert np.array_equal(default_prior((0.001, 0.01)).ppf(u), old)


def test_triangular_prior():
    from osteosim.parameters.priors import Triangular

    t = Triangular(0.0, 0.25, 1.0, "test")
    x = t.ppf(np.array([0.0, 0.25, 1.0]))
    np.testing.assert_allclose(x, [0.0, 0.25, 1.0])  # the CDF at the mode is (mode - low) / (high - low)
    assert t.support == (0.0, 1.0) and str(t).startswith("Triangular(0, mode=0.25, 1)")
    with pytest.raises(ValueError, match="mode = 2"):
        Triangular(0.0, 2.0, 1.0, "test")
