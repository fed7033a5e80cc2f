"""Sensitivity on the real targets: the full model (batched lanes), a classic zoo model, the healing callus.

Small designs (Morris N = 4, two parameters, one simulated year): each target's runs are checked
against the plain run of the same parameter values, and a parameter that cannot act on the output
must come out (near) zero.  The full-model designs share one compiled solve (same varied
parameters, same save times).
"""
import numpy as np
import pytest

from osteosim.analysis import Sensitivity, SensitivityError
from osteosim.healing import HealingScenario
from osteosim.physiology.patient import Patient
from osteosim.scenario import parse_scenario
from osteosim.simulation import Simulation

# bp_ec50 acts on the spine through alendronate; the distal radius is a local site outside the
# skeleton-wide pools (physiology/sites.py), so its turnover cannot move spine BMD, CTX or the hip
PARAMS = ["bp_ec50", "turnover_distal_radius"]
PATIENT = Patient(sex="female", age=65, menopause_age=51, tscore_lumbar_spine=-2.5)
REGIMEN = ["alendronate 70 mg weekly for 1 year"]


@pytest.fixture(scope="module")
def sim():
    return Simulation(PATIENT, regimen=REGIMEN, years=1)


@pytest.fixture(scope="module")
def bmd(sim):
    return Sensitivity(PARAMS, output="bmd_pct_change(lumbar_spine, 1)", method="morris", n=4, seed=5).fit(sim)


def test_full_model_ranks_the_drug_parameter_over_one_that_cannot_act(bmd):
    t = bmd.indices_.set_index("parameter")
    assert list(bmd.indices_["parameter"]) == PARAMS
    assert t.loc["bp_ec50", "mu"] < 0.0  # a higher EC50 is a weaker drug: less spine BMD gained
    assert t.loc["bp_ec50", "mu_star"] > 0.1  # pp over the EC50's range
    # the radius's turnover moves the spine only through the step-size control (solver tolerance)
    assert t.loc["turnover_distal_radius", "mu_star"] < 1e-3 * t.loc["bp_ec50", "mu_star"]
    assert len(bmd.runs_) == 4 * 3 and bmd.summary_["runs"] == 12
    keys = {c["key"] for c in bmd.summary_["citations"]}
    assert {"Morris1991", "Campolongo2007", "Herman2017", "osteosim"} <= keys


def test_a_run_equals_the_plain_simulation_of_its_parameters(bmd):
    row = bmd.runs_.iloc[int(np.argmax(bmd.runs_["bp_ec50"]))]
    plain = Simulation(PATIENT, regimen=REGIMEN, years=1,
                       parameters={k: float(row[k]) for k in PARAMS}).solve()
    # the plain run saves monthly, the analysis only at the ends: equal within the solver's tolerance
    assert row["bmd_pct_change(lumbar_spine, 1)"] == pytest.approx(plain.summary["bmd_pct_change"]["lumbar_spine"],
                                                                   abs=0.01)


def test_same_seed_same_numbers_on_the_full_model(sim, bmd):
    again = Sensitivity(PARAMS, output="bmd_pct_change(lumbar_spine, 1)", method="morris", n=4, seed=5).fit(sim)
    assert again.runs_.equals(bmd.runs_) and again.indices_.equals(bmd.indices_)


def test_versus_a_comparator_is_the_difference_of_the_two_runs(sim, bmd):
    """Two lanes per draw (the regimen, the comparator) in one solve; each lane's numbers depend only on its
    own inputs, so the difference equals the two analyses run apart."""
    diff = Sensitivity(PARAMS, output="bmd_pct_change(lumbar_spine, 1)", method="morris", n=4, seed=5).fit(
        sim, versus=[])
    untreated = Sensitivity(PARAMS, output="bmd_pct_change(lumbar_spine, 1)", method="morris", n=4, seed=5).fit(
        Simulation(PATIENT, years=1))
    col = "bmd_pct_change(lumbar_spine, 1)"
    np.testing.assert_allclose(diff.runs_[col + " difference"], bmd.runs_[col] - untreated.runs_[col], atol=1e-9)
    assert (diff.runs_[col + " difference"] > 0).all()  # alendronate gains spine BMD over no treatment
    s = diff.summary_
    assert s["versus"] == [] and s["output"]["unit"] == "percentage points" and "minus the same with" in s["target"]
    with pytest.raises(SensitivityError, match="versus: a comparator regimen needs a patient model"):
        Sensitivity(["A_OCa", "D_OBp"], output="value(BV, 1)", method="morris", n=4).fit(
            parse_scenario(PIVONKA).simulation(), versus=[])


