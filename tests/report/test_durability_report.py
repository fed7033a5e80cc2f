"""The durability report's sentences come from the table's numbers (a synthetic table, no solving), and its
figures draw from the tables alone."""
import math

import pandas as pd

from osteosim.report.durability import conclusions, headline, plot_durability, plot_fractures_prevented

SUMMARY = {"years": 10, "reference": "none", "site": "lumbar_spine", "durability_rule": {"floor_pp": 1.0},
           "regimens": {"none": [], "msc": ["msc bone-marrow allogeneic 1e6 cells/kg iv once"],
                        "aln": ["alendronate 70 mg weekly for 5 years"],
                        "msc_aln": ["msc bone-marrow allogeneic 1e6 cells/kg iv once", "alendronate 70 mg weekly for 5 years"],
                        "den_stop": ["denosumab 60 mg every 6 months for 3 years"]}}


def _row(name, kind, prevented, lasts, censored=False, no_benefit=False, last=0.0, peak=5.0):
    return {"regimen": name, "kind": kind, "last_dose_year": last, "prevented_any": prevented,
            "prevented_any_p05": prevented - 1, "prevented_any_p95": prevented + 1, "fractures_per_1000": 100 - prevented,
            "durability_years": lasts, "durability_censored": censored, "durability_no_benefit": no_benefit,
            "durability_label": "no benefit" if no_benefit else (f">= {lasts:.1f} y" if censored else f"{lasts:.1f} y"),
            "durability_p05": lasts, "durability_p95": lasts, "peak_gain_pp": peak, "gain_halflife_years": lasts,
            "bmd_pct_lumbar_spine": 1.0}


def _table(msc_prevented=2.0, msc_lasts=3.0):
    return pd.DataFrame([_row("none", "none", 0.0, math.nan, no_benefit=True, peak=0.0),
                         _row("msc", "msc", msc_prevented, msc_lasts),
                         _row("aln", "drug", 40.0, 5.0, censored=True, last=5.0),
                         _row("msc_aln", "msc + drug", 43.0, 5.0, censored=True, last=5.0),
                         _row("den_stop", "drug", 30.0, 0.8, last=2.5)])


def test_sentences_follow_the_numbers():
    lines = conclusions(_table(), SUMMARY)
    assert lines[0].startswith("Over 10 years the regimen that prevents the most fractures in this model is msc_aln: 43.0")
    assert any("msc, prevents 2.0 fractures per 1,000 (band 1.0 to 3.0), fewer than the best drug regimen, aln" in s
               for s in lines)
    assert any("the two parameter bands do not overlap" in s for s in lines)
    dur = next(s for s in lines if s.startswith("The longest-lasting MSC-only benefit"))
    assert "lasts 3.0 y after the last dose" in dur and "outlasts 1 of the 1 stopped drug benefits" in dur
    assert any("Adding MSCs to aln (msc_aln) changes the fractures prevented by +3.0 per 1,000" in s for s in lines)
    # other numbers, other sentences
    lines = conclusions(_table(msc_prevented=50.0, msc_lasts=0.5), SUMMARY)
    assert lines[0].startswith("Over 10 years the regimen that prevents the most fractures in this model is msc: 50.0")
    assert any("more than the best drug regimen" in s for s in lines)
    assert any("outlasts 0 of the 1 stopped drug benefits" in s for s in lines)


def test_headline_and_figures_from_the_table_alone():
    t = _table()
    head = headline(t)
    assert list(head["regimen"]) == list(t["regimen"]) and "prevented /1000" in head
    assert len(plot_fractures_prevented(t).axes) == 1 and len(plot_durability(t).axes) == 1
