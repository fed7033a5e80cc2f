"""Smoke test of the benchmark: a tiny cohort through every engine; JSON keys only, never timings."""
import json

import pytest
from typer.testing import CliRunner

from osteosim.bench import ENGINES, run_benchmark
from osteosim.cli.app import app


@pytest.fixture(scope="module")
def result():
    return run_benchmark("Pivonka2008", patients=8, years=0.05, loop_patients=3, ref_patients=4, solver="Tsit5",
                         profile=False)


def test_json_has_the_contract_keys(result):
    assert result["model"] == "Pivonka2008" and result["patients"] == 8
    for e in ENGINES:
        r = result["results"][e]
        assert "patients_per_s" in r or "skipped" in r, e
    o = result["results"]["osteosim"]
    for k in ("patients_per_s", "max_rel_err", "compile_s", "timed_patients", "solver", "num_steps_mean"):
        assert k in o, k
    assert o["ok_all"] and o["max_rel_err"] < 1e-3
    assert result["results"]["scipy_loop"]["timed_patients"] == 3
    assert result["results"]["scipy_loop"]["method"] in ("LSODA", "BDF")
    for k in ("vs_scipy_loop", "vs_libroadrunner_loop"):
        assert result["ratios"][k] > 0
    assert result["tolerances"]["rtol"] == 1e-6 and result["scenario"]["span_days"] > 0
    for k in ("cpu_count", "jax", "scipy", "libroadrunner"):
        assert k in result["machine"]
    json.dumps(result)


