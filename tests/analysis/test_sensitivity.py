"""Sensitivity (SALib through osteosim's wrapper) on functions with known indices, and the design's rules.

Ishigami's function (Ishigami & Homma 1990; a = 7, b = 0.1, x_i ~ U(-pi, pi)) has analytic Sobol
indices (Sobol' & Levitan 1999): V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2, V1 = (1 + b pi^4/5)^2 / 2,
V2 = a^2/8, V13 = b^2 pi^8 (1/18 - 1/50); S1 = (0.314, 0.442, 0), ST = (0.558, 0.442, 0.244).
They are computed here from those formulas, and the estimates come through Sensitivity.fit (the
unit-cube sample, the map onto the ranges, the function target and the analysis), not SALib directly.
"""
import numpy as np
import pytest

from osteosim.analysis import Factor, Sensitivity, SensitivityError
from osteosim.analysis.methods import n_runs

A, B = 7.0, 0.1
PI = np.pi
RANGES = {"x1": (-PI, PI), "x2": (-PI, PI), "x3": (-PI, PI)}


def ishigami(x):
    return np.sin(x[:, 0]) + A * np.sin(x[:, 1]) ** 2 + B * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_indices():
    v1 = 0.5 * (1.0 + B * PI ** 4 / 5.0) ** 2
    v2 = A ** 2 / 8.0
    v13 = B ** 2 * PI ** 8 * (1.0 / 18.0 - 1.0 / 50.0)
    v = v1 + v2 + v13
    return np.array([v1, v2, 0.0]) / v, np.array([v1 + v13, v2, v13]) / v


def test_analytic_ishigami_values_are_the_published_ones():
    s1, st = ishigami_indices()
    np.testing.assert_allclose(s1, [0.314, 0.442, 0.0], atol=6e-4)
    np.testing.assert_allclose(st, [0.558, 0.442, 0.244], atol=6e-4)


@pytest.fixture(scope="module")
def sobol_ishigami():
    return Sensitivity(RANGES, method="sobol", n=4096, seed=3).fit(ishigami)


def test_sobol_recovers_ishigami_indices(sobol_ishigami):
    """N = 4096 (20,480 runs): every estimate within 0.02 of the analytic index and inside its own 95 % CI
    widened by 50 % (a bootstrap CI is itself an estimate)."""
    t = sobol_ishigami.indices_.set_index("parameter").loc[["x1", "x2", "x3"]]
    s1, st = ishigami_indices()
    np.testing.assert_allclose(t["S1"], s1, atol=0.02)
    np.testing.assert_allclose(t["ST"], st, atol=0.02)
    assert (np.abs(t["S1"] - s1) <= 1.5 * t["S1_conf"]).all()
    assert (np.abs(t["ST"] - st) <= 1.5 * t["ST_conf"]).all()
    # most important first: ST order x1 > x2 > x3
    assert list(sobol_ishigami.indices_["parameter"]) == ["x1", "x2", "x3"]
    assert list(sobol_ishigami.indices_["rank"]) == [1, 2, 3]
    assert len(sobol_ishigami.runs_) == n_runs("sobol", 4096, 3) == 4096 * 5


def test_same_seed_same_numbers_other_seed_other_numbers(sobol_ishigami):
    again = Sensitivity(RANGES, method="sobol", n=4096, seed=3).fit(ishigami)
    assert again.indices_.equals(sobol_ishigami.indices_)
    assert again.runs_.equals(sobol_ishigami.runs_)
    other = Sensitivity(RANGES, method="sobol", n=4096, seed=4).fit(ishigami)
    assert not np.allclose(other.indices_["S1"], sobol_ishigami.indices_["S1"])


def test_morris_on_a_linear_function_gives_its_coefficients():
    """f = sum c_i x_i on ranges of width w_i: each elementary effect over a full range is exactly c_i w_i,
    so mu = c_i w_i, mu* = |c_i w_i|, sigma = 0, and the ranking follows |c_i w_i|."""
    c = np.array([1.0, -5.0, 0.0, 2.0])
    ranges = {"a": (0.0, 2.0), "b": (1.0, 2.0), "c": (-1.0, 1.0), "d": (10.0, 12.0)}
    width = np.array([hi - lo for lo, hi in ranges.values()])
    sa = Sensitivity(ranges, method="morris", n=10, seed=1).fit(lambda x: x @ c)
    t = sa.indices_.set_index("parameter").loc[list(ranges)]
    np.testing.assert_allclose(t["mu"], c * width, atol=1e-9)
    np.testing.assert_allclose(t["mu_star"], np.abs(c * width), atol=1e-9)
    np.testing.assert_allclose(t["sigma"], 0.0, atol=1e-9)
    assert list(sa.indices_["parameter"]) == ["b", "d", "a", "c"]  # |c w| = 5, 4, 2, 0


