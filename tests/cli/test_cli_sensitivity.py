"""osteosim sensitivity: the real entry point on tiny cases (a classic model, the healing callus) and
one-line user errors that leave nothing behind."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from osteosim.cli.app import main

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
ROOT = Path(__file__).resolve().parents[2]
PIVONKA = ROOT / "examples" / "scenarios" / "pivonka2008_pth.yaml"
FILES = ["indices.csv", "report.html", "runs.parquet", "sensitivity.png", "summary.json"]


def entry_point() -> list[str]:
    exe = Path(sys.executable).parent / "osteosim"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "osteosim"]


def run(args, cwd):
    return subprocess.run(entry_point() + args, capture_output=True, text=True, timeout=600, cwd=cwd,
                          env=dict(os.environ, COLUMNS="160"))


def test_entry_point_sobol_on_a_classic_model(tmp_path):
    out = tmp_path / "sa"
    proc = run(["sensitivity", str(PIVONKA), "--params", "A_OCa,D_OBp,D_OCp", "--bounds", "A_OCa=0.5:0.9",
                "--bounds", "D_OCp=normal:0.0021:0.0002",
                "--output", "pct_change(BV, 0.5)", "--method", "sobol", "--n", "8", "--seed", "7", "--out", str(out)],
               tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "pct_change(BV, 0.5)" in proc.stdout and "S1" in proc.stdout and "ST_conf" in proc.stdout
    assert "ranges assumed" in proc.stdout and "references used:" in proc.stdout
    assert sorted(p.name for p in out.iterdir()) == FILES
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sa"]  # no temporaries
    t = pd.read_csv(out / "indices.csv")
    assert list(t.columns[:6]) == ["parameter", "rank", "S1", "S1_conf", "ST", "ST_conf"]
    assert sorted(t["parameter"]) == ["A_OCa", "D_OBp", "D_OCp"] and list(t["rank"]) == [1, 2, 3]
    a = t.set_index("parameter").loc["A_OCa"]
    assert (a["low"], a["high"], a["range_source"]) == (0.5, 0.9, "given by the user")
    assert t.set_index("parameter").loc["D_OCp", "distribution"] == "normal(mean=0.0021, sd=0.0002)"
    assert "(normal(mean=0.0021, sd=0.0002))" in proc.stdout
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == 8 * 5 and list(runs.columns) == ["A_OCa", "D_OBp", "D_OCp", "pct_change(BV, 0.5)"]
    s = json.loads((out / "summary.json").read_text())
    assert (s["method"], s["n"], s["seed"], s["runs"]) == ("sobol", 8, 7, 40)
    assert s["output"]["output"] == "pct_change(BV, 0.5)" and "Pivonka2008" in s["target"]
    assert {"Saltelli2010", "Herman2017", "Pivonka2008"} <= {c["key"] for c in s["citations"]}
    assert (out / "sensitivity.png").read_bytes()[:8] == PNG_MAGIC
    html = (out / "report.html").read_text()
    assert "<table>" in html and "A_OCa" in html and "data:image/png;base64," in html and "Saltelli" in html
    # the references line's command resolves every key of the summary
    cites = run(["citations", str(out / "summary.json")], tmp_path)
    assert cites.returncode == 0, cites.stderr
    assert "[Saltelli2010]" in cites.stdout and "[Pivonka2008]" in cites.stdout


def test_healing_scenario_with_default_output(tmp_path, capsys):
    scen = tmp_path / "heal.yaml"
    scen.write_text("fracture: {gap_mm: 2, geometry: line}\nweeks: 14\n")
    out = tmp_path / "sa"
    main_rc(["sensitivity", str(scen), "--params", "time_scale_days,cortex_thickness", "--bounds",
             "time_scale_days=9:13", "--method", "morris", "--n", "4", "--json", "--out", str(out)])
    rows = json.loads(capsys.readouterr().out)
    assert [r["parameter"] for r in rows] == ["time_scale_days", "cortex_thickness"]
    assert rows[0]["mu_star"] > 0.0 and rows[1]["mu_star"] == 0.0
    assert json.loads((out / "summary.json").read_text())["output"]["output"] == "union_time"


def main_rc(argv) -> None:
    with pytest.raises(SystemExit) as ei:
        main(argv)
    assert ei.value.code == 0


@pytest.mark.parametrize("argv, expected", [
    (["--params", "A_OCa,D_OBp"], "error: SCENARIO: give a scenario file"),
    (["--model", "Osteosim", "--params", "bp_ec50"], "error: --model: Osteosim needs a patient"),
    (["--model", "Nope", "--params", "x"], "error: model: unknown model 'Nope'"),
    ([str(PIVONKA), "--params", "A_OCa,D_OBq", "--output", "value(BV, 1)"],
     "error: parameters: unknown parameter 'D_OBq' of Pivonka2008; did you mean D_OBu, D_OBp"),
    ([str(PIVONKA), "--params", "A_OCa,D_OBp", "--output", "value(BV, 1)", "--method", "fast"],
     "error: method: 'fast' is not allowed; allowed: morris, sobol"),
    ([str(PIVONKA), "--params", "A_OCa,D_OBp", "--output", "value(BV, 1)", "--n", "100"],
     "error: n: 100 is not allowed for sobol (a power of two >= 8"),
    ([str(PIVONKA), "--params", "A_OCa,D_OBp", "--output", "value(BV, 1)", "--bounds", "A_OCa=1"],
     "error: --bounds: 'A_OCa=1' is not allowed (write NAME=LOW:HIGH, NAME=normal:MEAN:SD[:LOW:HIGH]"),
    ([str(PIVONKA), "--params", "A_OCa,D_OBp", "--output", "value(BV, 1)", "--bounds", "A_OCa=normal:0.7:-1"],
     "error: parameters.A_OCa: sd -1 is not allowed (sd > 0)"),
    ([str(PIVONKA), "--params", "A_OCa,D_OBp", "--output", "value(BV, 1)", "--bounds", "A_OCa=triangular:1:2:3:4"],
     "error: --bounds: 'A_OCa=triangular:1:2:3:4' gives 4 numbers to triangular (allowed: LOW:MODE:HIGH)"),
    ([str(PIVONKA), "--params", "A_OCa,D_OBp", "--output", "value(BV, 1)", "--bounds", "A_OCa=2:1"],
     "error: parameters.A_OCa: bounds (2, 1) are not allowed (two finite numbers with low < high)"),
    ([str(PIVONKA), "--params", "A_OCa,D_OBp", "--output", "value(BV, 1)", "--bounds", "D_OCp=1:2"],
     "error: --bounds: D_OCp not in --params"),
    ([str(PIVONKA), "--params", "A_OCa,D_OBp", "--output", "bmd(1)"], "error: output: unknown output 'bmd'"),
    ([str(PIVONKA), "--params", "A_OCa,D_OBp"], "error: --output: needed for the classic model Pivonka2008"),
    ([str(PIVONKA), "--params", "A_OCa,D_OBp", "--output", "value(bone, 1)"],
     "error: output: Pivonka2008 has no state or output 'bone'"),
    (["missing.yaml", "--params", "a,b"], "error: file not found: missing.yaml"),
    ([str(PIVONKA), "--params", "A_OCa,D_OBp", "--output", "value(BV, 1)", "--versus", "none"],
     "error: versus: a comparator regimen needs a patient model (got Pivonka2008 (classic model))"),
    ([str(ROOT / "examples" / "scenarios" / "msc_iv.yaml"), "--params", "bp_ec50,msc_niche_capacity",
      "--versus", "alendronate 70 mg weakly"], "error: "),
])
def test_user_errors_are_one_line_and_write_nothing(argv, expected, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as ei:
        main(["sensitivity", *argv, "--out", "o"])
    assert ei.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(expected) and err.count("\n") == 1, err
    assert list(tmp_path.iterdir()) == []


def test_bounds_forms():
    from osteosim.cli.sensitivity import _parse_bounds

    assert _parse_bounds(["a=1:2", "b=normal:0.5:0.1", "c=lognormal:1e-3:3:1e-5:1e-2", "d=triangular:0:1:3"]) == {
        "a": (1.0, 2.0), "b": {"distribution": "normal", "mean": "0.5", "sd": "0.1"},
        "c": {"distribution": "lognormal", "median": "1e-3", "gsd": "3", "low": "1e-5", "high": "1e-2"},
        "d": {"distribution": "triangular", "low": "0", "mode": "1", "high": "3"}}


def test_versus_forms():
    from osteosim.cli.sensitivity import _versus

    assert _versus(None) is None and _versus("none") == [] and _versus("a; b") == ["a", "b"]
