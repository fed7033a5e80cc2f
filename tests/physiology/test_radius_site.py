"""The distal radius as a fourth, local site: T-score reference, sampling, and its parameters move no other site."""
import numpy as np
import pytest

from osteosim.calibration import natural_history as nh
from osteosim.models import Osteosim
from osteosim.outcomes import densitometry as dens
from osteosim.outcomes.fracture import FractureModel
from osteosim.physiology.patient import Patient
from osteosim.physiology.sites import SITE_BY_NAME, SITES, SKELETON_WIDE_SITES

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


# (the cancellous fraction moves the radius's BMD least: its cancellous bone, turning over about as slowly as its
# cortex, cancellous_turnover_ratio_distal_radius ~0.5, loses at nearly the cortex's rate)
@pytest.mark.parametrize("name, factor, moves", [("turnover_distal_radius", 3.0, 1e-3),
                                                 ("cancellous_fraction_distal_radius", 4.0, 2e-4),
                                                 ("cancellous_turnover_ratio_distal_radius", 8.0, 1e-3),
                                                 ("strain_bmd_exponent_distal_radius", 0.3, 1e-3)])
def test_radius_parameters_move_only_the_radius(model, name, factor, moves):
    """The radius is local: its own parameters leave the spine, hip and neck as they are (when it was added,
    every other site's number stayed within 1e-5 pp: benchmarks/results/radius_unchanged.md)."""
    p = model.default_parameters().values_dict()
    ages = np.array([50.0, 60.0, 75.0])
    from osteosim.outcomes.patient_run import relative_bmd, simulate_cohort

    pt = [Patient(sex="female", age=50.0, menopause_age=51.0)]
    a = simulate_cohort(model, p, pt, ages, nh.CALIBRATION_SOLVER).ys[0]
    b = simulate_cohort(model, dict(p, **{name: factor * p[name]}), pt, ages, nh.CALIBRATION_SOLVER).ys[0]
    for s in SKELETON_WIDE_SITES:
        np.testing.assert_allclose(relative_bmd(model, a, s), relative_bmd(model, b, s), rtol=2e-5)
    assert abs(relative_bmd(model, a, "distal_radius")[-1] - relative_bmd(model, b, "distal_radius")[-1]) > moves


def test_population_mean_tscore_of_the_radius():
    fm = FractureModel()
    w = fm.mean_tscore("distal_radius", [55.0, 80.0], 1.0)
    m = fm.mean_tscore("distal_radius", [55.0, 80.0], 0.0)
    assert w[0] == pytest.approx(fm.p["dr_tscore_women_55"]) and w[1] < w[0]
    assert np.all(m > w)  # men's forearms are larger
    # the radius no longer falls through to the femoral neck's mean
    assert not np.allclose(w, fm.mean_tscore("femoral_neck", [55.0, 80.0], 1.0))
