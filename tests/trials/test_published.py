"""Published fracture outcomes next to the simulated ones (trials.published, endpoints)."""
import numpy as np
import pandas as pd
import pytest

from osteosim.trials import TrialSpec
from osteosim.trials.endpoints import published_fracture_comparison
from osteosim.trials.published import PUBLISHED_FRACTURES, PUBLISHED_TRIALS, load
from osteosim.trials.spec import PUBLISHED

from trial_helpers import tiny


def test_every_entry_names_a_published_trial_and_a_simulated_kind():
    for pf in PUBLISHED_FRACTURES:
        assert pf.trial in PUBLISHED
        assert pf.kind in ("vertebral", "hip", "nonvertebral", "any")
        assert pf.measure in ("RR", "HR") and pf.ratio > 0 and pf.source
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


def _events(n, years_to_first):
    t = np.full(n, np.nan)
    t[: len(years_to_first)] = years_to_first
    return pd.DataFrame({f"time_{k}": t for k in ("vertebral", "hip", "nonvertebral", "any")})


def test_comparison_counts_fractures_by_the_published_month():
    d = tiny(years=3, visits_months=[12, 24, 36], published="freedom")
    spec = TrialSpec.from_mapping(d)
    # control: 10 of 100 with a fracture, 4 of them within the first year; treated: 5, 1 in the first year
    ctrl = _events(100, [0.5, 0.6, 0.7, 0.9] + [2.0] * 6)
    act = _events(100, [0.5] + [2.5] * 4)
    rows = published_fracture_comparison(spec, {"placebo": ctrl, "denosumab": act})
    vert = {r["published_month"]: r for r in rows if r["kind"] == "vertebral"}
    assert set(vert) == {12, 24, 36}
    assert vert[12]["simulated_placebo_pct"] == 4.0 and vert[12]["simulated_treated_pct"] == 1.0
    assert vert[36]["simulated_placebo_pct"] == 10.0 and vert[36]["simulated_treated_pct"] == 5.0
    assert vert[36]["simulated_rr"] == pytest.approx(0.5)
    assert vert[36]["ratio_within_ci"] is False  # published 0.32 (0.26-0.41)
    assert vert[36]["published_placebo_pct"] == pytest.approx(7.15, abs=0.01)
    # a template shorter than the published trial is compared at its end
    d = tiny(years=1, visits_months=[12], published="whi", arms={"placebo": [], "hrt": ["estrogen 0.625 mg daily for 1 year"]})
    rows = published_fracture_comparison(TrialSpec.from_mapping(d), {"placebo": ctrl, "hrt": act})
    assert rows[0]["published_month"] == 67 and rows[0]["simulated_month"] == 12.0
    assert rows[0]["simulated_rr"] == pytest.approx(0.25)


def test_no_published_trial_no_rows():
    spec = TrialSpec.from_mapping(tiny())
    assert published_fracture_comparison(spec, {"placebo": _events(4, []), "denosumab": _events(4, [])}) == []
