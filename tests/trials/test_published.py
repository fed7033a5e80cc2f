"""Published fracture outcomes next to the simulated ones (trials.published, endpoints)."""
import numpy as np
import pandas as pd
import pytest

from osteosim.trials import TrialSpec
from osteosim.trials.predictions import fracture_predictions
from osteosim.trials.published import PUBLISHED_FRACTURES, PUBLISHED_TRIALS, load
from osteosim.trials.spec import PUBLISHED

from trial_helpers import tiny


def test_every_entry_names_a_published_trial_and_a_simulated_kind():
    for pf in PUBLISHED_FRACTURES:
        assert pf.trial in PUBLISHED
        assert pf.kind in ("vertebral", "hip", "wrist", "nonvertebral", "any")
        assert pf.measure in ("RR", "HR", "rate ratio") and pf.ratio > 0 and pf.source
        if pf.ci:
            assert pf.ci[0] < pf.ratio < pf.ci[1]
        if pf.placebo_pct is not None and pf.measure == "RR":
            # the published RR agrees with the published incidences
            assert pf.treated_pct / pf.placebo_pct == pytest.approx(pf.ratio, abs=0.04)


def test_data_file_rows_become_incidences_and_ratios():
    """The data file stores counts (incidence = 100 events / n) or percentages; a null ratio is treated / placebo."""
    trials, rows = load("""
trials: {x: "X trial"}
sources: {x: "Someone 2020"}
fractures:
  - {trial: x, kind: vertebral, month: 12, placebo: {events: 82, n: 3691}, treated: {pct: 0.5}, ratio: null,
     ci: null, measure: RR, source: x}
""")
    assert trials == {"x": "X trial"}
    (r,) = rows
    assert r.placebo_pct == 100 * 82 / 3691 and r.ratio == 0.5 / r.placebo_pct and r.ci is None
    assert r.source == "Someone 2020" and r.note == ""
    with pytest.raises(ValueError, match=r"fractures\[0\]\.trial: 'y' is not allowed; allowed: x"):
        load("trials: {x: X}\nsources: {x: S}\nfractures:\n  - {trial: y, source: x}\n")
    assert PUBLISHED_TRIALS == PUBLISHED
    freedom = [r for r in PUBLISHED_FRACTURES if r.trial == "freedom" and r.month == 36 and r.kind == "vertebral"]
    assert freedom[0].placebo_pct == 100 * 264 / 3691 and freedom[0].ci == (0.26, 0.41)


def _events(n, years_to_first, deaths=()):
    t = np.full(n, np.nan)
    t[: len(years_to_first)] = years_to_first
    d = np.full(n, np.nan)
    d[n - len(deaths):] = deaths
    return pd.DataFrame({**{f"time_{k}": t for k in ("vertebral", "hip", "wrist", "nonvertebral", "any")}, "death_time": d})


def test_predictions_count_fractures_by_the_published_month():
    d = tiny(years=3, visits_months=[12, 24, 36], published="freedom")
    spec = TrialSpec.from_mapping(d)
    # control: 10 of 100 with a fracture, 4 of them within the first year; treated: 5, 1 in the first year
    ctrl = _events(100, [0.5, 0.6, 0.7, 0.9] + [2.0] * 6)
    act = _events(100, [0.5] + [2.5] * 4)
    rows = fracture_predictions(spec, {"placebo": ctrl, "denosumab": act})
    assert {r["status"] for r in rows} == {"predicted"}
    vert = {r["published_month"]: r for r in rows if r["kind"] == "vertebral"}
    assert set(vert) == {12, 24, 36}
    assert vert[12]["simulated_control"] == 4.0 and vert[12]["simulated_treated"] == 1.0
    assert vert[36]["simulated_control"] == 10.0 and vert[36]["simulated_treated"] == 5.0
    assert vert[36]["simulated"] == pytest.approx(0.5) and vert[36]["measure"] == "RR"
    assert vert[36]["within_published_ci"] is False  # published 0.32 (0.26-0.41)
    assert vert[36]["published_control"] == pytest.approx(7.15, abs=0.01)
    # FREEDOM's nonvertebral result is a hazard ratio: the simulated one is a Cox HR too
    (nv,) = [r for r in rows if r["kind"] == "nonvertebral"]
    assert nv["measure"] == "HR" and nv["published"] == 0.80 and 0.0 < nv["simulated"] < 1.0
    # kinds the trial did not publish: one simulated row at the end of the trial, no published value
    (hip,) = [r for r in rows if r["kind"] == "hip"]
    assert hip["published"] is None and hip["month"] == 36.0 and hip["within_published_ci"] is None
    # a template shorter than the published trial is compared at its end
    d = tiny(years=1, visits_months=[12], published="whi", arms={"placebo": [], "hrt": ["estrogen 0.625 mg daily for 1 year"]})
    rows = fracture_predictions(TrialSpec.from_mapping(d), {"placebo": ctrl, "hrt": act})
    (anyk,) = [r for r in rows if r["kind"] == "any"]
    assert anyk["published_month"] == 67 and anyk["month"] == 12.0 and anyk["measure"] == "HR"


