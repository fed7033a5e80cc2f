"""osteosim.calibration.radius: the distal radius's turnover, fitted alone to the forearm rows 90a-90e."""
import pytest

from osteosim.calibration import radius as rf
from osteosim.models import Osteosim
from osteosim.parameters.osteosim2026 import RADIUS_TURNOVER_PRIOR

#: rows the one-parameter fit cannot meet (reported as misses by `osteosim validate`): the model's
#: loss after the menopause is too steep early and too flat late for any single turnover (90a, 90c;
#: cortical porosity with age is not modelled yet), and 90f is a shape check.  Since the joint fit took in issue 17
#: item 7's rows (91a-94), its stronger mechanostat (sclerostin gain 1.02 -> 1.11) and flatter MSC supply (exponent
#: 0.18 -> 0.12) slow the postmenopausal radius loss (90b -0.69 -> -0.49, 90d -0.67 -> -0.48 %/y at the old radius
#: turnover too); the load's fall with age is not the cause (it deepens 90c from -0.25 to -0.49)
KNOWN_MISSES = {"90a", "90b", "90c", "90d", "90f"}


@pytest.fixture(scope="module")
def model():
    return Osteosim()


@pytest.fixture(scope="module")
def simulated(model):
    return rf.simulate_targets(model.default_parameters().values_dict(), model)


def test_fit_is_reproduced_and_shipped(model):
    ok, diffs = rf.check()
    assert ok, diffs
    stored = diffs[rf.PARAMETER][0]
    p = model.default_parameters()
    assert p[rf.PARAMETER].value == stored
    assert "fitted by osteosim.calibration.radius" in p[rf.PARAMETER].source
    # cortical bone turns over slowly: the fit stays near the cortical prior and below the hip and spine
    assert 0.5 * RADIUS_TURNOVER_PRIOR < stored < 2.0 * RADIUS_TURNOVER_PRIOR
    assert stored < min(p[f"turnover_{s}"].value for s in ("lumbar_spine", "total_hip", "femoral_neck"))


@pytest.mark.parametrize("tid", sorted(set(rf.ROWS) - KNOWN_MISSES))
def test_rows_within_tolerance(simulated, tid):
    value, tol, source = rf.targets()[tid]
    assert abs(simulated[tid] - value) <= tol, f"{tid}: simulated {simulated[tid]:.2f}, target {value} ± {tol} ({source})"


def test_known_misses_miss_in_the_stated_direction(simulated):
    t = rf.targets()
    # the radius loses bone at every stage, less than published early and late (not a sign error)
    for tid in ("90a", "90b", "90c", "90d"):
        assert t[tid][0] < simulated[tid] < 0.0 and abs(simulated[tid] - t[tid][0]) > t[tid][1]
    assert 0.0 < simulated["90f"] < t["90f"][0] - t["90f"][1]


def test_radius_loses_less_than_the_spine_across_the_menopause(simulated):
    # SWAN transmenopause window (FMP-1 to FMP+2): the cortical radius loses about half the spine's bone
    dr, ls = simulated["transmenopause_distal_radius"], simulated["transmenopause_lumbar_spine"]
    assert ls < dr < 0.0
    assert dr / ls < 0.75
