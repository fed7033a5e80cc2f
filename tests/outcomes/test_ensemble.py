"""Parameter ensembles (osteosim simulate --ensemble N): bands, sampling rule, determinism."""
import json

import numpy as np
import pandas as pd
import pytest
from scipy.stats import qmc
from typer.testing import CliRunner

from osteosim.cli.app import app
from osteosim.models.osteosim import Osteosim
from osteosim.outcomes.ensemble import (DEFAULT_SEED, UncertainParameter, band_columns, run_ensemble,
                                        sample_parameters, uncertain_parameters)
from osteosim.outcomes.patient_run import species_parameters
from osteosim.physiology.patient import SITES
from osteosim.simulation import Simulation
from osteosim.therapies import parse_regimen

PATIENT = dict(sex="female", age=68, menopause_age=51, tscore_lumbar_spine=-2.7)
#: intraosseous re-dosing: the regimen where the MSC parameters move BMD most
MSC_IO = ["msc bone-marrow allogeneic 1e7 cells/kg intraosseous every 6 months for 1 year site lumbar_spine"]
N = 6


def sim(regimen=MSC_IO, **kw):
    # 12 saves per year, as the CLI run below: every solve here shares one compiled shape
    return Simulation(patient=PATIENT, regimen=regimen, years=2, saves_per_year=12, **kw)


@pytest.fixture(scope="module")
def ens():
    return run_ensemble(sim(), N, seed=11)


def test_columns_and_order(ens):
    df = ens.timeseries
    for c in band_columns():
        assert [df.columns.get_loc(c + s) for s in ("_p05", "_p50", "_p95")] == [df.columns.get_loc(c) + k
                                                                                 for k in (1, 2, 3)]
    assert not any(c.startswith(("ctx_p", "zscore_")) and c.endswith("_p05") for c in df.columns)


def test_percentiles_are_ordered_and_the_band_is_real(ens):
    df = ens.timeseries
    for c in band_columns():
        lo, mid, hi = (df[c + s].to_numpy() for s in ("_p05", "_p50", "_p95"))
        assert np.all(lo <= mid) and np.all(mid <= hi)
    # the MSC ranges are wide: the injected site's band opens after the first dose, and not before
    w = df["bmd_lumbar_spine_p95"] - df["bmd_lumbar_spine_p05"]
    assert w.iloc[0] == pytest.approx(0.0, abs=1e-12)
    assert w.iloc[-1] > 1e-3 * df["bmd_lumbar_spine"].iloc[-1]
    e = ens.summary["ensemble"]
    assert e["draws"] == N and e["failed_draws"] == 0 and e["seed"] == 11
    names = [p["name"] for p in e["parameters"]]
    assert "msc_marrow_homing" in names and "msc_niche_capacity" in names
    f = e["final"]["bmd_lumbar_spine"]
    assert f["p05"] <= f["p50"] <= f["p95"]
    assert f["p05"] == pytest.approx(df["bmd_lumbar_spine_p05"].iloc[-1])
    c = e["bmd_pct_change"]["lumbar_spine"]
    assert c["p05"] < c["p95"]


def test_sampling_rule():
    ps = Osteosim().default_parameters()
    msc = {u.name for u in uncertain_parameters(ps, parse_regimen(MSC_IO))}
    drug = {u.name for u in uncertain_parameters(ps, parse_regimen(["denosumab 60 mg every 6 months"]))}
    assert {n for n in msc if n.startswith("msc_")} and not {n for n in drug if n.startswith("msc_")}
    # switches carry no bounds; calibrated parameters (fits and their starting values) are never drawn
    assert not {n for n in msc | drug if n.startswith("msc_switch")}
    for n in msc | drug:
        assert ps[n].bounds is not None and not ps[n].source.startswith(("fitted", "assumption: unfitted"))
    assert "den_rankl_affinity" not in drug and "turnover_lumbar_spine" not in msc
    # every range holds its nominal value, for people and for rats (whose set has its own volumes)
    for pset in (ps, species_parameters(Osteosim(), ps, "rat")):
        for u in uncertain_parameters(pset, parse_regimen(MSC_IO + ["denosumab 60 mg once"])):
            assert u.low <= u.nominal <= u.high, u
    # a scenario override pins a parameter: it is no longer drawn
    pinned = ps.with_(msc_marrow_homing=0.002)
    assert "msc_marrow_homing" not in {u.name for u in uncertain_parameters(pinned, parse_regimen(MSC_IO))}


