"""Pivotal-trial C rows (calibration-targets.csv): simulated from the shipped parameter set.

Each target must fall within its tolerance (or its range, for the CTX rows).  Targets the
model cannot meet are listed in KNOWN_MISSES with the reason, as strict xfails: they are
reported on every run and the test fails if the model starts to meet them (so the list is
kept honest).  The fit itself is re-derived by `osteosim calibrate --therapies`.
"""
import pytest

from osteosim.calibration.therapies import (CTX_ROWS, MARKER_ROWS, ROWS, STRENGTH_ROWS, _miss, _target_table,
                                            simulate_trial_targets, strength_table)
from osteosim.models import Osteosim

#: target id -> reason (see the issue [3/7] closing note)
_SITES = ("the three sites share one cell model and nearly equal fitted turnover (~0.1/y), so drug responses are "
          "not site-specific: the spine gains too little and the hip too much")
KNOWN_MISSES: dict[str, str] = {
    "14a": "zoledronate total hip vs placebo 4.7 vs 6.0 pp: " + _SITES,
    "18b": "risedronate femoral neck +3.9 vs +1.6 %: " + _SITES,
    "21b": "denosumab total hip at 24 mo +5.4 vs +4.4 %: " + _SITES,
    "21c": "denosumab total hip at 36 mo +7.0 vs +5.0 %: " + _SITES,
    "22b": "denosumab total hip vs placebo 8.0 vs 6.4 pp: " + _SITES,
    "31a": "teriparatide spine +5.4 vs +9.7 %: " + _SITES + "; modeling-based formation follows the cancellous "
           "fractions (0.45 spine vs 0.30 hip), too alike to separate them",
    "31b": "teriparatide femoral neck +4.3 vs +2.8 %: " + _SITES,
    "31c": "teriparatide total hip +4.0 vs +2.6 %: " + _SITES,
    "31d": "placebo spine +1.1 % comes from calcium/vitamin D repletion and DXA artefacts (osteophytes), not modelled",
    "36a": "romosozumab spine +9.6 vs +13 %: " + _SITES + "; and the waning reserve caps the 12-month gain",
    "42b": "WHI placebo total hip -1.0 vs +0.14 %: the model's hip loss at 63 exceeds that of WHI women",
    "romo_ctx_12": "romosozumab CTX at 12 months 108 % vs below baseline: the extra osteoblast precursors carry RANKL "
                   "(Pivonka: RANKL on OBp), which outweighs the sclerostin-RANKL gain; an OPG route for Wnt is missing",
    "23b": "CTX at month 6 56 % vs 30-40 %: the RANKL-decoy affinity sits at its upper bound and the simulated "
           "trough (~8 ng/mL) is below OpenBoneMin's 24 ng/mL, so suppression fades too early",
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


#: strength checks (rows 81c-82: predictions; 81a/81b fit the mineral exponent) the model misses, with the reason
STRENGTH_MISSES: dict[str, str] = {
    "81d": "denosumab hip FE strength +15.5 vs +8.6 % at 36 months: the total-hip BMD gain is already too large (22b) "
           "and most of it is mineral in the model, which the strength law amplifies (q ~ 2.1)",
    "82": "teriparatide femoral strength +8.6 vs +5.4 % at 18 months: the total-hip BMD gain is already too large "
          "(31c) and the cortical porosity teriparatide raises at the hip (QCT: peripheral vBMD -1.1 %, Keaveny 2012) "
          "is not modelled",
    "81e": "placebo hip FE strength -2.0 vs -5.6 %: QCT strength falls faster than DXA BMD (cortical thinning, "
           "porosity, perforation: issue 17 items 1-4 are not modelled yet)",
}


@pytest.mark.parametrize("tid", [r[0] for r in STRENGTH_ROWS])
def test_strength_check(simulated, tid):
    value, _, tol, source = strength_table()[tid]
    miss = abs(simulated[tid] - value) > tol
    if tid in STRENGTH_MISSES:
        pytest.xfail(STRENGTH_MISSES[tid]) if miss else pytest.fail(f"{tid} now passes: remove it from STRENGTH_MISSES")
    assert not miss, f"{tid}: simulated {simulated[tid]:.2f}, target {value} ± {tol} ({source})"
