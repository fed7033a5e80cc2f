"""Parameter uncertainty in trials: draws as the ensemble draws them, on the same patients (common random numbers),
intervals that separate patient sampling from parameter uncertainty, and plain statements where nothing is drawn.

Tiny trials (16 patients, 1 year, 8-lane blocks): they share the compiled solvers of test_trial.py."""
import jax.monitoring
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from osteosim.cli.app import app
from osteosim.models import Osteosim
from osteosim.outcomes.ensemble import sample_parameters, uncertain_parameters
from osteosim.trials import TrialSpec, run_trial
from osteosim.trials.draws import arm_parameters, trial_draws, trial_uncertain
from osteosim.trials.runner import simulate_chunk
from osteosim.trials.spec import TrialError

from trial_helpers import BLOCK, tiny

MSC = "msc bone-marrow allogeneic 1e6 cells/kg iv every 6 months for 1 year"
DEN = "denosumab 60 mg every 6 months for 1 year"
#: the backend-compile event (tests/solve/test_compile_count.py)
COMPILE_EVENT = "/jax/core/compile/backend_compile_duration"


def msc_trial(n: int = 16, draws: int = 3, **over) -> dict:
    d = tiny(arms={"placebo": [], "msc": [MSC]}, uncertainty={"parameter_draws": draws}, **over)
    d["population"] = {**d["population"], "patients_per_arm": n}
    return d


@pytest.fixture(scope="module")
def msc_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("msc")
    summary = run_trial(TrialSpec.from_mapping(msc_trial()), out, chunk_size=8, block=BLOCK)
    return out, summary


# -- the draws ------------------------------------------------------------------------------------
def test_draws_are_the_ensembles_and_reproducible_by_seed():
    spec = TrialSpec.from_mapping(tiny(arms={"placebo": [], "den": [DEN], "msc": [MSC]},
                                       uncertainty={"parameter_draws": 4, "seed": 11}))
    per_arm = arm_parameters(spec)
    assert per_arm["placebo"] == () and per_arm["den"] == ("reserve_renewal",)
    assert {"msc_marrow_homing", "msc_survival_halflife"} <= set(per_arm["msc"])
    draws = trial_draws(spec)
    # one hypercube over the parameters of all arms, with the ensemble's rule and sampler
    pset = Osteosim().default_parameters()
    union = uncertain_parameters(pset, [*spec.regimens()["den"], *spec.regimens()["msc"]])
    assert [u.name for u in trial_uncertain(spec)] == [u.name for u in union]
    expect = sample_parameters(union, 4, 11)
    assert set(draws) == set(expect) == set(per_arm["den"]) | set(per_arm["msc"])
    for name, v in expect.items():
        assert draws[name] == [float(x) for x in v]
    assert trial_draws(spec) == draws  # same seed, same values
    other = trial_draws(TrialSpec.from_mapping(tiny(arms={"placebo": [], "den": [DEN], "msc": [MSC]},
                                                    uncertainty={"parameter_draws": 4, "seed": 12})))
    assert other["msc_marrow_homing"] != draws["msc_marrow_homing"]
    # within each prior's support
    for u in union:
        assert all(u.low <= x <= u.high for x in draws[u.name])


def test_no_draws_no_change_of_digest():
    """Without draws the trial (and its resume key) is what it always was; with draws it is another run."""
    plain = TrialSpec.from_mapping(tiny())
    assert plain.parameter_draws == 0 and trial_draws(plain) == {}
    assert TrialSpec.from_mapping(tiny(uncertainty={"parameter_draws": 0})).digest() == plain.digest()
    assert TrialSpec.from_mapping(tiny(uncertainty={"parameter_draws": 3})).digest() != plain.digest()


@pytest.mark.parametrize("value, message", [
    ({"parameter_draws": -1}, "uncertainty.parameter_draws: -1 is not allowed"),
    ({"parameter_draws": 1001}, "uncertainty.parameter_draws: 1001 is not allowed"),
    ({"parameter_draws": "many"}, "uncertainty.parameter_draws: 'many' is not allowed"),
    ({"parameter_draws": 3, "seed": -2}, "uncertainty.seed: -2 is not allowed"),
    ({"draws": 3}, "uncertainty: unknown key 'draws'"),
    (5, "uncertainty: 5 is not allowed"),
])
def test_bad_uncertainty_names_field_value_allowed(value, message):
    with pytest.raises(TrialError) as err:
        TrialSpec.from_mapping(tiny(uncertainty=value))
    assert message in str(err.value)


def test_cli_refuses_bad_parameter_draws(tmp_path):
    import yaml

    trial = tmp_path / "t.yaml"
    trial.write_text(yaml.safe_dump(tiny()))
    r = CliRunner().invoke(app, ["trial", str(trial), "--out", str(tmp_path / "o"), "--parameter-draws", "-2"])
    assert r.exit_code == 2
    assert "--parameter-draws: -2 is not allowed (a whole number 0..1000)" in r.output
    assert not (tmp_path / "o" / "summary.json").exists()


