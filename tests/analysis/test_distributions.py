"""Laws of factors (priors): inverse CDFs on [low, high], their defaults, and Sobol shares under them."""
import numpy as np
import pytest

from osteosim.analysis import Sensitivity, SensitivityError
from osteosim.analysis.distributions import TRUNCATION_SD, kind_of, parse_spec, to_prior
from osteosim.analysis.problem import resolve_factors
from osteosim.models.base import get_model


def from_unit(kind, u, low, high, shape):
    return to_prior(kind, low, high, shape, "test").ppf(u)


def test_inverse_cdfs_hit_the_bounds_and_the_centre():
    u = np.array([0.0, 0.5, 1.0])
    np.testing.assert_allclose(from_unit("normal", u, -1.0, 3.0, {"mean": 1.0, "sd": 1.0}), [-1.0, 1.0, 3.0])
    np.testing.assert_allclose(from_unit("lognormal", u, 0.1, 10.0, {"median": 1.0, "gsd": 2.0}), [0.1, 1.0, 10.0])
    np.testing.assert_allclose(from_unit("triangular", u, 0.0, 2.0, {"mode": 1.0}), [0.0, 1.0, 2.0])
    np.testing.assert_allclose(from_unit("log-uniform", u, 0.01, 1.0, {}), [0.01, 0.1, 1.0])


def test_kinds_round_trip_through_the_parameter_priors():
    for kind, lo, hi, shape in [("uniform", 0.0, 1.0, {}), ("log-uniform", 0.01, 1.0, {}),
                                ("normal", -1.0, 3.0, {"mean": 1.0, "sd": 1.0}),
                                ("lognormal", 0.1, 10.0, {"median": 1.0, "gsd": 2.0}),
                                ("triangular", 0.0, 2.0, {"mode": 1.0})]:
        prior = to_prior(kind, lo, hi, shape, "test")
        assert kind_of(prior) == (kind, shape) and prior.support == (lo, hi)
    with pytest.raises(SensitivityError, match="distribution: 'gamma' is not allowed"):
        to_prior("gamma", 0.0, 1.0, {}, "test")


def test_truncation_defaults():
    assert parse_spec("k", {"distribution": "normal", "mean": 2.0, "sd": 0.5}) == (
        "normal", 2.0 - TRUNCATION_SD * 0.5, 2.0 + TRUNCATION_SD * 0.5, {"mean": 2.0, "sd": 0.5})
    kind, lo, hi, _ = parse_spec("k", {"distribution": "lognormal", "median": 1e-3, "gsd": 3.0})
    assert (kind, lo, hi) == ("lognormal", pytest.approx(1e-3 / 27), pytest.approx(1e-3 * 27))


def test_sobol_shares_follow_the_variances_of_the_laws():
    """f = x1 + x2 with x1 ~ N(0, 1), x2 ~ N(0, 2), both truncated at 3 sd (same variance factor): S1 = ST =
    1/5 and 4/5."""
    laws = {"x1": {"distribution": "normal", "mean": 0.0, "sd": 1.0},
            "x2": {"distribution": "normal", "mean": 0.0, "sd": 2.0}}
    sa = Sensitivity(laws, method="sobol", n=2048, seed=2).fit(lambda x: x[:, 0] + x[:, 1])
    t = sa.indices_.set_index("parameter")
    np.testing.assert_allclose(t.loc[["x1", "x2"], "S1"], [0.2, 0.8], atol=0.03)
    np.testing.assert_allclose(t.loc[["x1", "x2"], "ST"], [0.2, 0.8], atol=0.03)
    assert abs(sa.runs_["x2"].std() / sa.runs_["x1"].std() - 2.0) < 0.05
    assert t.loc["x1", "distribution"] == "normal(mean=0, sd=1)"


def test_a_prior_on_a_model_parameter():
    pset = get_model("Osteosim").default_parameters()
    (f,) = resolve_factors({"msc_marrow_homing": {"distribution": "lognormal", "median": 5e-4, "gsd": 3.0,
                                                  "high": 5e-3}}, pset)
    assert (f.distribution, f.high, f.nominal) == ("lognormal", 5e-3, pset["msc_marrow_homing"].value)
    assert f.low == pytest.approx(5e-4 / 27) and f.range_source == "given by the user"
    assert f.to_dict()["distribution"] == "lognormal(median=0.0005, gsd=3)"


@pytest.mark.parametrize("spec, words", [
    ({"distribution": "beta", "a": 1}, ["distribution 'beta' is not allowed", "normal, lognormal, triangular"]),
    ({"distribution": "normal", "mean": 1.0}, ["normal needs sd"]),
    ({"distribution": "normal", "mean": 1.0, "sd": 0.0}, ["sd 0 is not allowed (sd > 0)"]),
    ({"distribution": "normal", "mean": 1.0, "sd": 1.0, "median": 2}, ["normal takes low, high, mean, sd, not median"]),
    ({"distribution": "lognormal", "median": 1.0, "gsd": 0.5}, ["gsd > 1", "gsd 0.5"]),
    ({"distribution": "triangular", "low": 0, "mode": 3, "high": 2}, ["mode 3 is outside [0, 2]"]),
    ({"distribution": "triangular", "mode": 1}, ["triangular needs low, high"]),
    ({"distribution": "uniform", "low": 2, "high": 1}, ["bounds (2, 1)", "low < high"]),
    ({"distribution": "log-uniform", "low": -1, "high": 1}, ["log-uniform needs a positive range"]),
    ({"distribution": "normal", "mean": "x", "sd": 1}, ["mean 'x' is not a number"]),
])
def test_bad_laws_are_named_errors(spec, words):
    with pytest.raises(SensitivityError) as err:
        parse_spec("k", spec)
    assert str(err.value).startswith("parameters.k: ")
    for w in words:
        assert w in str(err.value)
