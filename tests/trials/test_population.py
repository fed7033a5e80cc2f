"""Virtual populations: mean-age matching, DXA precision error, per-patient streams."""
import numpy as np
import pytest

from osteosim.parameters.fracture2026 import POPULATION2026
from osteosim.physiology.patient import SITES
from osteosim.trials import TrialSpec
from osteosim.trials.population import DXA_PRECISION, age_tilt, sample_population

from trial_helpers import tiny


def _spec(**pop):
    d = tiny()
    d["population"] = dict(d["population"], age=[60, 90], **pop)
    return TrialSpec.from_mapping(d)


@pytest.mark.parametrize("target", [68.0, 72.0, 78.0])
def test_age_mean_is_met(target):
    spec = _spec(age_mean=target)
    pop = sample_population(spec, np.arange(3000), 12)
    # 3000 patients (age SD ~7-8 y): standard error ~0.15 y; the tilt is solved on a fixed 20,000-draw sample
    assert abs(pop.age.mean() - target) < 0.6
    assert pop.age.min() >= 60 and pop.age.max() <= 90
    low = np.minimum(np.minimum(pop.tscore["lumbar_spine"], pop.tscore["total_hip"]), pop.tscore["femoral_neck"])
    assert low.min() >= -4.0 and low.max() <= -2.5


def test_without_age_mean_the_tilt_is_zero_and_older_criteria_pull_ages_up():
    assert age_tilt(_spec()) == 0.0
    # osteoporotic T-scores are commoner with age: the untilted population is older than 72
    assert sample_population(_spec(), np.arange(1000), 12).age.mean() > 73.0
    assert age_tilt(_spec(age_mean=72.0)) < 0.0


def test_unreachable_age_mean_is_a_clear_error():
    with pytest.raises(ValueError, match=r"population.age_mean: 60.1 is not allowed \(with these criteria the mean age can be"):
        age_tilt(_spec(age_mean=60.1))
    with pytest.raises(ValueError, match=r"age_mean: 95 is not allowed \(strictly inside age"):
        _spec(age_mean=95)


def test_dxa_error_has_the_stated_precision_and_does_not_move_patients():
    spec = _spec()
    pop = sample_population(spec, np.arange(2000), 12)
    cv = POPULATION2026.values_dict()
    for s in SITES:
        e = pop.dxa_error[s]
        assert e.shape == (2000, 1 + len(spec.visits_months))
        assert abs(e.std() / cv[DXA_PRECISION[s]] - 1.0) < 0.05
        assert abs(e.mean()) < 4 * cv[DXA_PRECISION[s]] / np.sqrt(e.size)
    # the scans are drawn last: the same patients whatever the number of visits
    d = tiny()
    d["population"] = dict(d["population"], age=[60, 90])
    d["visits_months"] = [3, 6, 9, 12]
    other = sample_population(TrialSpec.from_mapping(d), np.arange(2000), 12)
    np.testing.assert_array_equal(other.age, pop.age)
    for s in SITES:
        np.testing.assert_array_equal(other.tscore[s], pop.tscore[s])


def test_run_refuses_unreachable_age_mean_before_writing(tmp_path):
    from osteosim.trials import run_trial

    with pytest.raises(ValueError, match="population.age_mean: 60.1 is not allowed"):
        run_trial(_spec(age_mean=60.1), tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_radius_draws_leave_the_other_sites_alone(monkeypatch):
    """The radius's T-score normals come from the patient's second stream: changing that stream changes
    the radius only; its T-score follows the femoral neck with the Fracture2026 correlation."""
    from osteosim.outcomes.fracture import FractureModel
    from osteosim.trials import population as popmod

    spec = _spec(tscore_any=None)  # no T-score criterion: the correlation is not truncated
    a = sample_population(spec, np.arange(400), 12)
    monkeypatch.setattr(popmod, "radius_rng", lambda seed, idx: np.random.default_rng(10_000 + int(idx)))
    b = sample_population(spec, np.arange(400), 12)
    for s in ("lumbar_spine", "total_hip", "femoral_neck"):
        np.testing.assert_array_equal(a.tscore[s], b.tscore[s])
        np.testing.assert_array_equal(a.dxa_error[s], b.dxa_error[s])
    np.testing.assert_array_equal(a.age, b.age)
    assert not np.allclose(a.tscore["distal_radius"], b.tscore["distal_radius"])
    fm = FractureModel()
    z = {s: a.tscore[s] - fm.mean_tscore(s, a.age, 1.0) for s in ("femoral_neck", "distal_radius")}
    r = np.corrcoef(z["femoral_neck"], z["distal_radius"])[0, 1]
    assert abs(r - fm.p["tscore_corr_fn_dr"]) < 0.12  # 400 patients: SE ~0.03
    assert a.dxa_error["distal_radius"].std() == pytest.approx(POPULATION2026.values_dict()["dxa_precision_dr"], rel=0.2)


def test_raloxifene_shares_the_estrogen_sensitivity_multiplier():
    """ralox_ec50 takes est_ed50's per-patient multiplier (one ER sensitivity; no draw of its own)."""
    from osteosim.trials.population import SHARED_MULTIPLIERS, VARIABLE_PARAMETERS
    from osteosim.trials.runner import _patient_params

    class Pop:
        multipliers = {"est_ed50": np.array([0.5, 2.0])}

        def __len__(self):
            return 2

    base = {"est_ed50": 0.3, "ralox_ec50": 0.25}
    out = _patient_params(base, Pop())
    assert [o["ralox_ec50"] / o["est_ed50"] for o in out] == pytest.approx([0.25 / 0.3] * 2)
    assert out[1]["ralox_ec50"] == pytest.approx(0.5)
    assert SHARED_MULTIPLIERS["ralox_ec50"] in VARIABLE_PARAMETERS and "ralox_ec50" not in VARIABLE_PARAMETERS
