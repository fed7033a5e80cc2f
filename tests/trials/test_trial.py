"""Running trials: the output contract, determinism across chunk sizes and workers, resume after a kill."""
import json
import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest
import yaml

from osteosim.physiology.patient import SITES
from osteosim.trials import TrialSpec, run_trial
from osteosim.trials.store import StoreMismatch

from trial_helpers import BLOCK, tiny

KINDS = ("vertebral", "hip", "wrist", "nonvertebral", "any")


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The tiny trial run uninterrupted, in-process, in chunks of 8 patients."""
    out = tmp_path_factory.mktemp("ref")
    summary = run_trial(TrialSpec.from_mapping(tiny()), out, chunk_size=8, block=BLOCK)
    return out, summary, pd.read_parquet(out / "patients.parquet"), pd.read_parquet(out / "events.parquet")


def test_output_contract(reference):
    out, summary, patients, events = reference
    assert {"summary.json", "patients.parquet", "report.html"} <= {p.name for p in out.iterdir()}
    assert json.loads((out / "summary.json").read_text()) == summary
    for arm in ("placebo", "denosumab"):
        a = summary["arms"][arm]
        assert a["n"] == 48
        for site in SITES:
            for month in ("6", "12"):
                v = a["bmd_pct_change"][site][month]
                assert v["ci95"][0] <= v["mean"] <= v["ci95"][1] and v["sd"] >= 0
        for kind in KINDS:
            assert set(a["fractures"][kind]) >= {"events", "incidence"}
            assert a["fractures"][kind]["incidence"] == a["fractures"][kind]["events"] / 48
            assert set(a["relative_risk"][kind]) == {"rr", "ci95"}
    # one row per patient per visit (baseline and each visit) and arm
    assert len(patients) == 48 * 2 * 3
    assert patients.groupby(["arm", "patient"]).size().eq(3).all()
    assert len(events) == 48 * 2
    html = (out / "report.html").read_text()
    assert "Kaplan-Meier" in html and "<img" in html and "Fractures" in html


def test_treatment_acts_through_bmd(reference):
    _, summary, patients, events = reference
    den, pbo = summary["arms"]["denosumab"], summary["arms"]["placebo"]
    assert den["bmd_pct_change"]["lumbar_spine"]["12"]["mean"] > pbo["bmd_pct_change"]["lumbar_spine"]["12"]["mean"] + 2
    # same patients and draws in both arms: higher BMD can only remove fractures (common random numbers)
    e = events.set_index(["arm", "patient"])
    for kind in ("vertebral", "hip"):
        treated = e.loc["denosumab", f"time_{kind}"].notna()
        control = e.loc["placebo", f"time_{kind}"].notna()
        assert not (treated & ~control).any()
    base = patients[patients.month == 0].set_index(["arm", "patient"])
    pd.testing.assert_series_equal(base.loc["denosumab", "bmd_femoral_neck"], base.loc["placebo", "bmd_femoral_neck"])


def test_bmd_hazard_trial(reference, tmp_path):
    """fracture_hazard: bmd (the FRAX-style alternative to the default load over strength): the same patients
    and BMD, fractures from the BMD gradient of risk."""
    _, default, patients, events = reference
    assert "load over strength" in default["method"]["fracture_model"]
    assert "Kopperdahl2014" in {c["key"] for c in default["citations"]}
    data = tiny()
    data["population"] = {**data["population"], "fracture_hazard": "bmd"}
    summary = run_trial(TrialSpec.from_mapping(data), tmp_path, chunk_size=8, block=BLOCK)
    assert "treatments act through the simulated BMD;" in summary["method"]["fracture_model"]
    assert "Kopperdahl2014" not in {c["key"] for c in summary["citations"]}
    key = ["arm", "patient", "month"]
    p2 = pd.read_parquet(tmp_path / "patients.parquet").sort_values(key).reset_index(drop=True)
    p1 = patients.sort_values(key).reset_index(drop=True)
    bmd = [c for c in p1.columns if c.startswith(("bmd", "strength"))]
    pd.testing.assert_frame_equal(p1[bmd], p2[bmd])
    assert len(pd.read_parquet(tmp_path / "events.parquet")) == len(events)


def test_same_numbers_any_chunk_size(reference, tmp_path):
    _, summary, patients, _ = reference
    again = run_trial(TrialSpec.from_mapping(tiny()), tmp_path, chunk_size=24, block=BLOCK)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "patients.parquet"), patients, check_exact=True)
    assert again["arms"] == summary["arms"]


def test_cancel_then_resume(reference, tmp_path):
    _, _, patients, _ = reference
    seen = []
    r = run_trial(TrialSpec.from_mapping(tiny()), tmp_path, chunk_size=8, block=BLOCK,
                  progress=lambda done, total: seen.append((done, total)), should_stop=lambda: len(seen) >= 2)
    assert r["cancelled"] and 0 < r["done_patients"] < 48
    assert not (tmp_path / "patients.parquet").exists()
    run_trial(TrialSpec.from_mapping(tiny()), tmp_path, chunk_size=16, block=BLOCK)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "patients.parquet"), patients, check_exact=True)


def test_other_trial_in_same_out_is_refused(reference):
    out = reference[0]
    with pytest.raises(StoreMismatch, match="another digest"):
        run_trial(TrialSpec.from_mapping(tiny(seed=99)), out, chunk_size=8, block=BLOCK)


def test_resume_after_killing_a_real_run(reference, tmp_path):
    """`osteosim trial --workers 2` killed (SIGKILL, whole process group) after its first chunks; running
    the trial again into the same folder resumes; the result equals the uninterrupted in-process run exactly
    (so worker processes and chunk sizes give the same numbers too)."""
    _, _, patients, _ = reference
    trial = tmp_path / "tiny.yaml"
    trial.write_text(yaml.safe_dump(tiny(), sort_keys=False))
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "osteosim", "trial", str(trial), "--out", str(out), "--chunk-size", "8",
           "--block", str(BLOCK)]
    proc = subprocess.Popen(cmd + ["--workers", "2"], start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 240
        while time.time() < deadline and proc.poll() is None:
            parts = list((out / "parts").glob("events-*.parquet")) if (out / "parts").exists() else []
            if len(parts) >= 2:
                break
            time.sleep(0.02)
        assert proc.poll() is None, f"the run ended before it could be killed: {proc.stderr.read().decode()[-500:]}"
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert not (out / "patients.parquet").exists()
    done = len(list((out / "parts").glob("events-*.parquet")))
    assert 2 <= done < 6
    run_trial(TrialSpec.from_yaml(trial), out, chunk_size=16, block=BLOCK)  # the same trial resumed, in-process
    pd.testing.assert_frame_equal(pd.read_parquet(out / "patients.parquet"), patients, check_exact=True)


def test_existing_cluster_by_scheduler_address(reference, tmp_path):
    """``--scheduler ADDRESS``: the chunks go to a cluster the run did not start (here a one-worker
    cluster in this process, reached over TCP by its address); same numbers as the in-process run."""
    from dask.distributed import LocalCluster

    _, _, patients, _ = reference
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0",
                      protocol="tcp", silence_logs=40) as cluster:
        run_trial(TrialSpec.from_mapping(tiny()), tmp_path, chunk_size=16, block=BLOCK,
                  scheduler=cluster.scheduler_address)
        assert cluster.scheduler_address.startswith("tcp://")
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "patients.parquet"), patients, check_exact=True)