@pytest.mark.parametrize("output", ["ctx(1)", "strength_pct_change(total_hip, 1)", "tscore(femoral_neck, 1)",
                                    "pct_change(oca_lumbar_spine, 1)"])
def test_other_full_model_outputs(sim, output):
    sa = Sensitivity(PARAMS, output=output, method="morris", n=4, seed=5).fit(sim)
    t = sa.indices_.set_index("parameter")
    assert t.loc["bp_ec50", "mu_star"] > 100.0 * t.loc["turnover_distal_radius", "mu_star"]
    assert np.isfinite(sa.runs_[output]).all()


def test_fracture_incidence_follows_the_drug(sim):
    sa = Sensitivity(PARAMS, output="fracture_incidence(vertebral, 1)", method="morris", n=4, seed=5).fit(sim)
    t = sa.indices_.set_index("parameter")
    y = sa.runs_["fracture_incidence(vertebral, 1)"]
    assert ((y > 0.0) & (y < 100.0)).all()
    assert t.loc["bp_ec50", "mu"] > 0.0  # a weaker drug: less spine BMD, more vertebral fractures
    keys = {c["key"] for c in sa.summary_["citations"]}
    from osteosim.outcomes.fracture import CITATION_KEYS

    assert set(CITATION_KEYS) <= keys


def test_fracture_model_parameters_act_after_the_solve(sim):
    """Fracture2026's hip incidence scales the hip hazard: +/-20 % moves a 1-year hip incidence by about
    as much, far more than the drug's EC50 does in one year, and each draw's incidence over its
    incidence parameter stays nearly constant (competing death bends it only slightly)."""
    params = [*PARAMS, "hip_incidence_women_52"]
    sa = Sensitivity(params, output="fracture_incidence(hip, 1)", method="morris", n=4, seed=5).fit(sim)
    t = sa.indices_.set_index("parameter")
    assert sa.indices_["parameter"].iloc[0] == "hip_incidence_women_52" and t.loc["hip_incidence_women_52", "mu"] > 0
    assert t.loc["hip_incidence_women_52", "range_source"].startswith("assumption: nominal +/-20 %")
    ratio = sa.runs_["fracture_incidence(hip, 1)"] / sa.runs_["hip_incidence_women_52"]
    assert ratio.max() / ratio.min() < 1.05
    with pytest.raises(SensitivityError, match="unknown parameter 'hip_incidence_women_50' of Osteosim"):
        Sensitivity([*PARAMS, "hip_incidence_women_50"], output="fracture_incidence(hip, 1)", method="morris",
                    n=4).fit(sim)
    with pytest.raises(SensitivityError, match="unknown parameter 'hip_incidence_women_52' of Osteosim"):
        Sensitivity([*PARAMS, "hip_incidence_women_52"], output="ctx(1)", method="morris", n=4).fit(sim)


def test_only_fracture_model_parameters_need_one_solve(sim, monkeypatch):
    from osteosim.runs import RunInputs

    lanes = []
    solve = RunInputs.solve
    monkeypatch.setattr(RunInputs, "solve", lambda self, *a, **k: lanes.append(self.n_lanes) or solve(self, *a, **k))
    sa = Sensitivity(["hip_incidence_women_52", "gr_hip_women"], output="fracture_incidence(hip, 1)",
                     method="sobol", n=8, seed=1).fit(sim)
    assert lanes == [1] and len(sa.runs_) == 32
    t = sa.indices_.set_index("parameter")
    assert t.loc["gr_hip_women", "ST"] > 0.0 and t.loc["hip_incidence_women_52", "ST"] > 0.0


