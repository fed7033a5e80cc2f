"""Natural-history calibration targets (calibration-targets.csv rows 1b, 2b, 5a, 5b, 8, 91a-94 + soft checks).

Each target must be met within the tolerance stated in the target table; the
values are simulated afresh from the shipped parameter set (the fit itself is
re-derived jointly with the drug effects by `osteosim calibrate --check`, too slow for the test suite).
"""
import json

import pytest

from osteosim.calibration.natural_history import FIT_PATH, _targets, simulate_targets
from osteosim.models import Osteosim


@pytest.fixture(scope="module")
def simulated():
    m = Osteosim()
    return simulate_targets(m.default_parameters().values_dict(), m)


#: rows the joint fit misses, with the reason: strict xfails (the test fails once the model meets one, so the list
#: stays honest)
KNOWN_MISSES = {
    "5a": "LS loss 5-10 y after the FMP -0.25 vs -0.7 +- 0.4 %/y: the SWAN 10-year rows (92a/92b) and the SOF hip rows "
          "pull the established-postmenopause loss down while the transmenopause (1b) stays fast",
    "94": "a menopause at 45 leaves the FN BMD at 70 as it is (+0.0 vs -3 %): the site-level mechanostat (sclerostin gain "
          "~1.1) brings every woman back to the same load-set balance within ~20 years; trabecular perforation "
          "(tried: +0.9 %, the fewer, thicker struts perforate less) and a lazy zone (-0.5 % at w = 0.35) did not hold "
          "the deficit",
}


@pytest.mark.parametrize("tid", ["1b", "2b", "5a", "5b", "8", "91a", "91b", "92a", "92b", "93", "94",
                                 "premenopause_ls_rate", "men_fn_rate"])
def test_target_within_tolerance(simulated, tid):
    value, tol, source = _targets()[tid]
    if tid in KNOWN_MISSES:
        if abs(simulated[tid] - value) > tol:
            pytest.xfail(KNOWN_MISSES[tid])
        pytest.fail(f"{tid} now passes: remove it from KNOWN_MISSES")
    assert abs(simulated[tid] - value) <= tol, f"{tid}: simulated {simulated[tid]:.2f}, target {value} ± {tol} ({source})"


def test_rates_derived_targets_consistent(simulated):
    # 1a/2a are the same SWAN window expressed as %/y: check them too
    assert abs(simulated["1b"] / 3 - (-2.5)) <= 0.8
    assert abs(simulated["2b"] / 3 - (-1.9)) <= 0.7


def test_stored_fit_is_what_the_parameter_set_uses():
    stored = json.loads(FIT_PATH.read_text())["values"]
    p = Osteosim().default_parameters()
    for k, v in stored.items():
        assert p[k].value == v
        assert "fitted by osteosim.calibration.joint" in p[k].source
