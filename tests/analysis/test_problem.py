"""Factor ranges: the user's, else the parameter set's bounds, else +/- a stated % (an assumption, said so)."""
import numpy as np
import pytest

from osteosim.analysis import DEFAULT_RANGE_PCT, SensitivityError
from osteosim.analysis.problem import resolve_factors
from osteosim.models.base import get_model
from osteosim.parameters.base import P


@pytest.fixture(scope="module")
def osteosim_set():
    return get_model("Osteosim").default_parameters()


def test_law_from_the_parameter_set_prior(osteosim_set):
    (f,) = resolve_factors(["msc_marrow_homing"], osteosim_set)
    prm = osteosim_set["msc_marrow_homing"]
    assert (f.low, f.high) == tuple(prm.bounds) and f.nominal == prm.value
    assert f.range_source.startswith("parameter set's prior: LogUniform") and prm.prior.source in f.range_source
    assert f.distribution == ("log-uniform" if f.high >= 10 * f.low > 0 else "uniform")


def test_a_bell_shaped_prior_is_drawn_as_stated(osteosim_set):
    prm = osteosim_set["msc_survival_halflife"]
    (f,) = resolve_factors(["msc_survival_halflife"], osteosim_set)
    assert f.distribution == "lognormal" and dict(f.shape) == {"median": prm.prior.median, "gsd": prm.prior.gsd}
    u = np.linspace(0.0, 1.0, 11)
    np.testing.assert_array_equal(f.from_unit(u), prm.prior.ppf(u))  # the very law of the parameter set
    (g,) = resolve_factors(["msc_survival_halflife"], osteosim_set, distribution="uniform")
    assert g.distribution == "uniform" and (g.low, g.high) == prm.prior.support
    assert g.range_source.startswith("parameter set's prior's support, drawn uniform")


def test_range_from_the_parameter_set_bounds_without_a_prior(osteosim_set):
    prm = osteosim_set["turnover_total_hip"]
    assert prm.prior is None and prm.bounds is not None
    (f,) = resolve_factors(["turnover_total_hip"], osteosim_set)
    assert (f.low, f.high) == tuple(prm.bounds)
    assert f.range_source.startswith("parameter set's plausible range") and prm.source in f.range_source


def test_range_without_bounds_is_a_stated_assumption():
    pset = get_model("Pivonka2008").default_parameters()
    (f,) = resolve_factors(["A_OCa"], pset)
    v = pset["A_OCa"].value
    assert f.low == pytest.approx(v * (1 - DEFAULT_RANGE_PCT / 100)) and f.high == pytest.approx(v * 1.2)
    assert f.range_source.startswith("assumption: nominal +/-20 %") and f.distribution == "uniform"
    (g,) = resolve_factors(["A_OCa"], pset, range_pct=50)
    assert g.low == pytest.approx(0.5 * v) and g.high == pytest.approx(1.5 * v)


def test_user_range_wins(osteosim_set):
    (f,) = resolve_factors({"msc_marrow_homing": (1e-4, 1e-2)}, osteosim_set)
    assert (f.low, f.high, f.range_source) == (1e-4, 1e-2, "given by the user")
    assert f.distribution == "log-uniform"  # auto: a positive range spanning 100x
    (g,) = resolve_factors({"msc_marrow_homing": (1e-4, 1e-2)}, osteosim_set, distribution="uniform")
    assert g.distribution == "uniform"


@pytest.mark.parametrize("params, kwargs, words", [
    (["msc_marow_homing"], {}, ["parameters: unknown parameter 'msc_marow_homing'", "did you mean", "msc_marrow_homing"]),
    (["nothing_like_it_at_all"], {}, ["unknown parameter", "osteosim params MODEL"]),
    ([], {}, ["parameters: none given"]),
    (["bp_ec50", "bp_ec50"], {}, ["bp_ec50 given twice"]),
    ({"bp_ec50": (2.0, 1.0)}, {}, ["parameters.bp_ec50", "bounds (2, 1)", "low < high"]),
    ({"bp_ec50": 3.0}, {}, ["parameters.bp_ec50", "a pair (low, high)"]),
    ({"bp_ec50": (-1.0, 1.0)}, {"distribution": "log-uniform"}, ["log-uniform needs a positive range", "low = -1"]),
    (["bp_ec50"], {"range_pct": 150}, ["range_pct: 150", "(0, 100)"]),
])
def test_bad_parameters_are_named_errors(osteosim_set, params, kwargs, words):
    with pytest.raises(SensitivityError) as err:
        resolve_factors(params, osteosim_set, **kwargs)
    for w in words:
        assert w in str(err.value)


def test_zero_value_without_range_asks_for_bounds():
    pset = {"k": P("k", 0.0, "1", "test value")}
    with pytest.raises(SensitivityError, match="parameters.k: its value is 0.*give bounds, e.g. k=LOW:HIGH"):
        resolve_factors(["k"], pset)