def test_outputs_a_target_lacks_are_named_errors(sim):
    with pytest.raises(SensitivityError, match="output: union_time is not available for Osteosim.*allowed: "
                                               "bmd_pct_change"):
        Sensitivity(PARAMS, output="union_time", method="morris", n=4).fit(sim)
    with pytest.raises(SensitivityError, match="output: Osteosim has no state or output 'bv_spine'"):
        Sensitivity(PARAMS, output="value(bv_spine, 1)", method="morris", n=4).fit(sim)
    with pytest.raises(SensitivityError, match="output: none given"):
        Sensitivity(PARAMS, method="morris", n=4).fit(sim)


# ---------------------------------------------------------------------------- classic zoo model
PIVONKA = {"model": "Pivonka2008", "years": 0.5476, "drivers": {"P_PTH": 1000}}


def test_classic_model_runs_equal_its_plain_runs():
    sim = parse_scenario(PIVONKA).simulation()
    sa = Sensitivity(["A_OCa", "D_OBp"], output="pct_change(BV, 0.5)", method="morris", n=4, seed=1).fit(sim)
    assert sa.summary_["parameters"][0]["range_source"].startswith("assumption: nominal +/-20 %")
    row = sa.runs_.iloc[3]
    plain = Simulation(model="Pivonka2008", years=0.5, drivers={"P_PTH": 1000}, saves_per_year=2,
                       parameters={"A_OCa": row["A_OCa"], "D_OBp": row["D_OBp"]}).solve()
    bv = plain.timeseries["BV"].to_numpy()
    assert row["pct_change(BV, 0.5)"] == pytest.approx(100.0 * (bv[-1] / bv[0] - 1.0), abs=1e-3)
    assert (sa.indices_["mu_star"] > 0).all()
    with pytest.raises(SensitivityError, match="output: bmd_pct_change is not available for Pivonka2008"):
        Sensitivity(["A_OCa", "D_OBp"], output="bmd_pct_change(lumbar_spine, 1)", method="morris", n=4).fit(sim)


# ---------------------------------------------------------------------------- healing
def _healing(weeks: float) -> HealingScenario:
    return HealingScenario.from_mapping({"fracture": {"gap_mm": 2, "geometry": "line"}, "weeks": weeks})


def test_healing_union_time_scales_with_the_time_unit_and_ignores_an_unused_parameter():
    """Without treatment the non-dimensional course does not depend on the time unit, so union weeks are
    proportional to ``time_scale_days``; the 1-D line grid has no cortex, so ``cortex_thickness`` does nothing."""
    sa = Sensitivity({"time_scale_days": (8.0, 14.0), "cortex_thickness": None}, output="union_time",
                     method="morris", n=4, seed=1).fit(_healing(25.0))
    weeks_per_day = sa.runs_["union_time"] / sa.runs_["time_scale_days"]
    np.testing.assert_allclose(weeks_per_day, weeks_per_day.iloc[0], rtol=1e-6)
    t = sa.indices_.set_index("parameter")
    assert t.loc["cortex_thickness", "mu_star"] == 0.0 and t.loc["time_scale_days", "mu"] > 0.0
    assert sa.summary_["censored_runs"] == 0 and "Geris2010" in {c["key"] for c in sa.summary_["citations"]}


def test_healing_course_that_does_not_unite_counts_as_the_span():
    sa = Sensitivity({"time_scale_days": (8.0, 14.0), "cortex_thickness": None}, output="union_time",
                     method="morris", n=4, seed=1).fit(_healing(2.0))
    assert sa.summary_["censored_runs"] == 12 and (sa.runs_["union_time"] == 2.0).all()
    assert (sa.indices_["mu_star"] == 0.0).all()
