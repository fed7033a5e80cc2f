"""The stored load-over-strength fit (data/strength_hazard_fit.json) is what the code derives, and
reproduces the cohort gradients it was fitted to."""
import json

import pytest

from osteosim.calibration import strength_hazard as sh
from osteosim.parameters.fracture2026 import FRACTURE2026
from osteosim.parameters.strength_hazard2026 import STRENGTH_HAZARD2026


def test_stored_fit_is_reproduced_and_used():
    ok, diffs = sh.check()
    assert ok, diffs
    stored = json.loads(sh.FIT_PATH.read_text())["values"]
    sp = STRENGTH_HAZARD2026.values_dict()
    for k, v in stored.items():
        assert sp[k] == v
        assert "calibration.strength_hazard" in STRENGTH_HAZARD2026[k].source


def test_fit_reproduces_the_cohort_gradients():
    res = sh.fit()
    g = res["report"]["gradients"]["women"]
    p, sp = FRACTURE2026.values_dict(), STRENGTH_HAZARD2026.values_dict()
    age = f"{sp['hazard_reference_age']:g}"
    assert g["vertebral"][age] == pytest.approx([sp["gr_strength_vertebral"], p["gr_vertebral"]], rel=1e-9)
    assert g["hip"][age] == pytest.approx([sp["gr_strength_hip"], p["gr_hip_women"]], rel=1e-9)
    assert g["other"][age][1] == pytest.approx(p["gr_other"], rel=1e-9)
    # the fall's own impact-force spread is one part of the hip's event-to-event spread
    sigma, impact = res["report"]["checks"]["hazard_sigma_hip_vs_impact_log_sd"]
    assert sigma > impact


def _threshold_width(report: dict) -> float:
    """sqrt(tau^2 - s_B^2): the threshold width of a patient known by BMD (outcomes.strength_hazard.sigma_e)."""
    return (report["tau"] ** 2 - report["s_bmd"] ** 2) ** 0.5


def test_what_if_inputs_refit_and_only_the_bmd_gradient_moves_a_treatment_elasticity():
    """fit(inputs): a cohort input at the edge of its CI (benchmarks/fracture_gap.py).  A steeper gradient per
    SD of strength lowers r and the load spread but leaves the threshold width of a patient known by BMD, so a
    treatment's ratio does not move; a steeper gradient per SD of BMD narrows it."""
    base = sh.fit()
    same = sh.fit({})
    assert same["values"] == base["values"]
    steep_strength = sh.fit({"gr_strength_vertebral": 4.3})
    v0, v1 = base["values"], steep_strength["values"]
    assert v1["strength_bmd_corr_lumbar_spine"] < v0["strength_bmd_corr_lumbar_spine"]
    assert v1["hazard_sigma_vertebral"] < v0["hazard_sigma_vertebral"]
    assert _threshold_width(steep_strength["report"]["vertebral"]) == pytest.approx(
        _threshold_width(base["report"]["vertebral"]), rel=1e-12)
    age = f"{STRENGTH_HAZARD2026['hazard_reference_age'].value:g}"
    assert steep_strength["report"]["gradients"]["women"]["vertebral"][age][0] == pytest.approx(4.3, rel=1e-9)
    steep_bmd = sh.fit({"gr_vertebral": 2.8})
    assert _threshold_width(steep_bmd["report"]["vertebral"]) < 0.9 * _threshold_width(base["report"]["vertebral"])
    assert steep_bmd["report"]["vertebral"]["target_gr_bmd"] == 2.8
    # the shipped fit is not touched by a what-if
    assert sh.fit()["values"] == base["values"]


@pytest.mark.parametrize("inputs, words", [({"gr_strength_spine": 3.0}, "gr_strength_spine is not allowed"),
                                            ({"hazard_sigma_hip": 0.5}, "hazard_sigma_hip is fitted here"),
                                            ({"gr_strength_vertebral": 1.8}, "gr_strength_vertebral: 1.8 with gr_vertebral 2.3 "
                                                                             "is not allowed")])
def test_what_if_inputs_reject_unknown_fitted_and_inconsistent_values(inputs, words):
    with pytest.raises(ValueError) as e:
        sh.fit(inputs)
    assert words in str(e.value)
