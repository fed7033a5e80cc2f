"""Template trials (examples/trials) at small N: simulated BMD endpoints vs the C rows of the trial they mimic.

Each C row of calibration-targets.csv that belongs to a template's published trial must fall
within its tolerance.  Rows the model misses are strict xfails with the reason (they are
reported on every run, and the test fails if the model starts to meet them).  The deterministic
typical-patient calibration (tests/validation/test_therapy_targets.py) meets 16 of 28 rows;
a virtual population (ages, T-scores at the trial's mean age, between-patient variability, DXA
precision error) moves the means a little: 13 of the 21 template rows of FIT-1, FREEDOM, the FPT,
FRAME and WHI are met at this N, 1 of the 5 rows of HORIZON-PFT and VERT-NA (3 of 5 at 1,000 per arm), and both
rows of MORE.
"""
from pathlib import Path

import pytest
import yaml

from osteosim.trials.published import PUBLISHED_BMD_TARGETS as ROWS
from osteosim.trials import TrialSpec, run_trial

from trial_helpers import BLOCK

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "trials"
TEMPLATES = {"fit1": "fit1_like.yaml", "freedom": "freedom_like.yaml", "fpt": "fpt_like.yaml",
             "frame": "frame_like.yaml", "whi": "whi_like.yaml", "horizon": "horizon_like.yaml", "vert": "vert_like.yaml",
             "more": "more_like.yaml"}
N = 48

_SITES = ("one cell model drives every site, so a drug's site pattern follows the sites' turnover and cancellous "
          "fraction only (as in the typical-patient calibration)")
_POP = "placebo arm of a population of all ages 50-79 without trial calcium/vitamin D"
KNOWN_MISSES: dict[str, str] = {
    "31a": "teriparatide spine below +8.2 % at this N (+8.31 %, within tolerance, at 1,000 per arm; +9.7 published): "
           "the anabolic spine gain is on the low side",
    "31c": "teriparatide total hip +4.1 vs +2.6 % (1,000 per arm): " + _SITES + "; the cortical porosity teriparatide "
           "raises at the hip is not modelled",
    "31d": "placebo spine +1.1 % comes from calcium/vitamin D repletion and DXA artefacts (osteophytes), not modelled "
           "(simulated -0.6 %)",
    "36b": "romosozumab total hip +4.9 vs +7.0 % at this N (+5.60 %, within tolerance, at 1,000 per arm): the "
           "anabolic hip gain is on the low side",
    "20c": "denosumab spine at 36 mo +7.95 vs +9.4 % from baseline (N = 48): the habitual load's fall with muscle "
           "strength after 65 (issue 17 item 7, fitted to SOF's hip loss in the oldest) adds background loss in "
           "FREEDOM's women of 60-90 y",
    "42b": "WHI placebo total hip -2.2 vs +0.14 %: the model's hip loss in the " + _POP + " exceeds that of WHI women",
}


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_template_parses(path):
    """Every template validates (regimens parse, the drugs exist); one naming a published trial gets its fracture rows."""
    from osteosim.trials.published import PUBLISHED_FRACTURES

    spec = TrialSpec.from_yaml(path)
    if spec.published is not None:
        assert [pf for pf in PUBLISHED_FRACTURES if pf.trial == spec.published], spec.published


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    cache = {}

    def get(trial):
        if trial not in cache:
            d = yaml.safe_load((EXAMPLES / TEMPLATES[trial]).read_text())
            d["population"]["patients_per_arm"] = N
            out = tmp_path_factory.mktemp(trial)
            summary = run_trial(TrialSpec.from_mapping(d), out, chunk_size=N, block=BLOCK)
            assert "predicted (simulated) and published" in (out / "report.html").read_text()
            assert any(r["published"] is not None for r in summary["fracture_predictions"]), trial
            cache[trial] = {r["id"]: r for r in summary["published_comparison"]}
        return cache[trial]

    return get


@pytest.mark.parametrize("tid, trial", [(r[0], r[1]) for r in ROWS if r[1] in TEMPLATES])
def test_template_bmd_endpoint(results, tid, trial):
    row = results(trial).get(tid)
    assert row is not None, f"{tid}: the {trial} template has no visit at the row's month"
    miss = abs(row["simulated"] - row["published"])
    if tid in KNOWN_MISSES:
        if miss > row["tolerance"]:
            pytest.xfail(KNOWN_MISSES[tid])
        pytest.fail(f"{tid} now passes: remove it from KNOWN_MISSES")
    assert miss <= row["tolerance"], (f"{tid} ({row['quantity']}, month {row['month']}): simulated {row['simulated']:+.2f}, "
                                      f"published {row['published']:+.2f} ± {row['tolerance']} ({row['source']})")
