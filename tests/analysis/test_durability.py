"""The durability study's measures on curves with a known answer: benefit duration after the last dose,
last-dose times, expected and prevented fractures."""
import math

import numpy as np
import pandas as pd
import pytest

import osteosim as osi
from osteosim.analysis.durability import PER_WOMEN, benefit_duration, expected_fractures, last_dose_years
from osteosim.outcomes.fracture import KIND_SITES, FractureModel, RiskFactors


def test_half_life_of_an_exponential_decay_after_the_last_dose():
    # gain rises to 10 pp at the last dose (5 y), then decays with a 2-year time constant: half at 2 ln 2
    t = np.linspace(0.0, 15.0, 15 * 120 + 1)
    gain = np.where(t <= 5.0, 2.0 * t, 10.0 * np.exp(-(t - 5.0) / 2.0))
    d = benefit_duration(t, gain, last_dose=5.0)
    assert not d.censored and not d.no_benefit
    assert d.peak == pytest.approx(10.0) and d.peak_year == pytest.approx(5.0)
    assert d.threshold == pytest.approx(5.0)
    assert d.years == pytest.approx(2.0 * math.log(2.0), abs=1e-3)
    assert d.label() == "1.4 y"


def test_floor_ends_a_small_benefit_before_half_its_peak():
    # peak 1.6 pp: half would be 0.8 pp, but the 1 pp floor ends it at 2 ln(1.6) after the dose
    t = np.linspace(0.0, 10.0, 1201)
    gain = 1.6 * np.exp(-t / 2.0)
    assert benefit_duration(t, gain, last_dose=0.0).years == pytest.approx(2.0 * math.log(1.6), abs=1e-3)
    assert benefit_duration(t, gain, last_dose=0.0, floor_pp=0.0).years == pytest.approx(2.0 * math.log(2.0), abs=1e-3)


def test_linear_interpolation_between_grid_points():
    t = np.array([0.0, 1.0, 2.0, 3.0])
    gain = np.array([0.0, 8.0, 6.0, 2.0])  # peak 8 at 1 y; threshold 4 crossed half way from 2 to 3 y
    assert benefit_duration(t, gain, last_dose=0.5).years == pytest.approx(2.5 - 0.5)


def test_censored_when_still_above_at_the_end_and_no_benefit_when_tiny():
    t = np.linspace(0.0, 10.0, 121)
    d = benefit_duration(t, np.full_like(t, 5.0), last_dose=3.0)
    assert d.censored and d.years == pytest.approx(7.0) and d.label() == ">= 7.0 y"
    tiny = benefit_duration(t, 0.3 * np.exp(-t), last_dose=0.0)
    assert tiny.no_benefit and math.isnan(tiny.years) and tiny.label() == "no benefit"
    assert benefit_duration(t, -np.ones_like(t), last_dose=0.0, floor_pp=0.0).no_benefit


def test_bad_curves_are_refused():
    with pytest.raises(ValueError, match="gain: shape"):
        benefit_duration(np.arange(3.0), np.arange(4.0), 0.0)
    with pytest.raises(ValueError, match="fraction: 1.5 is not allowed"):
        benefit_duration(np.arange(3.0), np.arange(3.0), 0.0, fraction=1.5)


def test_last_dose_years():
    assert last_dose_years([], 10) == 0.0
    assert last_dose_years(["denosumab 60 mg every 6 months for 3 years"], 10) == pytest.approx(2.5, abs=1e-3)
    # the horizon cuts an open-ended or long schedule
    assert last_dose_years(["denosumab 60 mg every 6 months for 10 years"], 2) == pytest.approx(1.5, abs=1e-3)
    seq = ["romosozumab 210 mg monthly for 12 months", "alendronate 70 mg weekly for 1 year starting at 12 months"]
    assert 1.9 < last_dose_years(seq, 5) <= 2.0


def _course(tscore: float, years: float = 10.0, n: int = 121) -> pd.DataFrame:
    t = np.linspace(0.0, years, n)
    cols = {"t_years": t, "age": 65.0 + t}
    for site in ("lumbar_spine", "total_hip", "femoral_neck", "distal_radius"):
        cols[f"tscore_{site}"] = np.full(n, tscore)
    return pd.DataFrame(cols)


def test_expected_fractures_match_a_constant_hazard_by_hand():
    patient = osi.Patient(age=65, sex="female", tscore_lumbar_spine=-2.7)
    course = _course(-2.5)
    got = expected_fractures(patient, course)
    # by hand: sum over kinds of int lambda_k(t) S(t) dt on a fine grid (rectangle rule)
    fm = FractureModel()
    tt = np.linspace(0.0, 10.0, 20001)
    age = 65.0 + tt
    female = np.ones_like(tt)
    z = {s: fm.zscore(s, np.full_like(tt, -2.5), age, female) for s in set(KIND_SITES.values())}
    rf = RiskFactors.from_patient(patient)
    rf_t = RiskFactors(*(np.repeat(getattr(rf, f), len(tt)) for f in RiskFactors.__dataclass_fields__))
    lam = fm.hazards(age, rf_t, z).sum(axis=1)
    surv = np.exp(-np.cumsum(fm.mortality(age, female)) * (tt[1] - tt[0]))
    by_hand = PER_WOMEN * np.sum(lam * surv) * (tt[1] - tt[0])
    assert got["any"] == pytest.approx(by_hand, rel=2e-3)
    assert got["any"] == pytest.approx(sum(got[k] for k in ("vertebral", "hip", "wrist", "other")))


def test_fractures_prevented_arithmetic_higher_bone_fewer_fractures():
    patient = osi.Patient(age=65, sex="female", tscore_lumbar_spine=-2.7)
    untreated, treated = expected_fractures(patient, _course(-2.7)), expected_fractures(patient, _course(-2.0))
    prevented = untreated["any"] - treated["any"]
    assert prevented > 0
    # the BMD term is exp(-beta z): 0.7 SD more bone divides each kind's hazard by its gradient^0.7
    # (exact for a constant T-score, since death does not depend on BMD)
    fm = FractureModel()
    for k, kind in enumerate(("vertebral", "hip", "wrist", "other")):
        gr = fm.gradients(np.ones(1))[0, k]
        assert treated[kind] == pytest.approx(untreated[kind] * gr ** (-0.7 / fm.p["tscore_sd_at_age"]), rel=1e-9)


def test_expected_fractures_need_the_tscores():
    patient = osi.Patient(age=65, sex="female", tscore_lumbar_spine=-2.7)
    with pytest.raises(ValueError, match="no column .tscore_lumbar_spine_p05. "):
        expected_fractures(patient, _course(-2.0), suffix="_p05")