# -- common random numbers ------------------------------------------------------------------------
def test_a_nominal_draw_reproduces_the_nominal_trial_without_compiling(msc_run):
    """Draws at the nominal values give the nominal arm's rows exactly (same patients, states at randomisation,
    DXA errors and fracture uniforms); a parameter draw is runtime data: no solver compiles for it (the
    module's run compiled everything for these shapes)."""
    spec = TrialSpec.from_mapping(msc_trial(n=8))
    pset = Osteosim().default_parameters()
    names = arm_parameters(spec)["msc"]
    nominal = {n: [pset[n].value, pset[n].value] for n in names}
    compiles = []

    def listener(event: str, duration: float, **kw) -> None:
        if event == COMPILE_EVENT:
            compiles.append(kw.get("fun_name", "?"))

    jax.monitoring.register_event_duration_secs_listener(listener)
    try:
        res = simulate_chunk(spec.model_dump(mode="json"), spec.seed, 0, 8, BLOCK, draws=nominal)
    finally:
        jax.monitoring.unregister_event_duration_listener(listener)
    assert compiles == []
    vd, ed = res["draws"]["visit_draws"], res["draws"]["event_draws"]
    assert set(vd["arm"]) == {"msc"} and sorted(set(vd["draw"])) == [1, 2]  # placebo: nothing drawn acts on it
    v, e = res["visits"], res["events"]
    for k in (1, 2):
        got = vd[vd["draw"] == k].drop(columns="draw").reset_index(drop=True)
        want = v[v["arm"] == "msc"][got.columns].reset_index(drop=True)
        pd.testing.assert_frame_equal(got, want, check_exact=True)
        got = ed[ed["draw"] == k].drop(columns="draw").reset_index(drop=True)
        want = e[e["arm"] == "msc"][got.columns].reset_index(drop=True)
        pd.testing.assert_frame_equal(got, want, check_exact=True)
    # and a real draw moves the MSC arm
    moved = simulate_chunk(spec.model_dump(mode="json"), spec.seed, 0, 8, BLOCK)["draws"]["visit_draws"]
    col = "bmd_pct_change_lumbar_spine"
    last = moved["month"] == 12
    assert not np.allclose(moved.loc[last & (moved["draw"] == 1), col].to_numpy(),
                           v.loc[(v["arm"] == "msc") & (v["month"] == 12), col].to_numpy(), rtol=0, atol=1e-9)


# -- the intervals --------------------------------------------------------------------------------
def _rows(summary, **where):
    return [r for r in summary["uncertainty"]["endpoints"] if all(r.get(k) == v for k, v in where.items())]


def test_intervals_from_the_draws(msc_run):
    out, summary = msc_run
    u = summary["uncertainty"]
    assert u["sampled"] and u["parameter_draws"] == 3 and u["solver_failures"] == 0
    assert {p["name"] for p in u["parameters"]} == set(u["arm_parameters"]["msc"])
    vd = pd.read_parquet(out / "parameter_draws" / "visits.parquet")
    ed = pd.read_parquet(out / "parameter_draws" / "events.parquet")
    assert len(vd) == 3 * 16 * 3 and len(ed) == 3 * 16  # draws x patients x (baseline + 2 visits); msc arm only
    # the parameter interval: percentiles over the draws of the arm's mean, recomputed here from the rows
    live = vd[(vd["month"] == 12) & vd["alive"] & vd["solver_ok"]]
    means = live.groupby("draw")["bmd_pct_change_lumbar_spine"].mean().to_numpy()
    (row,) = _rows(summary, arm="msc", endpoint="bmd_pct_change", site="lumbar_spine", month="12")
    assert row["note"] is None and row["draws_used"] == 3
    assert row["parameter_interval"] == pytest.approx(list(np.percentile(means, [2.5, 97.5])), rel=1e-12)
    assert row["parameter_interval"][1] - row["parameter_interval"][0] > 1e-6
    nominal = summary["arms"]["msc"]["bmd_pct_change"]["lumbar_spine"]["12"]
    assert row["nominal"] == nominal["mean"] and row["sampling_ci95"] == nominal["ci95"]
    # the total interval is at least as wide as the narrowest draw's sampling interval and spans the draws
    lo, hi = row["total_interval"]
    half = (nominal["ci95"][1] - nominal["ci95"][0]) / 2
    assert lo < means.min() and hi > means.max() and hi - lo > half
    # the placebo arm: nothing drawn acts on it -> interval = nominal, total = sampling, said plainly
    (pbo,) = _rows(summary, arm="placebo", endpoint="bmd_pct_change", site="lumbar_spine", month="12")
    assert pbo["parameter_interval"] == [pbo["nominal"]] * 2 and pbo["total_interval"] == pbo["sampling_ci95"]
    assert "no therapy" in pbo["note"]
    html = (out / "report.html").read_text()
    assert "Parameter uncertainty" in html and "no therapy" in html


