"""The command line: the real entry point for a run and an error, CliRunner for the rest.

Every user error must end with exit code 2, exactly one line on stderr and no
output directory (nor its parents) left behind.
"""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from osteosim.cli.app import app, main
from osteosim.io_utils import atomic_output_dir, atomic_write_json
from osteosim.models.base import MODEL_REGISTRY
from osteosim.physiology.patient import SITES

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "scenarios"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
HAS_OSTEOSIM = "Osteosim" in MODEL_REGISTRY
needs_osteosim = pytest.mark.skipif(not HAS_OSTEOSIM, reason="the patient-driven model Osteosim is not registered yet")

runner = CliRunner()


def entry_point() -> list[str]:
    exe = Path(sys.executable).parent / "osteosim"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "osteosim"]


def write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


def assert_nothing_written(tmp_path: Path, keep=("s.yaml", "scen.yaml")) -> None:
    left = sorted(p.name for p in tmp_path.iterdir() if p.name not in keep)
    assert left == [], f"left behind: {left}"


# ----------------------------------------------------------------------------
# the real entry point: one successful classic run and one error (each starts a new Python + JAX)
def test_entry_point_simulate_classic_json(tmp_path):
    scen = write(tmp_path, "model: Komarova2003\nyears: 0.5\ninitial_state: {C: 12}\n", "scen.yaml")
    out = tmp_path / "run"
    proc = subprocess.run(entry_point() + ["simulate", str(scen), "--out", str(out), "--json"],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    printed = json.loads(proc.stdout)
    assert sorted(p.name for p in out.iterdir()) == ["plot.png", "summary.json", "timeseries.csv"]
    assert json.loads((out / "summary.json").read_text()) == printed
    assert printed["model"] == "Komarova2003" and printed["solver_ok"] is True
    df = pd.read_csv(out / "timeseries.csv")
    assert list(df.columns[:4]) == ["t_years", "t_days", "C", "B"]
    assert df.C.iloc[0] == pytest.approx(12.0)
    assert (out / "plot.png").read_bytes()[:8] == PNG_MAGIC
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run", "scen.yaml"]  # no temporaries


def test_entry_point_user_error_is_one_line(tmp_path):
    scen = write(tmp_path, "model: Komarova2003\nyeras: 2\n")
    out = tmp_path / "new" / "out"
    proc = subprocess.run(entry_point() + ["simulate", str(scen), "--out", str(out)],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr == "error: unknown key 'yeras'; did you mean 'years'?\n"
    assert proc.stdout == ""
    assert_nothing_written(tmp_path)


# ----------------------------------------------------------------------------
# main(): usage errors become one line and exit 2 as well
@pytest.mark.parametrize(
    "argv, expected",
    [
        (["simulate", "x.yaml"], "error: Missing option '--out'"),
        (["simulate", "x.yaml", "--out", "o", "--ensemble", "many"], "error: Invalid value for '--ensemble'"),
        (["frobnicate"], "error: No such command 'frobnicate'"),
        (["params", "Nope"], "error: model: unknown model 'Nope'"),
        (["simulate", "missing.yaml", "--out", "o"], "error: scenario: file not found: missing.yaml"),
    ],
)
def test_main_usage_errors(argv, expected, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as ei:
        main(argv)
    assert ei.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(expected) and err.count("\n") == 1, err
    assert list(tmp_path.iterdir()) == []


def test_main_help_and_version(capsys):
    with pytest.raises(SystemExit) as ei:
        main(["--version"])
    assert ei.value.code == 0
    assert capsys.readouterr().out.startswith("osteosim ")
    with pytest.raises(SystemExit) as ei:
        main(["--help"])
    assert ei.value.code == 0
    assert "simulate" in capsys.readouterr().out


# ----------------------------------------------------------------------------
# bad scenarios through the command: exit 2, one line, nothing written
BAD = {
    "unknown_top_key": ("model: Komarova2003\nyeras: 2\n", "unknown key 'yeras'; did you mean 'years'?"),
    "unknown_patient_key": ("patient:\n  agee: 50\n", "patient: unknown key 'agee'; did you mean 'age'?"),
    "unknown_parameter": ("model: Komarova2003\nparameters: {alpah1: 2}\n",
                          "parameters: unknown key 'alpah1'; did you mean 'alpha1'?"),
    "wrong_type": ("patient:\n  age: old\n", "patient.age: 'old' is not allowed"),
    "wrong_type_years": ("model: Komarova2003\nyears: ten\n", "years: 'ten' is not allowed"),
    "age_out_of_range": ("patient:\n  age: 130\n", "patient.age: 130"),
    "menopause_for_male": ("patient:\n  sex: male\n  menopause_age: 50\n", "patient.menopause_age: 50"),
    "bad_regimen": ("patient:\n  age: 60\nregimen: ['frobnicate 5 mg daily']\n", "regimen"),
    "nonexistent_model": ("model: Komarova2030\n", "model: unknown model 'Komarova2030'; did you mean 'Komarova2003'?"),
    "yaml_error": ("model: Komarova2003\nyears: [1\n", "invalid YAML at line"),
    "classic_with_patient": ("model: Komarova2003\npatient: {age: 60}\n", "patient: model 'Komarova2003' is a classic"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_scenarios_exit_2_one_line_nothing_written(case, tmp_path):
    text, expected = BAD[case]
    if case == "bad_regimen" and not HAS_OSTEOSIM:  # patient fields are checked before the model
        pytest.skip("a patient scenario with a regimen needs Osteosim")
    scen = write(tmp_path, text)
    out = tmp_path / "a" / "b" / "out"
    r = runner.invoke(app, ["simulate", str(scen), "--out", str(out)])
    assert r.exit_code == 2, r.output
    if case == "yaml_error":  # names the file and the line
        assert r.stderr.startswith(f"error: {scen}: invalid YAML at line 3"), r.stderr
    else:
        assert r.stderr.startswith("error: " + expected), r.stderr
    assert r.stderr.count("\n") == 1
    if case == "bad_regimen":
        assert "'frobnicate'" in r.stderr  # the error points at the word
    assert r.stdout == ""
    assert_nothing_written(tmp_path)


def test_missing_file_and_bad_out(tmp_path):
    r = runner.invoke(app, ["simulate", str(tmp_path / "nope.yaml"), "--out", str(tmp_path / "o")])
    assert r.exit_code == 2 and r.stderr.startswith("error: scenario: file not found:")
    assert list(tmp_path.iterdir()) == []
    scen = write(tmp_path, "model: Komarova2003\nyears: 0.1\n")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    r = runner.invoke(app, ["simulate", str(scen), "--out", str(blocker)])
    assert r.exit_code == 2 and "is not a directory" in r.stderr and r.stderr.count("\n") == 1
    assert blocker.read_text() == "x"


@pytest.mark.parametrize("n, expected", [("3", "--ensemble: not available yet"), ("0", "--ensemble: 0 is not allowed")])
def test_ensemble_option(n, expected, tmp_path):
    scen = write(tmp_path, "model: Komarova2003\n")
    r = runner.invoke(app, ["simulate", str(scen), "--out", str(tmp_path / "o"), "--ensemble", n])
    assert r.exit_code == 2 and r.stderr.startswith("error: " + expected) and r.stderr.count("\n") == 1
    assert_nothing_written(tmp_path)


def test_existing_out_dir_keeps_other_files(tmp_path):
    scen = write(tmp_path, "model: Komarova2003\nyears: 0.1\n")
    out = tmp_path / "o"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    (out / "summary.json").write_text("old")
    r = runner.invoke(app, ["simulate", str(scen), "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "wrote" in r.stdout
    assert (out / "notes.txt").read_text() == "mine"
    assert json.loads((out / "summary.json").read_text())["model"] == "Komarova2003"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o", "s.yaml"]


def test_solver_breakdown_is_one_line_exit_1(tmp_path, monkeypatch):
    from osteosim.simulation import Simulation

    def boom(self):
        raise RuntimeError("solver failed for this patient")

    monkeypatch.setattr(Simulation, "solve", boom)
    scen = write(tmp_path, "model: Komarova2003\n")
    r = runner.invoke(app, ["simulate", str(scen), "--out", str(tmp_path / "o")])
    assert r.exit_code == 1 and r.stderr == "error: solver failed for this patient\n"
    assert_nothing_written(tmp_path)


# ----------------------------------------------------------------------------
# models, params, citations
def test_models_table():
    r = runner.invoke(app, ["models"])
    assert r.exit_code == 0
    for name in MODEL_REGISTRY:
        assert name in r.stdout
    assert "C, B, z" in r.stdout


def test_params_table_and_markdown():
    r = runner.invoke(app, ["params", "Komarova2003"])
    assert r.exit_code == 0
    assert "alpha1" in r.stdout and "cells/day" in r.stdout and "BIOMD0000000148" in r.stdout
    r = runner.invoke(app, ["params", "komarova2003", "--markdown"])
    assert r.exit_code == 0
    assert r.stdout.startswith("### Parameter set `Komarova2003`")
    assert "| `alpha1` | 3 | cells/day |" in r.stdout
    r = runner.invoke(app, ["params", "Nope"])
    assert r.exit_code == 2 and r.stderr.startswith("error: model: unknown model 'Nope'") and r.stdout == ""


def test_citations():
    from osteosim import citations

    r = runner.invoke(app, ["citations", "--all"])
    assert r.exit_code == 0
    keys = [line.split("]")[0][1:] for line in r.stdout.splitlines() if line.startswith("[")]
    assert keys == [c.key for c in citations.all_citations()]
    r = runner.invoke(app, ["citations"])
    assert r.exit_code == 0 and "[osteosim]" in r.stdout
    if HAS_OSTEOSIM:  # a default run's references, not every one
        assert len([ln for ln in r.stdout.splitlines() if ln.startswith("[")]) <= len(keys)



def test_a_run_writes_and_lists_its_full_references(tmp_path):
    scen = write(tmp_path, "model: Komarova2003\nyears: 0.1\n")
    r = runner.invoke(app, ["simulate", str(scen), "--out", str(tmp_path / "o")])
    assert r.exit_code == 0, r.output
    assert "references used: 3" in r.stdout
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert [c["key"] for c in summary["citations"]] == ["osteosim", "Komarova2003", "BIOMD0000000148"]
    assert summary["citations"][1]["journal"] == "Bone" and summary["citations"][1]["year"] == 2003
    r = runner.invoke(app, ["citations", str(tmp_path / "o" / "summary.json")])
    assert r.exit_code == 0
    lines = r.stdout.splitlines()
    assert len(lines) == 3 and lines[1].startswith("[Komarova2003] Komarova SV") and "Bone 2003;33(2):206-215" in lines[1]
    r = runner.invoke(app, ["citations", str(scen)])  # not a summary: one line, exit 2
    assert r.exit_code == 2 and r.stderr.startswith("error: summary:") and r.stderr.count("\n") == 1

# ----------------------------------------------------------------------------
# patient path (runs once Osteosim is registered); both use 20 years so the model compiles once
CONTRACT_COLUMNS = ["t_years", "age"] + [f"{k}_{s}" for s in SITES for k in ("bmd", "tscore")] + [
    "ctx", "p1np", "marrow_fat_fraction"]


@needs_osteosim
def test_simulate_patient_scenario(tmp_path):
    scen = write(tmp_path, (EXAMPLES / "postmenopausal_high_risk.yaml").read_text())
    out = tmp_path / "run"
    r = runner.invoke(app, ["simulate", str(scen), "--out", str(out), "--json"])
    assert r.exit_code == 0, r.output
    summary = json.loads(r.stdout)
    assert summary == json.loads((out / "summary.json").read_text())
    df = pd.read_csv(out / "timeseries.csv")
    assert list(df.columns[:2]) == ["t_years", "age"]
    for c in CONTRACT_COLUMNS:
        assert c in df.columns, c
    assert df.age.iloc[0] == pytest.approx(52.0) and df.t_years.iloc[-1] == pytest.approx(20.0)
    assert np.isfinite(df[CONTRACT_COLUMNS].to_numpy()).all()
    assert (out / "plot.png").read_bytes()[:8] == PNG_MAGIC


@needs_osteosim
def test_demo_report(tmp_path):
    out = tmp_path / "demo"
    r = runner.invoke(app, ["demo", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "report:" in r.stdout and "References used" in r.stdout
    names = {p.name for p in out.iterdir()}
    assert {"report.html", "comparison.png", "summary.json"} <= names
    overview = json.loads((out / "summary.json").read_text())
    assert len(overview["patients"]) == 5
    for slug in overview["patients"]:
        d = out / slug
        assert sorted(p.name for p in d.iterdir()) == ["plot.png", "scenario.yaml", "summary.json", "timeseries.csv"]
        # each saved scenario runs again through `simulate`
        from osteosim.scenario import load_scenario

        assert load_scenario(d / "scenario.yaml").patient is not None
    html = (out / "report.html").read_text()
    assert "osteopenia" in html and "comparison.png" in html and "Pivonka" in html
    # the surgical-menopause patient starts at 45
    assert overview["patients"]["surgical_menopause_45"]["trajectory"]["age_start"] == pytest.approx(45.0)


def test_demo_without_osteosim_is_one_line(tmp_path, monkeypatch):
    monkeypatch.delitem(MODEL_REGISTRY, "Osteosim", raising=False)
    r = runner.invoke(app, ["demo", "--out", str(tmp_path / "d")])
    assert r.exit_code == 2 and r.stderr.startswith("error: demo: the patient-driven model 'Osteosim'")
    assert list(tmp_path.iterdir()) == []


# ----------------------------------------------------------------------------
# atomic writes
def test_atomic_output_dir_error_leaves_nothing(tmp_path):
    target = tmp_path / "x" / "y" / "out"
    with pytest.raises(RuntimeError):
        with atomic_output_dir(target) as tmp:
            (tmp / "half.csv").write_text("a,b\n")
            raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_atomic_output_dir_publishes_whole(tmp_path):
    target = tmp_path / "out"
    with atomic_output_dir(target) as tmp:
        (tmp / "sub").mkdir()
        (tmp / "sub" / "a.txt").write_text("a")
        (tmp / "b.txt").write_text("b")
        assert not target.exists()  # nothing visible until the block ends
    assert (target / "sub" / "a.txt").read_text() == "a" and (target / "b.txt").read_text() == "b"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_atomic_write_json_sanitises(tmp_path):
    p = atomic_write_json(tmp_path / "s.json", {"a": np.float64(1.5), "b": float("nan"), "c": np.arange(2)})
    assert json.loads(p.read_text()) == {"a": 1.5, "b": None, "c": [0, 1]}
    assert sorted(x.name for x in tmp_path.iterdir()) == ["s.json"]


def test_export_sbml_command(tmp_path):
    out = tmp_path / "k.xml"
    r = runner.invoke(app, ["export-sbml", "Komarova2003", "--out", str(out)])
    assert r.exit_code == 0, r.output
    text = out.read_text()
    assert "<sbml" in text and "rateRule" in text
    bad = runner.invoke(app, ["export-sbml", "NoSuchModel", "--out", str(tmp_path / "x.xml")])
    assert bad.exit_code != 0
    assert not (tmp_path / "x.xml").exists()


def test_simulate_versus_untreated_needs_a_regimen(tmp_path):
    """--versus-untreated compares the scenario's regimen with no treatment: without a regimen it is an error
    that names the option, and nothing is written."""
    out = tmp_path / "out"
    res = runner.invoke(app, ["simulate", str(EXAMPLES / "man_52.yaml"), "--out", str(out), "--versus-untreated"])
    assert res.exit_code != 0
    assert "--versus-untreated" in res.output and "regimen" in res.output
    assert not out.exists()


def test_trial_hazard_option_refuses_unknown_names(tmp_path):
    tpl = Path(__file__).resolve().parents[2] / "examples" / "trials" / "freedom_like.yaml"
    r = runner.invoke(app, ["trial", str(tpl), "--out", str(tmp_path / "o"), "--hazard", "frax"])
    assert r.exit_code == 2
    assert "--hazard: 'frax' is not allowed (bmd or strength)" in r.output
    assert not (tmp_path / "o" / "summary.json").exists()


def test_calibrate_hazard_check_and_table():
    r = runner.invoke(app, ["calibrate", "--hazard", "--check"])
    assert r.exit_code == 0, r.output
    assert "stored vs re-derived (strength hazard fit)" in r.output and "hazard_sigma_hip" in r.output
    r = runner.invoke(app, ["calibrate", "--hazard"])
    assert r.exit_code == 0 and "GR strength" in r.output and "hazard_sigma_vertebral" in r.output


def test_calibrate_takes_one_fit():
    r = runner.invoke(app, ["calibrate", "--hazard", "--radius"])
    assert r.exit_code == 2 and "give one of" in r.output


def test_calibrate_cavity_table_and_check(tmp_path):
    """The generic path (calibration.stored_fit's verbs) on a one-solve fit: its table, values line and check."""
    r = runner.invoke(app, ["calibrate", "--cavity"])
    assert r.exit_code == 0, r.output
    assert "resorption-cavity stress riser" in r.output and "cavity_coefficient_total_hip = " in r.output
    r = runner.invoke(app, ["calibrate", "--cavity", "--check"])
    assert r.exit_code == 0, r.output
    assert "stored vs re-derived (cavity fit)" in r.output


def test_validate_c_row_line_counts_only_c_rows():
    """Only calibration-targets.csv rows marked use C count; a V row or a marker row outside the file does not."""
    from osteosim.cli.validate import c_row_line
    from osteosim.trials.targets import load_targets

    targets = load_targets()
    c_ids = [k for k, t in targets.items() if t.use == "C"][:3]
    v_id = next(k for k, t in targets.items() if t.use == "V")
    rows = [(c_ids[0], 0.0, "", 1.0, True, ""), (c_ids[1], 0.0, "", 1.0, False, ""), (c_ids[2], 0.0, "", 1.0, True, ""),
            (v_id, 0.0, "", 1.0, False, ""), ("romo_ctx_12", 0.0, "", 1.0, False, "")]
    assert c_row_line(rows) == f"C rows (calibration-targets.csv use C) within tolerance: 2 of 3 (67 %); misses: {c_ids[1]}"
