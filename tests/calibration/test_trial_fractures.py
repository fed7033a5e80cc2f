"""Trial-population fracture incidence: the fit code and how the factors enter the hazards."""
import json

import numpy as np
import pytest

from osteosim.calibration import trial_fractures as tf
from osteosim.outcomes.fracture import KIND_SITES, KINDS, FractureModel, RiskFactors
from osteosim.parameters.fracture2026 import FRACTURE2026


def test_fit_recovers_a_known_scaling(monkeypatch):
    """Cumulative hazards built so that a factor of exactly 0.4 reproduces every published placebo arm."""
    def fake(template, months, per_arm):
        out = {}
        for kind in ("vertebral", "nonvertebral"):
            pub = [p.placebo_pct for p in tf._targets() if tf.TEMPLATES[p.trial] == template and p.kind == kind]
            out[kind] = np.full(per_arm, -np.log1p(-pub[0] / 100.0) / 0.4 if pub else 0.01)
        return {"vertebral": out["vertebral"], "hip": 0.3 * out["nonvertebral"], "wrist": 0.2 * out["nonvertebral"],
                "other": 0.5 * out["nonvertebral"]}

    monkeypatch.setattr(tf, "cumulative_hazards", fake)
    res = tf.fit(per_arm=10)
    assert set(res["values"]) == set(tf.GROUPS)
    for v in res["values"].values():
        assert v == pytest.approx(0.4, rel=1e-4)
    for r in res["report"].values():
        assert r["simulated_fitted_pct"] == pytest.approx(r["published_placebo_pct"], rel=1e-3)
        # without the factor: 1 - (1 - p)^(1 / 0.4)
        assert r["simulated_general_pct"] == pytest.approx(100 * (1 - (1 - r["published_placebo_pct"] / 100) ** 2.5), rel=1e-6)


def test_targets_are_the_published_placebo_arms():
    rows = tf._targets()
    assert {(p.trial, p.kind) for p in rows} == {("freedom", "vertebral"), ("fit1", "vertebral"), ("fpt", "vertebral"),
                                                 ("frame", "vertebral"), ("freedom", "nonvertebral"), ("fpt", "nonvertebral")}
    assert all(p.placebo_pct > 0 for p in rows)


def test_shipped_factors_scale_the_trial_setting_only():
    stored = json.loads(tf.FIT_PATH.read_text())["values"]
    p = FRACTURE2026.values_dict()
    assert p["trial_vertebral_incidence_factor"] == stored["trial_vertebral_incidence_factor"]
    assert 0.1 < stored["trial_vertebral_incidence_factor"] < 1.0  # trial volunteers break fewer bones
    rf = RiskFactors(*(np.zeros(1) for _ in range(4)), np.full(1, 26.5), np.zeros(1), np.zeros(1))
    rf.female[:] = 1.0
    z = {s: np.zeros(1) for s in KIND_SITES.values()}
    g = FractureModel().hazards(np.array([70.0]), rf, z)
    t = FractureModel(setting="trial").hazards(np.array([70.0]), rf, z)
    np.testing.assert_allclose(t[0] / g[0], [p["trial_vertebral_incidence_factor" if k == "vertebral"
                                               else "trial_nonvertebral_incidence_factor"] for k in KINDS])
    with pytest.raises(ValueError, match="setting: 'clinic' is not allowed"):
        FractureModel(setting="clinic")
