"""Osteosim's modeling-based formation (issue 17, deliver 4: anabolic drugs add bone on existing surfaces).

Expected behaviour: only the anabolic drugs (teriparatide, romosozumab) form bone on quiescent surfaces;
none untreated or on an antiresorptive.  Per site it scales with the cancellous fraction (spine most, the
one-third radius least), the new bone enters at the primary mineral content (so mean mineralization falls
at first), and it refills no resorption cavity.  One batch: a woman of 70 on each regimen for a year.
"""
import numpy as np
import pytest

from osteosim.models import Osteosim
from osteosim.physiology.patient import SITES, Patient
from osteosim.runs import Lane, build_run
from osteosim.units import DAYS_PER_YEAR

MODEL = Osteosim()
P = MODEL.default_parameters().values_dict()
START = 70.0
MONTHS = np.array([0.0, 1.0, 3.0, 6.0, 12.0])
REGIMENS = {
    "placebo": [],
    "denosumab": ["denosumab 60 mg every 6 months for 1 year"],
    "teriparatide": ["teriparatide 20 ug daily for 1 year"],
    "romosozumab": ["romosozumab 210 mg monthly for 1 year"],
}
GAINS = ("teri_modeling_gain", "romo_modeling_gain")


def _solve(params):
    woman = Patient(sex="female", age=START, menopause_age=51.0)
    lanes = [Lane(woman, reg, start_age=START) for reg in REGIMENS.values()]
    run = build_run(MODEL, lanes, params, ts=(START + MONTHS / 12.0) * DAYS_PER_YEAR, years=1.0)
    sol = run.solve()
    assert sol.ok.all()
    return run, sol


@pytest.fixture(scope="module")
def runs():
    """(run, solution) with the shipped parameters and with modeling-based formation switched off."""
    return _solve(P), _solve(dict(P, **{g: 0.0 for g in GAINS}))


def _mbf(run, sol, lane: int) -> dict[str, np.ndarray]:
    """modeling_formation_<site> (1/year) over MONTHS of one lane."""
    d = MODEL.complete_drivers(run.lane_params[lane], run.lane_drivers[lane])
    rows = [MODEL.outputs(t, y, run.lane_params[lane], d) for t, y in zip(run.ts, sol.ys[lane])]
    return {s: np.array([float(r[f"modeling_formation_{s}"]) for r in rows]) for s in SITES}


def _state(sol, lane, name):
    return np.asarray(sol.ys[lane][:, MODEL.state_names.index(name)])


@pytest.mark.parametrize("name", ["placebo", "denosumab"])
def test_no_modeling_formation_without_an_anabolic_drug(runs, name):
    (run, sol), _ = runs
    lane = list(REGIMENS).index(name)
    for s, v in _mbf(run, sol, lane).items():
        assert np.all(v == 0.0), s


@pytest.mark.parametrize("name", ["teriparatide", "romosozumab"])
def test_anabolic_drugs_form_bone_most_at_the_cancellous_sites(runs, name):
    (run, sol), _ = runs
    lane = list(REGIMENS).index(name)
    v = _mbf(run, sol, lane)
    assert v["lumbar_spine"][1] > 0.0
    # per unit of bone present it follows the cancellous fraction exactly: spine > hip > neck > radius
    per_bv = {s: v[s][1:] / _state(sol, lane, f"bv_{s}")[1:] for s in SITES}
    for s in SITES:
        np.testing.assert_allclose(per_bv[s] / P[f"cancellous_fraction_{s}"],
                                   per_bv["lumbar_spine"] / P["cancellous_fraction_lumbar_spine"], rtol=1e-9)
    assert per_bv["lumbar_spine"][0] > per_bv["total_hip"][0] > per_bv["femoral_neck"][0] > per_bv["distal_radius"][0]


@pytest.mark.parametrize("name", ["teriparatide", "romosozumab"])
def test_modeling_formation_adds_bone_of_low_mineral_and_fills_no_cavity(runs, name):
    (_, on), (_, off) = runs
    lane = list(REGIMENS).index(name)
    site = "lumbar_spine"
    assert _state(on, lane, f"bv_{site}")[-1] > _state(off, lane, f"bv_{site}")[-1]
    # new bone enters at the primary mineral content: mean mineralization is lower than without it
    assert _state(on, lane, f"mineral_{site}")[-1] < _state(off, lane, f"mineral_{site}")[-1]
    # the remodeling space only reads resorption (which scales with the bone present), never this formation
    rs_ratio = _state(on, lane, f"rs_{site}")[-1] / _state(off, lane, f"rs_{site}")[-1]
    bv_ratio = _state(on, lane, f"bv_{site}")[-1] / _state(off, lane, f"bv_{site}")[-1]
    assert rs_ratio == pytest.approx(bv_ratio, rel=2e-2)


def test_switching_it_off_leaves_untreated_and_antiresorptive_lanes_unchanged(runs):
    (_, on), (_, off) = runs
    for name in ("placebo", "denosumab"):
        lane = list(REGIMENS).index(name)
        np.testing.assert_array_equal(np.asarray(on.ys[lane]), np.asarray(off.ys[lane]))


@pytest.mark.parametrize("name, value", [("cancellous_fraction_total_hip", 1.0), ("cancellous_fraction_lumbar_spine", -0.1),
                                         ("cancellous_turnover_ratio_distal_radius", 0.0)])
def test_bad_compartment_parameters_are_named(name, value):
    from osteosim import Simulation

    with pytest.raises(ValueError, match=name):
        Simulation(Patient(sex="female", age=60.0), years=1.0, parameters={name: value}).solve()