def test_cli_bench_json_and_errors():
    runner = CliRunner()
    r = runner.invoke(app, ["bench", "--patients", "8", "--years", "0.05", "--engines", "osteosim",
                            "--solver", "Tsit5/shared", "--no-reference", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert set(out["results"]) == {"osteosim"} and out["results"]["osteosim"]["patients_per_s"] > 0
    assert out["results"]["osteosim"]["step_control"] == "shared"
    r = runner.invoke(app, ["bench", "--engines", "nope", "--json"])
    assert r.exit_code == 2 and "nope" in r.output
    r = runner.invoke(app, ["bench", "--engines", "osteosim", "--solver", "Tsit5/lockstep", "--json"])
    assert r.exit_code == 2 and "lockstep" in r.output


def test_startup_timing_reports_cold_and_warm_runs():
    from pathlib import Path

    from osteosim.bench import time_simulate_startup

    scen = Path(__file__).resolve().parents[2] / "examples" / "scenarios" / "komarova2003_single_cycle.yaml"
    s = time_simulate_startup(scen, runs=1)
    assert len(s["warm_runs"]) == 1 and s["first_run"]["wall_s"] > 0
    for k in ("wall_s", "cpu_s", "load_average_1min_before"):
        assert k in s["warm_runs"][0]
    assert s["warm_wall_s_median"] == s["warm_runs"][0]["wall_s"] and isinstance(s["met"], bool)
    with pytest.raises(ValueError, match="runs"):
        time_simulate_startup(scen, runs=0)


def test_osteosim_bench_compares_rodas5p_with_the_peer_loops_at_explicit_tolerances():
    """Issue 16: the full model through Rodas5P (production path) vs the libroadrunner and scipy loops in one run."""
    r = run_benchmark("Osteosim", patients=8, years=1.0, engines=("osteosim", "scipy_loop", "libroadrunner_loop"),
                      solver="Rodas5P", loop_patients=2, ref_patients=2, profile=False)
    o = r["results"]["osteosim"]
    assert o["solver"] == "Rodas5P" and o["path"].startswith("osteosim.solve.solve_chunked") and o["ok_all"]
    # tolerances are explicit per engine: Rodas5P at its bench setting, the peers at their usual one
    assert o["rtol"] == r["tolerances"]["rtol"] == 5e-6 and o["atol_scaled"] == 5e-8
    assert r["tolerances"]["peer_rtol"] == 1e-6 and "rule" in r["tolerances"]
    assert r["tolerances"]["reference"]["solver"] == "Kvaerno5" and r["tolerances"]["reference"]["patients"] == 2
    for e in ("scipy_loop", "libroadrunner_loop"):
        assert r["results"][e]["rtol"] == 1e-6
        assert r["ratios"][f"vs_{e}"] > 0 and r["ratios"]["cpu_time"][f"vs_{e}"] > 0
        assert r["accuracy"][e]["max_rel_err"] == r["results"][e]["max_rel_err"]
    for e in ("osteosim", "scipy_loop", "libroadrunner_loop"):
        assert 0 <= r["accuracy"][e]["max_rel_err"] < 1e-3 and isinstance(r["accuracy"][e]["meets"], bool)
        assert "loadavg_1min_before" in r["results"][e] and "loadavg_1min_after" in r["results"][e]
    assert r["ratio_basis"].startswith("one process")
    assert r["load"]["cpu_count"] >= 1 and "loadavg_1min_before" in r["load"] and "loadavg_1min_after" in r["load"]
    assert set(r["targets"]["met"]) == {"vs_libroadrunner_loop", "vs_libroadrunner_loop_all_cores",
                                        "max_rel_err_every_engine"}
    json.dumps(r)


def test_auto_pick_tries_rodas5p_on_the_full_model_only():
    from osteosim.bench.osteosim_engine import candidates, default_rtol
    from osteosim.models.base import get_model

    assert "Rodas5P" in candidates(get_model("Osteosim")) and "Tsit5" not in candidates(get_model("Osteosim"))
    assert "Rodas5P" not in candidates(get_model("Pivonka2008"))
    assert default_rtol("Rodas5P") == 5e-6 and default_rtol("Tsit5/shared") == 1e-6
    with pytest.raises(ValueError, match="--peer-rtol"):
        run_benchmark("Pivonka2008", patients=8, years=0.05, engines=("osteosim",), peer_rtol=2.0)


def test_cli_quick_osteosim_bench_writes_json_and_markdown(tmp_path):
    out = tmp_path / "bench.json"
    r = CliRunner().invoke(app, ["bench", "--model", "Osteosim", "--quick", "--engines", "osteosim,scipy_loop",
                                 "--solver", "Rodas5P", "--rounds", "2", "--out", str(out)])
    assert r.exit_code == 0, r.output
    res = json.loads(out.read_text())
    assert res["patients"] == 8 and res["years"] == 1.0 and res["tolerances"]["reference"]["patients"] == 2
    assert "profile" not in res and res["results"]["scipy_loop"]["timed_patients"] == 4
    assert "2 rounds" in res["ratio_basis"]
    for e in ("osteosim", "scipy_loop"):  # each engine keeps its fastest round
        rates = [x["patients_per_s"] for x in res["results"][e]["rounds"]]
        assert len(rates) == 2 and res["results"][e]["patients_per_s"] == max(rates)
    md = out.with_suffix(".md").read_text()
    assert "| scipy_loop | 1e-06 |" in md and "1-min load" in md and "per core" in md
    assert "osteosim / scipy_loop" in r.output


def test_plan_times_every_core_only_with_enough_patients_per_worker():
    from osteosim.bench.osteosim_engine import MIN_PER_WORKER, _plan, _worker_block

    assert _plan(1000, None, 2) == (1000, 2)  # one task in one process, two pinned workers as well
    assert _plan(MIN_PER_WORKER * 2 - 1, None, 2)[1] == 1  # too few patients for two workers
    assert _plan(5000, None, 2) == (1024, 2)
    assert _plan(8192, None, 2, max_block=4096) == (4096, 2)  # stiff models: one long Rodas5P queue per worker
    assert _worker_block(1000, 1000, 2) == 504  # one task per worker, lanes a multiple of 8
    assert _worker_block(5000, 1024, 2) == 1024  # never above the task size