def test_rate_ratio_in_an_off_treatment_window():
    """freedom_off counts first vertebral fractures per patient-year from month 25 among the patients still at risk."""
    d = tiny(years=3, visits_months=[12, 36], published="freedom_off",
             arms={"placebo": [], "stopped": ["denosumab 60 mg every 6 months for 2 years"]})
    spec = TrialSpec.from_mapping(d)
    # control: 2 fractures before the window (not at risk), 4 inside; one death at 2.5 y; treated: 2 inside
    ctrl = _events(10, [0.5, 1.0, 2.2, 2.4, 2.6, 2.9], deaths=[2.5])
    act = _events(10, [2.3, 2.95])
    (row,) = [r for r in fracture_predictions(spec, {"placebo": ctrl, "stopped": act}) if r["kind"] == "vertebral"]
    assert row["measure"] == "rate ratio" and row["window_start"] == 25.0 and row["unit"] == "per 100 patient-years"
    start = 25 / 12
    py_c = (2.2 - start) + (2.4 - start) + (2.6 - start) + (2.9 - start) + (2.5 - start) + 3 * (3 - start)
    py_t = (2.3 - start) + (2.95 - start) + 8 * (3 - start)
    assert row["simulated_at_risk"] == [8, 10] and row["simulated_events"] == [4, 2]
    assert row["simulated_control"] == pytest.approx(400 / py_c) and row["simulated_treated"] == pytest.approx(200 / py_t)
    assert row["simulated"] == pytest.approx((2 / py_t) / (4 / py_c))
    assert row["published"] == pytest.approx(7.1 / 8.5) and row["published_control"] == 8.5


def test_no_published_trial_every_arm_and_kind_predicted():
    spec = TrialSpec.from_mapping(tiny())
    rows = fracture_predictions(spec, {"placebo": _events(4, [0.5]), "denosumab": _events(4, [])})
    assert [(r["arm"], r["kind"]) for r in rows] == [("denosumab", k) for k in ("vertebral", "hip", "wrist", "nonvertebral", "any")]
    assert all(r["published"] is None and r["status"] == "predicted" for r in rows)


def test_ci_from_counts_and_measures_are_checked():
    _, (r,) = load("""
trials: {x: X}
sources: {x: S}
fractures:
  - {trial: x, kind: hip, month: 24, placebo: {events: 66, n: 2047}, treated: {events: 41, n: 2046}, ratio: 0.62,
     ci: counts, measure: HR, source: x}
""")
    assert r.ci_from_counts and r.ci == pytest.approx((0.423, 0.913), abs=0.001)
    with pytest.raises(ValueError, match=r"fractures\[0\]\.measure: 'OR' is not allowed; allowed: RR, HR, rate ratio"):
        load("trials: {x: X}\nsources: {x: S}\nfractures:\n  - {trial: x, source: x, measure: OR}\n")
