"""One patient, one regimen, through every entry point: the same run lane gives the same numbers.

Entry points with the same solver settings (Simulation.solve, the web runner, the ensemble,
the benchmark's problem builder + solve) agree to 1e-9; those with other settings by design
(the trial engine: untreated history at rtol 1e-5, then Tsit5 with a shared step on trial time;
msc-explore: a shared history, then the lanes restarted at the current age) get identical
built inputs and agree at a stated tolerance.  One patient, small blocks: compiled solves are
shared with tests/trials and the web tests.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from osteosim import Simulation
from osteosim.models import Osteosim
from osteosim.outcomes.ensemble import UncertainParameter, run_ensemble
from osteosim.outcomes.patient_run import relative_bmd
from osteosim.physiology.drivers import PEAK_AGE, patient_drivers
from osteosim.physiology.patient import SITES, Patient
from osteosim.runs import Lane, as_regimen, build_run
from osteosim.therapies.pkpd import regimen_tables
from osteosim.units import DAYS_PER_YEAR

PATIENT = Patient(sex="female", age=66.0, menopause_age=50.0, tscore_lumbar_spine=-2.6)
REGIMEN = ["denosumab 60 mg every 6 months for 3 years"]
YEARS = 5.0
SAVES = 241  # the web runner's save grid (web/runner.SAVE_POINTS): one compiled solve for both
PER_YEAR = (SAVES - 1) / YEARS
MODEL = Osteosim()
P = MODEL.default_parameters().values_dict()
AGES = PATIENT.age + np.linspace(0.0, YEARS, SAVES)
BLOCK = 8  # tests/trials/trial_helpers.BLOCK: the trial tests' compiled solvers


def _simulation(**kw) -> Simulation:
    return Simulation(PATIENT, regimen=REGIMEN, years=YEARS, saves_per_year=PER_YEAR, **kw)


@pytest.fixture(scope="module")
def result():
    return _simulation().solve()


@pytest.fixture(scope="module")
def lane_inputs():
    """The patient's lane as Simulation builds it (run_patient: the run's parameters set the reference)."""
    return build_run(MODEL, [Lane(PATIENT, REGIMEN)], P, ts=AGES * DAYS_PER_YEAR, years=YEARS)


def _same(a: dict, b: dict, skip=()) -> None:
    assert set(a) - set(skip) == set(b) - set(skip)
    for k in set(a) - set(skip):
        assert np.array_equal(np.asarray(a[k]), np.asarray(b[k])), k


def test_lane_builds_what_the_model_asks_for(lane_inputs):
    """default drivers + patient drivers + dose tables, completed by the model; y0 at the peak."""
    tables = regimen_tables(as_regimen(REGIMEN), PATIENT.age * DAYS_PER_YEAR, YEARS * DAYS_PER_YEAR,
                            patient=PATIENT, params=P)
    d = MODEL.complete_drivers(P, dict(MODEL.default_drivers(), **patient_drivers(PATIENT, P), **tables))
    _same(lane_inputs.lane_drivers[0], d)
    _same({k: v[0] for k, v in lane_inputs.drivers.items()}, d)
    _same({k: v[0] for k, v in lane_inputs.params.items()}, P)
    assert np.array_equal(lane_inputs.y0[0], MODEL.initial_state(P, d))
    assert lane_inputs.t0 == PEAK_AGE["human"] * DAYS_PER_YEAR == MODEL.start_time(d)
    # without overrides, the ensemble's per-lane reference state is the run's
    per_lane = build_run(MODEL, [Lane(PATIENT, REGIMEN)], P, ts=lane_inputs.ts, years=YEARS, reference="lane")
    _same(per_lane.drivers, lane_inputs.drivers)
    _same(per_lane.params, lane_inputs.params)
    assert np.array_equal(per_lane.y0, lane_inputs.y0) and per_lane.t0 == lane_inputs.t0


def test_simulation_is_the_lane_solved(result, lane_inputs):
    sol = lane_inputs.solve()
    states = result.timeseries[list(MODEL.state_names)].to_numpy()
    np.testing.assert_allclose(sol.ys[0], states, rtol=1e-9, atol=1e-12)


def test_web_runner(result):
    from osteosim.web.runner import _rounded, prepare_scenario, simulate_payload
    from osteosim.web.schemas import Limits

    scen = prepare_scenario({"patient": PATIENT.model_dump(exclude_none=True), "years": YEARS, "regimen": REGIMEN},
                            Limits())
    out = simulate_payload(scen)
    for site in SITES:
        for col in (f"bmd_{site}", f"tscore_{site}"):
            assert out["timeseries"][col] == _rounded(result[col]), col  # the web rounds to 7 digits


def test_ensemble_with_one_pinned_draw(result):
    """A draw at the nominal value (low = high) through the ensemble's own lanes (reference="lane")."""
    pinned = [UncertainParameter("reserve_renewal", P["reserve_renewal"], P["reserve_renewal"], P["reserve_renewal"])]
    ens = run_ensemble(_simulation(), 2, uncertain=pinned)
    assert ens.summary["ensemble"]["seed"] is not None  # the draws were solved, not copied
    for site in SITES:
        for q in ("_p05", "_p50", "_p95"):
            np.testing.assert_allclose(ens[f"bmd_{site}{q}"], result[f"bmd_{site}"], rtol=1e-9, atol=0.0)


