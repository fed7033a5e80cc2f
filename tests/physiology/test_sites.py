"""The skeletal sites are declared once (physiology/sites.py) and everything reads that list."""
import pytest

from osteosim.parameters.fracture2026 import POPULATION2026
from osteosim.parameters.osteosim2026 import OSTEOSIM2026
from osteosim.parameters.rat_ovx import RAT_OVERRIDES
from osteosim.physiology import who
from osteosim.physiology.patient import Patient
from osteosim.physiology.sites import FRACTURE_SITE_KINDS, SITE_TABLE, SITES, site, site_for_fracture


def test_one_list():
    from osteosim.models.osteosim import Osteosim
    from osteosim.physiology import patient
    from osteosim.therapies import catalog

    assert SITES == ("lumbar_spine", "total_hip", "femoral_neck", "distal_radius")
    assert patient.SITES is SITES and catalog.SITES is SITES
    assert [n for n in Osteosim.state_names if n.startswith("bv_")] == [f"bv_{s}" for s in SITES]


def test_patient_has_a_measured_baseline_field_per_site():
    for s in SITES:
        assert {f"tscore_{s}", f"bmd_{s}"} <= set(Patient.model_fields)
    assert Patient(tscore_total_hip=-2.0).measured_baseline() == {"total_hip": ("tscore", -2.0)}
    with pytest.raises(ValueError, match="tscore_femoral_neck and bmd_femoral_neck"):
        Patient(tscore_femoral_neck=-2.0, bmd_femoral_neck=0.7)


def test_reference_parameters_exist():
    human, rat, pop = OSTEOSIM2026.values_dict(), RAT_OVERRIDES.values_dict(), POPULATION2026.values_dict()
    for row in SITE_TABLE:
        for p in (row.reference_mean, row.reference_sd, row.male_peak_z):
            assert p in human, (row.name, p)
        for p in (row.reference_mean, row.reference_sd):
            assert p in rat or p in human, (row.name, p)
        assert row.dxa_precision in pop, (row.name, row.dxa_precision)
        assert row.reference_cite and row.label and row.abbr


def test_fracture_kinds():
    assert site_for_fracture("vertebral") == "lumbar_spine"
    assert site_for_fracture("hip") == site_for_fracture("other") == "femoral_neck"
    assert set(FRACTURE_SITE_KINDS) == {"vertebral", "hip", "wrist", "other"}
    with pytest.raises(ValueError, match="fracture kind: 'humerus'"):
        site_for_fracture("humerus")
    with pytest.raises(ValueError, match="site: 'wrist' is not allowed; allowed: lumbar_spine"):
        site("wrist")


def test_who_thresholds():
    assert (who.NORMAL_MIN_TSCORE, who.OSTEOPOROSIS_MAX_TSCORE) == (-1.0, -2.5)
    assert [who.who_category(t) for t in (0.0, -1.0, -1.01, -2.49, -2.5, -4.0, float("nan"))] == [
        "normal", "normal", "osteopenia", "osteopenia", "osteoporosis", "osteoporosis", "unknown"]
    assert who.is_osteoporotic_tscore(-2.5) and not who.is_osteoporotic_tscore(-2.49)