def test_latin_hypercube_draws():
    ups = [UncertainParameter("a", 0.001, 0.01, 0.005), UncertainParameter("b", 0.2, 0.4, 0.3),
           UncertainParameter("c", 2.0, 2.0, 2.0)]
    d = sample_parameters(ups, 10, seed=3)
    assert ups[0].log and not ups[1].log
    # one draw per stratum: of log10(a) over [-3, -2] and of b over [0.2, 0.4]
    assert sorted(np.floor((np.log10(d["a"]) + 3.0) * 10).astype(int)) == list(range(10))
    assert sorted(np.floor((d["b"] - 0.2) / 0.02).astype(int)) == list(range(10))
    assert np.all(d["c"] == 2.0)
    again = sample_parameters(ups, 10, seed=3)
    assert all(np.array_equal(d[k], again[k]) for k in d)
    assert not np.array_equal(d["a"], sample_parameters(ups, 10, seed=4)["a"])


def test_draws_follow_the_priors():
    """MSC parameters are drawn through their priors' ppf; same seed, same numbers."""
    ps = Osteosim().default_parameters()
    ups = uncertain_parameters(ps, parse_regimen(MSC_IO))
    by = {u.name: u for u in ups}
    assert by["msc_marrow_homing"].prior is ps["msc_marrow_homing"].prior  # the parameter's own prior
    assert str(by["msc_survival_halflife"].distribution).startswith("TruncLogNormal")
    d = sample_parameters(ups, 16, seed=5)
    u = qmc.LatinHypercube(d=len(ups), seed=np.random.default_rng(5)).random(16)
    for j, up in enumerate(ups):
        np.testing.assert_array_equal(d[up.name], ps[up.name].prior.ppf(u[:, j]) if ps[up.name].prior is not None
                                      else up.from_unit(u[:, j]))
        lo, hi = ps[up.name].bounds
        assert np.all((d[up.name] >= lo) & (d[up.name] <= hi))
    # a truncated normal prior puts more draws near its centre than a uniform over the same range
    cfu = sample_parameters([by["msc_cfu_young"]], 200, seed=1)["msc_cfu_young"]
    assert np.mean(np.abs(cfu - 66.2) < 9.6) > 0.6
    again = sample_parameters(ups, 16, seed=5)
    assert all(np.array_equal(d[k], again[k]) for k in d)
    assert {"prior_source", "distribution"} <= set(by["msc_marrow_homing"].to_dict())
    with pytest.raises(ValueError, match="differs from its prior's support"):
        UncertainParameter("msc_marrow_homing", 0.0, 1.0, 0.5, prior=ps["msc_marrow_homing"].prior)


def test_same_seed_same_numbers(ens):
    again = run_ensemble(sim(), N, seed=11)
    cols = [c + s for c in band_columns() for s in ("_p05", "_p50", "_p95")]
    pd.testing.assert_frame_equal(ens.timeseries[cols], again.timeseries[cols], check_exact=True)
    assert again.summary["ensemble"] == ens.summary["ensemble"]


def test_degenerate_ranges_give_zero_width_and_the_nominal_run():
    s = sim()
    p = s.parameters
    pinned = [UncertainParameter(n, p[n].value, p[n].value, p[n].value)
              for n in ("msc_marrow_homing", "msc_io_retention", "msc_niche_capacity")]
    r = run_ensemble(s, 3, uncertain=pinned)
    df = r.timeseries
    for c in band_columns():
        assert np.array_equal(df[c + "_p05"].to_numpy(), df[c + "_p95"].to_numpy())
        # the ensemble lanes are built like the plain run: identical parameters, same numbers
        np.testing.assert_allclose(df[c + "_p50"], df[c], rtol=1e-7, atol=1e-9)


def test_one_draw_is_the_plain_run():
    plain = sim().solve().timeseries
    one = run_ensemble(sim(), 1)
    df = one.timeseries
    pd.testing.assert_frame_equal(df[list(plain.columns)], plain, check_exact=True)
    for c in band_columns():
        for s in ("_p05", "_p50", "_p95"):
            assert np.array_equal(df[c + s].to_numpy(), plain[c].to_numpy())
    assert one.summary["ensemble"]["draws"] == 1 and one.summary["ensemble"]["parameters"] == []


def test_cli_simulate_ensemble(tmp_path):
    scen = tmp_path / "s.yaml"
    scen.write_text("patient: {sex: female, age: 68, menopause_age: 51, tscore_lumbar_spine: -2.7}\nyears: 2\n"
                    f"regimen: ['{MSC_IO[0]}']\n")
    out = tmp_path / "o"
    r = CliRunner().invoke(app, ["simulate", str(scen), "--out", str(out), "--ensemble", "3", "--json"])
    assert r.exit_code == 0, r.stderr
    df = pd.read_csv(out / "timeseries.csv")
    for site in SITES:
        for k in ("bmd", "tscore"):
            assert {f"{k}_{site}_p05", f"{k}_{site}_p50", f"{k}_{site}_p95"} <= set(df.columns)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["ensemble"]["draws"] == 3 and summary["ensemble"]["seed"] == DEFAULT_SEED
    assert "msc" in summary and json.loads(r.stdout)["ensemble"] == summary["ensemble"]
    assert (out / "plot.png").read_bytes()[:4] == b"\x89PNG"
