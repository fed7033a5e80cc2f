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
