"""The distal radius as a fourth, local site: T-score reference, sampling, and the other sites unchanged."""
import numpy as np
import pytest

from osteosim.calibration import natural_history as nh
from osteosim.calibration import therapies as th
from osteosim.models import Osteosim
from osteosim.outcomes import densitometry as dens
from osteosim.outcomes.fracture import FractureModel
from osteosim.physiology.patient import Patient
from osteosim.physiology.sites import SITE_BY_NAME, SITES, SKELETON_WIDE_SITES

#: values the model gave BEFORE the radius was added (git 8957b93, benchmarks/radius_unchanged.py):
#: the radius must leave every lumbar spine / hip / neck number as it was (up to solver tolerance,
#: ~1e-5 percentage points: the error norm now averages over the radius's states too)
OLD_NATURAL_HISTORY = {"1b": -6.588719531862086, "2b": -6.286284762781658, "5a": -0.6190539639525539,
                       "5b": -0.6716121908146233, "8": -0.9384952038790084}
OLD_THERAPIES = {"10a": 5.0796713833323075, "14b": 5.200538672824184, "21c": 7.036657160103532,
                 "22b": 7.973687576971633, "23a": 22.400492766121484, "23b": 56.04779729049303,
                 "31a": 4.855126283608335, "36a": 9.0702679319429, "42a": 4.0796344014990105,
                 "romo_p1np_12": 123.76529543495003, "81a": 17.5512863150865, "81b": 19.126374166485263}
ATOL_PP = 1e-4


@pytest.fixture(scope="module")
def model():
    return Osteosim()


def test_radius_row():
    row = SITE_BY_NAME["distal_radius"]
    assert SITES[-1] == "distal_radius" and row.abbr == "DR" and "1/3" in row.label
    assert not row.skeleton_wide and row.fracture_kinds == ("wrist",)
    assert SKELETON_WIDE_SITES == ("lumbar_spine", "total_hip", "femoral_neck")
    assert "ISCD2013" in row.reference_cite


def test_tscore_at_the_reference_peak_is_zero(model):
    p = model.default_parameters().values_dict()
    mean, sd = dens.reference(p, "distal_radius")
    assert dens.tscore(mean, p, "distal_radius") == 0.0
    assert dens.tscore(mean - 2.5 * sd, p, "distal_radius") == pytest.approx(-2.5)
    # the reference young woman (BMI 25, no family history) peaks at the reference mean; a man 2 SD above it
    assert dens.peak_bmd(Patient(sex="female", age=25.0, bmi=25.0), p)["distal_radius"] == pytest.approx(mean)
    men = dens.peak_bmd(Patient(sex="male", age=25.0, bmi=25.0), p)["distal_radius"]
    assert dens.tscore(men, p, "distal_radius") == pytest.approx(p["peak_z_male_distal_radius"])


def test_other_sites_unchanged(model):
    p = model.default_parameters().values_dict()
    sim = nh.simulate_targets(p, model)
    for k, old in OLD_NATURAL_HISTORY.items():
        assert sim[k] == pytest.approx(old, abs=ATOL_PP), k
    sim = th.simulate_trial_targets(p, model)
    for k, old in OLD_THERAPIES.items():
        assert sim[k] == pytest.approx(old, abs=ATOL_PP), k


def test_radius_turnover_moves_only_the_radius(model):
    p = model.default_parameters().values_dict()
    ages = np.array([50.0, 60.0, 75.0])
    from osteosim.outcomes.patient_run import relative_bmd, simulate_cohort

    pt = [Patient(sex="female", age=50.0, menopause_age=51.0)]
    a = simulate_cohort(model, p, pt, ages, nh.CALIBRATION_SOLVER).ys[0]
    b = simulate_cohort(model, dict(p, turnover_distal_radius=3.0 * p["turnover_distal_radius"]), pt, ages,
                        nh.CALIBRATION_SOLVER).ys[0]
    for s in SKELETON_WIDE_SITES:
        np.testing.assert_allclose(relative_bmd(model, a, s), relative_bmd(model, b, s), rtol=2e-5)
    assert abs(relative_bmd(model, a, "distal_radius")[-1] - relative_bmd(model, b, "distal_radius")[-1]) > 1e-3


def test_population_mean_tscore_of_the_radius():
    fm = FractureModel()
    w = fm.mean_tscore("distal_radius", [55.0, 80.0], 1.0)
    m = fm.mean_tscore("distal_radius", [55.0, 80.0], 0.0)
    assert w[0] == pytest.approx(fm.p["dr_tscore_women_55"]) and w[1] < w[0]
    assert np.all(m > w)  # men's forearms are larger
    # the radius no longer falls through to the femoral neck's mean
    assert not np.allclose(w, fm.mean_tscore("femoral_neck", [55.0, 80.0], 1.0))
