"""osteosim.calibration.radius: the distal radius's turnover, strain exponent and cancellous turnover ratio, fitted alone
to the forearm rows 90a-90e and the radius's trabecular rows 90g, 90h."""
import pytest

from osteosim.calibration import radius as rf
from osteosim.models import Osteosim
from osteosim.parameters.osteosim2026 import (RADIUS_CANCELLOUS_RATIO_PRIOR, RADIUS_STRAIN_EXPONENT_PRIOR,
                                              RADIUS_TURNOVER_PRIOR)

#: rows the fit cannot meet (reported as misses by `osteosim validate`): 90f, Zebaze 2010's share of the 50-80 y
#: radius loss after 65 (84 %, cross-sectional HR-pQCT), is a shape check that cannot hold with the fitted rows:
#: Svejme 2012's own rates (2 %/y to FMP+8, then 1 %/y; FMP 51) put 36 % of the 50-80 y loss after 65, the model 34 %
KNOWN_MISSES = {"90f"}


@pytest.fixture(scope="module")
def model():
    return Osteosim()


@pytest.fixture(scope="module")
def simulated(model):
    return rf.simulate_targets(model.default_parameters().values_dict(), model)


def test_fit_is_reproduced_and_shipped(model):
    ok, diffs = rf.check()
    assert ok, diffs
    p = model.default_parameters()
    assert set(diffs) == set(rf.PARAMETERS)
    for name in rf.PARAMETERS:
        assert p[name].value == diffs[name][0]
        assert "fitted by osteosim.calibration.radius" in p[name].source
    rho, q = diffs[rf.PARAMETER][0], diffs[rf.STRAIN_PARAMETER][0]
    # cortical bone turns over slowly: the fit stays within the prior's factor 3 and below the hip and spine
    # (it lands just above the femoral neck's: the early postmenopausal loss needs the faster turnover)
    assert RADIUS_TURNOVER_PRIOR / 3.0 < rho < 3.0 * RADIUS_TURNOVER_PRIOR
    assert rho < min(p[f"turnover_{s}"].value for s in ("lumbar_spine", "total_hip"))
    # the radius's strain rises far less with its BMD than the apparent-density law (q = 2) of the other sites,
    # within one prior SD of the Ahlborg 2003 estimate
    assert abs(q - RADIUS_STRAIN_EXPONENT_PRIOR) < rf.Q_PRIOR_SD
    assert q < min(p[f"strain_bmd_exponent_{s}"].value for s in ("lumbar_spine", "total_hip", "femoral_neck"))
    # the radius's fatty-marrow cancellous bone turns over (effectively) no faster than its cortex, within the prior's
    # factor 3 of 1, far below the red-marrow ratio the other sites keep
    ratio = diffs[rf.RATIO_PARAMETER][0]
    assert RADIUS_CANCELLOUS_RATIO_PRIOR / 3.0 < ratio < 3.0 * RADIUS_CANCELLOUS_RATIO_PRIOR
    assert ratio < 0.5 * min(p[f"cancellous_turnover_ratio_{s}"].value for s in ("lumbar_spine", "total_hip", "femoral_neck"))


@pytest.mark.parametrize("tid", sorted(set(rf.ROWS) - KNOWN_MISSES))
def test_rows_within_tolerance(simulated, tid):
    value, tol, source = rf.targets()[tid]
    assert abs(simulated[tid] - value) <= tol, f"{tid}: simulated {simulated[tid]:.2f}, target {value} ± {tol} ({source})"


def test_known_misses_miss_in_the_stated_direction(simulated):
    t = rf.targets()
    # too little of the 50-80 y loss after 65, not a sign error
    assert 0.0 < simulated["90f"] < t["90f"][0] - t["90f"][1]


def test_loss_goes_on_with_the_radius_strain_exponent_and_plateaus_without_it(model, simulated):
    """Why the second parameter: with the other sites' strain law (q = 2) the mechanostat restores the radius's
    balance within about a decade of the menopause, so its late loss is about half the cohorts' whatever its
    turnover; with the fitted q the late windows keep losing about 1 %/y."""
    p = model.default_parameters().values_dict()
    stiff = rf.simulate_targets(dict(p, **{rf.STRAIN_PARAMETER: 2.0}), model)
    for tid in ("90b", "90c", "90d"):
        assert simulated[tid] < 1.5 * stiff[tid] < 0.0
    # late loss nearly as fast as at FMP+8..16 (no plateau)
    assert simulated["90c"] < 0.8 * simulated["90b"] < 0.0


def test_cancellous_bone_is_kept_with_the_radius_ratio_and_emptied_with_the_shared_one(model, simulated):
    """Why the third parameter: with the other sites' ratio (8) the weaker strain feedback that keeps the radius losing
    (90b-90d) also empties its 5 % of cancellous bone by 90, where the cohorts lose about a quarter of it (90g, 90h);
    the ratio barely touches the site's BMD rows (the compartment is 5 % of the region)."""
    p = model.default_parameters().values_dict()
    shared = rf.simulate_targets(dict(p, **{rf.RATIO_PARAMETER: p["cancellous_turnover_ratio_lumbar_spine"]}), model)
    for tid in ("90g", "90h"):
        assert shared[tid] < -90.0 < -40.0 < simulated[tid] < -10.0
    for tid in ("90a", "90b", "90c", "90d", "90e"):
        assert abs(shared[tid] - simulated[tid]) < 0.25


def test_radius_loses_less_than_the_spine_across_the_menopause(simulated):
    # SWAN transmenopause window (FMP-1 to FMP+2): the cortical radius loses less of its bone than the spine
    dr, ls = simulated["transmenopause_distal_radius"], simulated["transmenopause_lumbar_spine"]
    assert ls < dr < 0.0
    assert dr / ls < 0.75
