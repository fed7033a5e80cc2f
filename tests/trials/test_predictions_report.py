"""A small trial run end to end: predicted-vs-published fracture rows in summary.json, the forest plot in
report.html and the table that `osteosim trial` prints."""
import json

import pytest

from osteosim.cli.trial import print_trial_table
from osteosim.trials import TrialSpec, run_trial

from trial_helpers import BLOCK, tiny


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("forest")
    # the shared tiny trial (its compiled solvers are shared with the other trial tests), compared with FREEDOM
    summary = run_trial(TrialSpec.from_mapping(tiny(published="freedom")), out, chunk_size=48, block=BLOCK)
    return out, summary


def test_summary_rows(run):
    out, summary = run
    rows = summary["fracture_predictions"]
    assert json.loads((out / "summary.json").read_text())["fracture_predictions"] == rows
    assert {r["status"] for r in rows} == {"predicted"}
    # FREEDOM: vertebral at 12, 24, 36 months (the 1-year template compares the later ones at its end),
    # nonvertebral (HR); hip and any: the trial's own end, no published value
    published = [(r["kind"], r["published_month"], r["month"], r["measure"]) for r in rows if r["published"] is not None]
    assert published == [("vertebral", 12.0, 12.0, "RR"), ("vertebral", 24.0, 12.0, "RR"),
                         ("vertebral", 36.0, 12.0, "RR"), ("nonvertebral", 36.0, 12.0, "HR")]
    # the simulated RR at the end equals the per-arm RR of the summary (same events, same method)
    end = rows[0]
    assert end["simulated"] == summary["arms"]["denosumab"]["relative_risk"]["vertebral"]["rr"]
    for r in rows:
        if r["simulated"] is not None and r["published_ci95"]:
            lo, hi = r["published_ci95"]
            assert r["within_published_ci"] == (lo <= r["simulated"] <= hi)


def test_report_has_the_forest_plot(run):
    out, _ = run
    html = (out / "report.html").read_text()
    assert 'alt="Forest plot of simulated and published fracture ratios' in html
    assert "data:image/png;base64," in html and ">predicted<" in html
    # the crowded per-arm RR/HR table is gone: ratios live in the forest plot and the table below it
    assert "RR (95 % CI)</th><th>" not in html


def test_cli_prints_predicted_vs_published(run, capsys):
    _, summary = run
    print_trial_table(summary)
    text = capsys.readouterr().out
    assert "Fracture ratios vs placebo" in text and "predicted" in text
    assert "0.32 (0.26-0.41)" in text  # FREEDOM's published 36-month vertebral RR next to the simulated one


def test_strength_per_visit_in_parquet_summary_and_report(run):
    """Issue 17 item 5: simulated strength per site in patients.parquet, summary.json and report.html."""
    import pandas as pd

    from osteosim.physiology.patient import SITES

    out, summary = run
    visits = pd.read_parquet(out / "patients.parquet")
    for site in SITES:
        base = visits[visits["month"] == 0]
        assert (base[f"strength_pct_change_{site}"] == 0.0).all() and (visits[f"strength_{site}"] > 0).all()
    den = summary["arms"]["denosumab"]["strength_pct_change"]["lumbar_spine"]
    pbo = summary["arms"]["placebo"]["strength_pct_change"]["lumbar_spine"]
    last = max(den, key=float)
    assert den[last]["mean"] > pbo[last]["mean"]  # the antiresorptive keeps more strength than placebo
    assert 'alt="Bone strength change from randomisation' in (out / "report.html").read_text()
