"""Pivotal-trial C rows (calibration-targets.csv): simulated from the shipped parameter set.

Each target must fall within its tolerance (or its range, for the CTX rows).  Targets the
model cannot meet are listed in KNOWN_MISSES with the reason, as strict xfails: they are
reported on every run and the test fails if the model starts to meet them (so the list is
kept honest).  The fit itself (joint with the natural history) is re-derived by `osteosim calibrate`.
"""
import pytest

from osteosim.calibration.therapies import (CTX_ROWS, MARKER_ROWS, ROWS, STRENGTH_ROWS, _miss, _target_table,
                                            simulate_trial_targets, strength_table)
from osteosim.models import Osteosim

#: target id -> reason (the joint fit, calibration.joint, meets the rest)
_SITES = ("one cell model drives every site, so a drug's site pattern follows the sites' turnover and cancellous "
          "fraction only")
KNOWN_MISSES: dict[str, str] = {
    "18b": "risedronate femoral neck +2.7 vs +1.6 %: " + _SITES,
    "31c": "teriparatide total hip +4.1 vs +2.6 %: " + _SITES + "; the cortical porosity teriparatide raises at the "
           "hip (QCT: peripheral vBMD -1.1 %, Keaveny 2012) is not modelled",
    "31d": "placebo spine +1.1 % comes from calcium/vitamin D repletion and DXA artefacts (osteophytes), not modelled",
    "20c": "denosumab spine +8.0 vs +9.4 % from baseline at 36 months: FREEDOM women are 72-75 y, where the habitual "
           "load's fall with muscle strength (issue 17 item 7, fitted to SOF's hip loss in the oldest) adds background "
           "loss to the within-group change; 20a/20b and the placebo-relative rows are met",
    "romo_ctx_12": "romosozumab CTX at 12 months 109 % vs below baseline: the extra osteoblast precursors carry RANKL "
                   "(Pivonka: RANKL on OBp), which outweighs the sclerostin-RANKL gain; an OPG route for Wnt is missing",
}


@pytest.fixture(scope="module")
def simulated():
    m = Osteosim()
    return simulate_trial_targets(m.default_parameters().values_dict(), m)


@pytest.mark.parametrize("tid", [r[0] for r in (*ROWS, *CTX_ROWS, *MARKER_ROWS)])
def test_trial_target(simulated, tid):
    lo, hi, tol, source = _target_table()[tid]
    if tid in KNOWN_MISSES:
        pytest.xfail(KNOWN_MISSES[tid]) if abs(_miss(simulated[tid], lo, hi)) > tol else pytest.fail(
            f"{tid} now passes: remove it from KNOWN_MISSES")
    assert abs(_miss(simulated[tid], lo, hi)) <= tol, (
        f"{tid}: simulated {simulated[tid]:.2f}, target {lo if lo == hi else (lo, hi)} ± {tol} ({source})")


#: strength checks (rows 81c-82: predictions; 81a/81b fit the mineral exponent, with the trabecular weights) the model
#: misses, with the reason
_HIP_TB = ("the model's cancellous total-hip bone gains far more than QCT sees (its bvc carries the hip's drug response "
           "and the trochanteric trabecular bone weighs 0.79 of the young adult's strength: Morgan's 2.18 exponent, a 50 % "
           "trabecular share at 75 y)")
STRENGTH_MISSES: dict[str, str] = {
    "81a": "denosumab hip FE strength +19.0 vs +14.3 pp vs placebo (fitted with 81b, which is met): " + _HIP_TB
           + "; cancellous mineral +10 % at 36 months",
    "81d": "denosumab hip FE strength +12.4 vs +8.6 % at 36 months: the total-hip BMD gain is already too large (22b) "
           "and " + _HIP_TB,
    "82": "teriparatide femoral strength +20.8 vs +5.4 % at 18 months: total-hip bvc +19 % at 19 months against QCT "
          "trabecular vBMD +4.6 % (Keaveny 2012; the hip BMD gain is already too large, 31c), and the cortical porosity "
          "teriparatide raises at the hip (peripheral vBMD -1.1 %) is not modelled",
}


@pytest.mark.parametrize("tid", [r[0] for r in STRENGTH_ROWS])
def test_strength_check(simulated, tid):
    value, _, tol, source = strength_table()[tid]
    miss = abs(simulated[tid] - value) > tol
    if tid in STRENGTH_MISSES:
        pytest.xfail(STRENGTH_MISSES[tid]) if miss else pytest.fail(f"{tid} now passes: remove it from STRENGTH_MISSES")
    assert not miss, f"{tid}: simulated {simulated[tid]:.2f}, target {value} ± {tol} ({source})"
