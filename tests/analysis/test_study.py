"""The durability study end to end on a tiny configuration (3 regimens, 2 years, 3 draws, a 2-parameter
Morris screen): the tables, the files, the report's conclusions built from the numbers, and the same seed
giving the same numbers."""
import json
import math

import numpy as np
import pandas as pd
import pytest

from osteosim.analysis.study import draw_cohort, run_study
from osteosim.analysis.study_spec import StudySpec
from osteosim.report.durability import FIGURES, conclusions

TINY = {"name": "tiny", "patient": {"age": 65, "sex": "female", "tscore_lumbar_spine": -2.7}, "years": 2,
        "draws": 3, "seed": 5,
        "regimens": {"none": [],
                     "msc_io": ["msc bone-marrow autologous 5e6 cells intraosseous once site lumbar_spine"],
                     "aln_1y": ["alendronate 70 mg weekly for 1 year"]},
        "sensitivity": {"parameters": ["msc_io_retention", "msc_niche_capacity"], "method": "morris", "n": 4},
        "cohort": {"n": 2, "seed": 3, "age": [64, 66], "tscore_lumbar_spine": [-3.0, -2.5]}}


@pytest.fixture(scope="module")
def tiny():
    return run_study(StudySpec.from_mapping(TINY))


def test_tables(tiny):
    t = tiny.table.set_index("regimen")
    assert list(t.index) == ["none", "msc_io", "aln_1y"]
    assert list(t["kind"]) == ["none", "msc", "drug"]
    assert t.loc["none", "prevented_any"] == 0.0
    # alendronate raises spine BMD and prevents fractures over no treatment; its last dose is in week 52
    assert t.loc["aln_1y", "bmd_pct_lumbar_spine"] > t.loc["none", "bmd_pct_lumbar_spine"] + 1.0
    assert t.loc["aln_1y", "prevented_any"] > 0
    assert 0.98 < t.loc["aln_1y", "last_dose_year"] < 1.0
    assert t.loc["msc_io", "last_dose_year"] == 0.0
    # prevented = reference's expected fractures minus the regimen's
    assert t.loc["aln_1y", "prevented_any"] == pytest.approx(t.loc["none", "fractures_per_1000"]
                                                             - t.loc["aln_1y", "fractures_per_1000"])
    for name in ("msc_io", "aln_1y"):
        row = t.loc[name]
        assert row["durability_censored"] or row["durability_no_benefit"] or math.isfinite(row["durability_years"])
    c = tiny.curves
    assert set(c["regimen"]) == {"none", "msc_io", "aln_1y"}
    first = c[c["t_years"] == 0.0]
    assert np.allclose(first["bmd_pct"], 0.0) and np.allclose(first["strength_pct"], 0.0)
    assert (c["bmd_pct_p05"] <= c["bmd_pct_p95"] + 1e-9).all()


def test_sensitivity_ranks_the_msc_drug_gap(tiny):
    s = tiny.summary["sensitivity"]
    assert s["msc"] == "msc_io" and s["drug"] == "aln_1y" and s["runs"] == 4 * 3
    assert {r["parameter"] for r in s["top3"]} == {"msc_io_retention", "msc_niche_capacity"}
    assert list(tiny.sensitivity.indices_["rank"]) == [1, 2]


def test_files_and_conclusions_follow_the_numbers(tiny, tmp_path):
    tiny.write(tmp_path / "out")
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == sorted(["headline.csv", "table.csv", "curves.csv", "summary.json", "indices.csv", "report.html",
                            *FIGURES])
    head = pd.read_csv(tmp_path / "out" / "headline.csv")
    assert list(head["regimen"]) == ["none", "msc_io", "aln_1y"]
    html = (tmp_path / "out" / "report.html").read_text()
    assert "Hypothetical" in html and "What the model can and cannot conclude" in html
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    lines = conclusions(tiny.table, summary)
    best = tiny.table.loc[tiny.table["prevented_any"].idxmax()]
    assert lines[0].startswith(f"Over 2 years the regimen that prevents the most fractures in this model is {best['regimen']}")
    assert f"{best['prevented_any']:.1f} per 1,000" in lines[0]
    assert all(s in html for s in lines[:1])
    # change the numbers: the sentences change with them
    swapped = tiny.table.copy()
    swapped.loc[swapped["regimen"] == "msc_io", ["prevented_any", "prevented_any_p05", "prevented_any_p95"]] = 99.0
    assert "is msc_io: 99.0 per 1,000" in conclusions(swapped, summary)[0]
    assert any("more than the best drug regimen" in line for line in conclusions(swapped, summary))
    assert any("fewer than the best drug regimen" in line for line in lines)


def test_patient_variability_is_reported_apart(tiny):
    t = tiny.table.set_index("regimen")
    for col in ("prevented_any_women", "bmd_pct_lumbar_spine_women"):
        assert (t[f"{col}_p05"] <= t[f"{col}_p50"] + 1e-12).all() and (t[f"{col}_p50"] <= t[f"{col}_p95"] + 1e-12).all()
    assert t.loc["none", "prevented_any_women_p95"] == 0.0
    assert t.loc["aln_1y", "prevented_any_women_p05"] > 0
    women = tiny.summary["cohort"]["women"]
    assert len(women) == 2 and all(64 <= w["age"] <= 66 and -3.0 <= w["tscore_lumbar_spine"] <= -2.5 for w in women)
    assert draw_cohort(tiny.spec) == draw_cohort(tiny.spec)


def test_same_seed_same_numbers(tiny):
    spec = StudySpec.from_mapping({**TINY, "sensitivity": None, "cohort": None})
    again = run_study(spec)
    pd.testing.assert_frame_equal(again.table, tiny.table[again.table.columns])
    pd.testing.assert_frame_equal(again.curves, tiny.curves)