def test_morris_ranks_a_nonlinear_function():
    """x1 dominates (steep, non-linear), x2 moderate, x3 does nothing: ranking x1, x2, x3 and mu*(x3) = 0."""
    f = lambda x: np.exp(3.0 * x[:, 0]) + 2.0 * x[:, 1] + 0.0 * x[:, 2]  # noqa: E731
    sa = Sensitivity({"x1": (0, 1), "x2": (0, 1), "x3": (0, 1)}, method="morris", n=20, seed=2).fit(f)
    assert list(sa.indices_["parameter"]) == ["x1", "x2", "x3"]
    assert sa.indices_.set_index("parameter").loc["x3", "mu_star"] == 0.0
    assert sa.indices_.set_index("parameter").loc["x1", "sigma"] > 0.0  # non-linear: effects vary


def test_constant_output_gives_zero_indices():
    sa = Sensitivity({"x1": (0, 1), "x2": (0, 1)}, method="sobol", n=8, seed=1).fit(lambda x: np.ones(len(x)))
    assert (sa.indices_[["S1", "ST", "S1_conf", "ST_conf"]].to_numpy() == 0.0).all()


def test_log_uniform_factor_maps_the_unit_cube_onto_its_range():
    f = Factor("k", 0.01, 1.0, 0.1, distribution="log-uniform")
    np.testing.assert_allclose(f.from_unit(np.array([0.0, 0.5, 1.0])), [0.01, 0.1, 1.0])
    sa = Sensitivity({"k": (0.01, 1.0), "j": (0.0, 1.0)}, method="morris", n=4, seed=1).fit(lambda x: x[:, 0])
    assert sa.factors_[0].distribution == "log-uniform" and sa.factors_[1].distribution == "uniform"
    assert sa.runs_["k"].min() >= 0.01 - 1e-12 and sa.runs_["k"].max() <= 1.0 + 1e-12
    # on the log scale the four Morris levels are evenly spaced: 0.01, 0.0464, 0.215, 1
    np.testing.assert_allclose(np.unique(np.round(np.log10(sa.runs_["k"]), 9)), [-2, -4 / 3, -2 / 3, 0], atol=1e-9)


@pytest.mark.parametrize("kwargs, words", [
    ({"method": "fast"}, ["method", "'fast'", "morris, sobol"]),
    ({"method": "sobol", "n": 100}, ["n: 100", "power of two"]),
    ({"method": "sobol", "n": 4}, ["n: 4", ">= 8"]),
    ({"method": "morris", "n": 2}, ["n: 2", "at least 4"]),
    ({"seed": -1}, ["seed", "-1"]),
    ({"distribution": "normal"}, ["distribution", "'normal'", "auto, uniform, log-uniform"]),
])
def test_bad_design_is_a_named_error(kwargs, words):
    with pytest.raises(SensitivityError) as err:
        Sensitivity({"x1": (0, 1), "x2": (0, 1)}, **kwargs).fit(ishigami)
    for w in words:
        assert w in str(err.value)


@pytest.mark.parametrize("params, words", [
    ({"x1": (1.0, 1.0), "x2": (0, 1)}, ["parameters.x1", "bounds (1, 1)", "low < high"]),
    ({"x1": (2.0, 1.0), "x2": (0, 1)}, ["parameters.x1", "low < high"]),
    ({"x1": ("a", 1.0), "x2": (0, 1)}, ["parameters.x1", "not numbers"]),
    (["x1", "x2"], ["function has no parameter set", "give each range"]),
])
def test_bad_ranges_are_named_errors(params, words):
    with pytest.raises(SensitivityError) as err:
        Sensitivity(params, method="morris", n=4).fit(ishigami)
    for w in words:
        assert w in str(err.value)


def test_sobol_needs_two_parameters():
    with pytest.raises(SensitivityError, match="at least 2"):
        Sensitivity({"x1": (0, 1)}, method="sobol", n=8).fit(lambda x: x[:, 0])


def test_failed_runs_are_an_error_not_nan_indices():
    with pytest.raises(RuntimeError, match="1 of 32 runs failed"):
        Sensitivity({"x1": (0, 1), "x2": (0, 1)}, method="sobol", n=8, seed=1).fit(
            lambda x: np.where(np.arange(len(x)) == 5, np.nan, x[:, 0]))


def test_failed_run_keeps_the_draws_for_inspection():
    sa = Sensitivity({"x1": (0, 1), "x2": (0, 1)}, method="sobol", n=8, seed=1)
    with pytest.raises(RuntimeError):
        sa.fit(lambda x: np.where(np.arange(len(x)) == 5, np.nan, x[:, 0]))
    assert np.isnan(sa.runs_["output"].iloc[5]) and np.isfinite(sa.runs_["output"].drop(5)).all()
