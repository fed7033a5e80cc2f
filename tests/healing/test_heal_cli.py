"""`osteosim heal` through the installed entry point."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np


def entry_point() -> list[str]:
    exe = Path(sys.executable).parent / "osteosim"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "osteosim"]


def test_heal_writes_summary_fields_pngs_and_gif(tmp_path):
    scen = tmp_path / "s.yaml"
    scen.write_text("fracture: {gap_mm: 2, condition: atrophic_nonunion, geometry: line}\nweeks: 16\n"
                    "treatment: ['msc bone-marrow allogeneic 1e6 cells into the gap at 1 week']\n")
    out = tmp_path / "out"
    proc = subprocess.run(entry_point() + ["heal", str(scen), "--out", str(out), "--json"], capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    s = json.loads((out / "summary.json").read_text())
    assert json.loads(proc.stdout)["time_to_union_weeks"] == s["time_to_union_weeks"]
    assert 10.0 < s["time_to_union_weeks"] < 16.0
    assert set(s["tissue_fractions"]) == {"bone", "cartilage", "soft"}
    assert len(s["tissue_fractions"]["bone"]) == len(s["times_weeks"])
    with np.load(out / "fields.npz") as z:
        assert z["m_B"].shape[0] == z["times_weeks"].size
    assert (out / "callus.gif").read_bytes()[:6] in (b"GIF89a", b"GIF87a")
    pngs = sorted(out.glob("snapshot_week_*.png"))
    assert len(pngs) >= 3 and (out / "timecourse.png").read_bytes()[:4] == b"\x89PNG"


def test_heal_bad_input_exit_2_one_line_nothing_written(tmp_path):
    scen = tmp_path / "bad.yaml"
    scen.write_text("fracture: {gap_mm: 2, condition: hypertrophic}\nweeks: 10\n")
    out = tmp_path / "out"
    proc = subprocess.run(entry_point() + ["heal", str(scen), "--out", str(out)], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "fracture.condition" in lines[0] and "hypertrophic" in lines[0]
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml"]
