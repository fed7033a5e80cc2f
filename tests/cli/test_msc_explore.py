"""osteosim msc-explore: the real entry point on a small grid, the ranking, and one-line user errors."""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from osteosim.cli.app import main
from osteosim.physiology.patient import SITES, Patient
from osteosim.simulation import Simulation
from osteosim.trials.msc_explore import DEFAULT_PATIENT, build_designs, explore

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def entry_point() -> list[str]:
    exe = Path(sys.executable).parent / "osteosim"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "osteosim"]


def test_entry_point_small_grid(tmp_path):
    out = tmp_path / "explore"
    proc = subprocess.run(
        entry_point() + ["msc-explore", "--out", str(out), "--sources", "bone-marrow", "--routes", "iv,intraosseous",
                         "--doses", "1e7 cells/kg", "--schedules", "every 6 months for 1 year", "--draws", "3"],
        capture_output=True, text=True, timeout=400, cwd=tmp_path, env=dict(os.environ, COLUMNS="160"))
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "hypothetical" in proc.stdout and "bone-marrow IO LS" in proc.stdout
    assert sorted(p.name for p in out.iterdir()) == ["explore.csv", "explore.json", "explore.png"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["explore"]  # no temporaries
    t = pd.read_csv(out / "explore.csv")
    assert list(t["rank"]) == [1, 2, 3]
    assert set(t["design"]) == {"no treatment", "bone-marrow iv", "bone-marrow intraosseous LS"}
    key = "lumbar_spine_5y_p50"
    assert list(t[key]) == sorted(t[key], reverse=True)
    for site in SITES:
        for yr in (2, 5):
            lo, mid, hi = (t[f"{site}_{yr}y_{q}"] for q in ("p05", "p50", "p95"))
            assert (lo <= mid).all() and (mid <= hi).all()
    rows = t.set_index("design")
    # mechanism, not a number: cells injected into the spine raise spine BMD over no treatment, far
    # more than at the hip (reached only by secreted factors); the no-MSC reference has no MSC
    # uncertainty (one lane)
    io, none = rows.loc["bone-marrow intraosseous LS"], rows.loc["no treatment"]
    assert io["lumbar_spine_2y_p05"] > none["lumbar_spine_2y_p50"]
    gain = {s: io[f"{s}_2y_p50"] - none[f"{s}_2y_p50"] for s in ("lumbar_spine", "total_hip")}
    assert gain["lumbar_spine"] > 3.0 * abs(gain["total_hip"])
    assert none["draws"] == 1 and io["draws"] == 3 and io["lumbar_spine_2y_p95"] > io["lumbar_spine_2y_p05"]
    meta = json.loads((out / "explore.json").read_text())
    assert meta["rank_site"] == "lumbar_spine" and meta["draws"] == 3 and meta["patient"]["age"] == 68
    assert len(meta["table"]) == 3 and "hypothetical" in meta["note"]
    assert (out / "explore.png").read_bytes()[:8] == PNG_MAGIC


def test_explorer_lane_matches_a_plain_simulation():
    """The shared history + per-design lanes give what `simulate` gives for the same regimen."""
    designs = build_designs(["adipose"], ["intraosseous"], ["1e7"], ["every 6 months for 1 year"])
    res = explore(designs=designs, draws=1)
    row = res.table.set_index("design").loc["adipose intraosseous LS"]
    plain = Simulation(patient=Patient(**DEFAULT_PATIENT), regimen=list(designs[-1].regimen), years=5,
                       saves_per_year=1).solve().timeseries
    for yr in (2, 5):
        for site in SITES:
            b = plain[f"bmd_{site}"].to_numpy()
            expected = 100.0 * (b[yr] / b[0] - 1.0)
            assert row[f"{site}_{yr}y_p50"] == pytest.approx(expected, abs=2e-3)
    assert np.isclose(row["lumbar_spine_2y_p05"], row["lumbar_spine_2y_p95"])


def test_combined_with_a_drug(capsys, tmp_path):
    with pytest.raises(SystemExit) as ei:
        main(["msc-explore", "--out", str(tmp_path / "o"), "--sources", "bm", "--routes", "intraosseous",
              "--doses", "1e7", "--schedules", "once", "--draws", "2", "--json",
              "--with", "denosumab 60 mg every 6 months for 5 years"])
    assert ei.value.code == 0
    rows = {r["design"]: r for r in json.loads(capsys.readouterr().out)}
    assert set(rows) == {"no treatment", "denosumab alone", "bone-marrow intraosseous LS"}
    both = rows["bone-marrow intraosseous LS"]
    assert both["regimen"].endswith("; denosumab 60 mg every 6 months for 5 years")
    # the cells add to the drug at the injected site
    ls = {k: r["lumbar_spine_2y_p50"] for k, r in rows.items()}
    assert ls["bone-marrow intraosseous LS"] > ls["denosumab alone"] > ls["no treatment"]
    assert [r["rank"] for r in rows.values()] == [1, 2, 3]


@pytest.mark.parametrize("args, expected", [
    (["--sources", "plasma"], "error: --sources: 'plasma' is not an MSC source"),
    (["--routes", "oral"], "error: --routes: 'oral' is not allowed; allowed: iv, intraosseous"),
    (["--doses", "1e20 cells/kg"], "error: --doses: '1e20 cells/kg' is not allowed"),
    (["--schedules", "now and then"], "error: --schedules: 'now and then' is not allowed"),
    (["--with", "msc adipose 1e6 cells/kg iv once"], "error: --with:"),
    (["--with", "denosumab 60 gallons once"], "error: --with:"),
    (["--draws", "0"], "error: --draws: 0 is not allowed"),
    (["--donor", "autologous", "--sources", "umbilical-cord"], "error: --sources: 'umbilical-cord' is not allowed"),
    (["--age", "130"], "error: age: 130.0 is outside the allowed range"),
    (["--scenario", "missing.yaml"], "error: scenario: file not found: missing.yaml"),
])
def test_bad_input_is_one_line_exit_2_nothing_written(args, expected, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as ei:
        main(["msc-explore", "--out", "o/x"] + args)
    assert ei.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(expected) and err.count("\n") == 1, err
    assert list(tmp_path.iterdir()) == []