def test_benchmark_problem(result):
    """The benchmark's problem builder + block solve, saved yearly from the peak: same states at the
    patient's age and at the end."""
    from osteosim.bench.osteosim_engine import _osteosim_solve, solver_options
    from osteosim.bench.problem import patient_problem

    prob = patient_problem(MODEL, [PATIENT], YEARS, saves_per_year=1.0, regimen=REGIMEN)
    assert prob.t0 == PEAK_AGE["human"] * DAYS_PER_YEAR and prob.ts[-1] == AGES[-1] * DAYS_PER_YEAR
    ys, ok, _, _ = _osteosim_solve(prob, solver_options(MODEL.solver, MODEL.default_rtol, MODEL.default_rtol * 1e-2),
                                   BLOCK)
    assert ok.all()
    at = int(np.argmin(np.abs(prob.ts - AGES[0] * DAYS_PER_YEAR)))
    assert prob.ts[at] == AGES[0] * DAYS_PER_YEAR
    states = result.timeseries[list(MODEL.state_names)].to_numpy()
    np.testing.assert_allclose(ys[0, at], states[0], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ys[0, -1], states[-1], rtol=1e-9, atol=1e-12)


def test_trial_engine(result, lane_inputs):
    """The trial chunk's lanes (history, then the arm on trial time): identical inputs; BMD change within
    the trial solver's tolerance (rtol 1e-5, Tsit5 shared step)."""
    from osteosim.trials.engine import ShiftedModel
    from osteosim.trials.runner import _history_options, _trial_options, arm_run, history_run

    months = np.arange(0.0, YEARS * 12.0 + 1.0)
    hist = history_run(MODEL, [PATIENT], [{}], P, np.array([PATIENT.age]))
    _same(hist.params, lane_inputs.params)
    _same(hist.lane_drivers[0], MODEL.complete_drivers(P, dict(MODEL.default_drivers(), **patient_drivers(PATIENT, P))))
    assert np.array_equal(hist.y0, lane_inputs.y0) and hist.t0 == lane_inputs.t0
    arm = arm_run(ShiftedModel(MODEL), [PATIENT], [{}], P, REGIMEN, np.array([PATIENT.age]), YEARS, months)
    _same(arm.lane_drivers[0], lane_inputs.lane_drivers[0], skip=("t_shift",))
    assert arm.lane_drivers[0]["t_shift"] == PATIENT.age * DAYS_PER_YEAR and arm.t0 == 0.0
    _same(arm.params, lane_inputs.params)
    h = hist.solve(_history_options(), block=BLOCK, chunk_size=BLOCK)
    sol = replace(arm, y0=h.ys[:, 0]).solve(_trial_options(), block=BLOCK, chunk_size=BLOCK)
    assert h.ok.all() and sol.ok.all()
    ys = sol.ys[0, : len(months)]
    for site in SITES:
        rel = relative_bmd(MODEL, ys, site)
        trial = 100.0 * (rel / rel[0] - 1.0)
        b = result[f"bmd_{site}"][:: int(PER_YEAR / 12)]
        plain = 100.0 * (b / b[0] - 1.0)
        # percentage points: rtol 1e-5 of BMD is 1e-3 pp (measured 7e-4 with the cancellous compartment, 1.2e-4 before)
        assert np.max(np.abs(trial - plain)) < 1e-3, site


def test_msc_explore_path(result):
    """msc-explore's solve (shared history to the current age, then the design lanes): the drug-alone
    row's BMD change equals the plain run's within the restart's step error."""
    from osteosim.trials.msc_explore import REPORT_YEARS, Design, explore

    designs = [Design("no treatment", ()), Design("denosumab alone", tuple(REGIMEN))]
    table = explore(PATIENT, designs=designs, draws=1).table.set_index("design")
    for site in SITES:
        b = result[f"bmd_{site}"]
        for yr in REPORT_YEARS:
            expected = 100.0 * (b[int(yr * PER_YEAR)] / b[0] - 1.0)
            # percentage points; measured 6e-6
            assert table.loc["denosumab alone", f"{site}_{yr}y_p50"] == pytest.approx(expected, abs=5e-5)