def test_the_nominal_trial_is_draw_zero_whatever_the_chunking(msc_run, tmp_path):
    """The same trial without draws gives the same nominal numbers; with draws in chunks of 16 instead of 8,
    the same draws' rows and intervals."""
    out, summary = msc_run
    again = run_trial(TrialSpec.from_mapping(msc_trial()), tmp_path / "c16", chunk_size=16, block=BLOCK)
    for name in ("visits.parquet", "events.parquet"):
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "c16" / "parameter_draws" / name),
                                      pd.read_parquet(out / "parameter_draws" / name), check_exact=True)
    assert again["uncertainty"] == summary["uncertainty"]
    plain = run_trial(TrialSpec.from_mapping(msc_trial(draws=0)), tmp_path / "plain", chunk_size=16, block=BLOCK)
    assert "uncertainty" not in plain and plain["arms"] == summary["arms"]
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "plain" / "patients.parquet"),
                                  pd.read_parquet(out / "patients.parquet"), check_exact=True)


def test_interval_collapses_when_the_draws_do_not_act(tmp_path):
    """Denosumab for one year: its only uncertain parameter (reserve_renewal) acts after the drug stops, so
    the computed parameter interval has zero width and the total interval is the sampling CI; a trial whose
    arms have no uncertain parameter at all says so instead of drawing."""
    d = tiny(uncertainty={"parameter_draws": 3})
    d["population"] = {**d["population"], "patients_per_arm": 8}
    s = run_trial(TrialSpec.from_mapping(d), tmp_path / "den", chunk_size=8, block=BLOCK)
    (row,) = _rows(s, arm="denosumab", endpoint="bmd_pct_change", site="total_hip", month="12")
    assert row["draws_used"] == 3 and "do not change this estimate" in row["note"]
    assert row["parameter_interval"] == [row["nominal"]] * 2
    assert row["total_interval"] == pytest.approx(row["sampling_ci95"], rel=1e-9)
    d = tiny(arms={"placebo": [], "also_placebo": []}, uncertainty={"parameter_draws": 3})
    d["population"] = {**d["population"], "patients_per_arm": 8}
    s = run_trial(TrialSpec.from_mapping(d), tmp_path / "none", chunk_size=8, block=BLOCK)
    u = s["uncertainty"]
    assert not u["sampled"] and "no parameter of this trial's regimens is uncertain" in u["reason"]
    assert u["parameters"] == [] and not (tmp_path / "none" / "parameter_draws").exists()
    for r in u["endpoints"]:
        assert r["parameter_interval"] == [r["nominal"]] * 2 and r["total_interval"] == r["sampling_ci95"]
        assert r["note"]


def test_drawn_parameters_do_not_act_without_therapy():
    """Why one untreated history serves every draw: with no therapy, an MSC and drug parameter draw leaves the
    course exactly as it was (the trial window's compiled solver, all parameters per lane)."""
    from osteosim.physiology.patient import Patient
    from osteosim.trials.engine import ShiftedModel
    from osteosim.trials.outputs import months_grid
    from osteosim.trials.runner import _model_and_params, _trial_options, arm_run

    spec = TrialSpec.from_mapping(tiny(arms={"placebo": [], "den": [DEN], "msc": [MSC]},
                                       uncertainty={"parameter_draws": 2}))
    draws = trial_draws(spec)
    model, base = _model_and_params()
    ages = np.linspace(66.0, 79.0, BLOCK)
    patients = [Patient(age=float(a), sex="female") for a in ages]
    ys = []
    for params in ({}, {k: v[0] for k, v in draws.items()}, {k: v[1] for k, v in draws.items()}):
        run = arm_run(ShiftedModel(model), patients, [params] * BLOCK, base, [], ages, spec.years, months_grid(spec))
        ys.append(run.solve(_trial_options(), block=BLOCK, chunk_size=BLOCK).ys)
    np.testing.assert_array_equal(ys[1], ys[0])
    np.testing.assert_array_equal(ys[2], ys[0])


def test_cli_table_separates_the_intervals(msc_run, capsys):
    from osteosim.cli.trial import print_trial_table

    _, summary = msc_run
    print_trial_table(summary)
    out = capsys.readouterr().out
    assert "Parameter uncertainty: 3 draws (seed 20260)" in out
    assert "sampling CI" in out and "parameter" in out and "total" in out
    assert "no therapy: no drawn parameter acts on this arm" in out
