"""outcomes/densitometry.py: where a run places a measured baseline."""
import numpy as np

from osteosim.models import Osteosim
from osteosim.outcomes import densitometry as d
from osteosim.physiology.patient import Patient


def test_baseline_peak_matches_a_measured_tscore_and_keeps_the_patient_peak_otherwise():
    """densitometry.baseline_peak: the one rule every run (patient runs, ensembles, sensitivity) uses."""
    p = Osteosim().default_parameters().values_dict()
    pt = Patient(sex="female", age=65.0, tscore_lumbar_spine=-2.7)
    rel0 = np.array([[0.8], [0.9]])  # two lanes' relative BMD at the start age
    peak = d.baseline_peak(pt, p, "lumbar_spine", rel0)
    np.testing.assert_allclose(d.tscore(peak * rel0, p, "lumbar_spine"), -2.7)
    assert d.baseline_peak(pt, p, "total_hip", rel0) == d.peak_bmd(pt, p)["total_hip"]
