"""The clinician's page: treated and untreated runs of one patient, T-score, strength and 10-year risk."""
import numpy as np
import pandas as pd
import pytest

from osteosim.outcomes.risk_course import ten_year_risk_course
from osteosim.physiology.patient import SITES, Patient
from osteosim.report.clinician import CLINICIAN_SITES, plot_clinician
from osteosim.simulation import Result

PT = Patient(sex="female", age=65.0, menopause_age=50.0, tscore_lumbar_spine=-2.7, tscore_femoral_neck=-2.2)


class _FakeModel:
    name = "Osteosim"
    state_names = ()


def run(gain_per_year: float, patient=PT, years: float = 10.0) -> Result:
    """A run whose T-scores move by ``gain_per_year`` SD a year and strength by 5x as much in %."""
    t = np.linspace(0.0, years, 121)
    d = {"t_years": t, "age": patient.age + t}
    for s in SITES:
        d[f"tscore_{s}"] = -2.5 + gain_per_year * t
        d[f"strength_{s}"] = 0.6 * (1.0 + 0.05 * gain_per_year * t)
    return Result(_FakeModel(), pd.DataFrame(d), {}, patient)


def test_page_draws_three_rows_of_two_sites():
    fig = plot_clinician({"no treatment": run(-0.03), "drug": run(0.08)})
    axes = fig.axes
    assert len(axes) == 6
    assert [ax.get_title() for ax in axes[:2]] == [f"T-score, {s.replace('_', ' ')}" for s in CLINICIAN_SITES]
    # every panel has one line per run; the risk panels start at the same value and the treated one ends lower
    assert all(len(ax.lines) >= 2 for ax in axes)
    mof = axes[4].lines
    untreated, treated = (np.asarray(ln.get_ydata(), float) for ln in mof[-2:])
    assert untreated[0] == pytest.approx(treated[0])
    assert treated[-1] < untreated[-1]


def test_risk_course_is_the_calculator_at_each_year():
    r = run(0.0)
    course = ten_year_risk_course(r.patient, r.timeseries)
    assert course["age"] == [65.0 + k for k in range(11)]
    # constant T-scores: the risk rises with age alone
    assert np.all(np.diff(course["major_osteoporotic"]) > 0) and np.all(np.diff(course["hip"]) > 0)
    assert ten_year_risk_course(PT.model_copy(update={"species": "rat", "sex": "female"}), r.timeseries) is None


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="results: give at least one run"):
        plot_clinician({})
    other = PT.model_copy(update={"age": 70.0})
    with pytest.raises(ValueError, match=r"results\['b'\]: a different patient"):
        plot_clinician({"a": run(0.0), "b": run(0.0, patient=other)})
    bare = run(0.0)
    bare.timeseries.drop(columns=[f"strength_{CLINICIAN_SITES[0]}"], inplace=True)
    with pytest.raises(ValueError, match=f"no strength_{CLINICIAN_SITES[0]}"):
        plot_clinician({"a": bare})


def test_page_saves_png(tmp_path):
    path = plot_clinician({"a": run(0.0)}, path=tmp_path / "page.png")
    assert path is not None and (tmp_path / "page.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
