"""Therapy shapes that must come out of the mechanism (issue [3/7] item 4; clinical-background B4-B7).

One batched solve of the typical trial patient (71-year-old woman, menopause at 50, calcium and
vitamin D replete, as in calibration/therapies.py) under each regimen; BMD in % of baseline
and turnover markers (CTX, P1NP) in % of baseline, saved every half month for 5 years.
"""
import numpy as np
import pytest

from osteosim.calibration.therapies import TRIALS
from osteosim.models import Osteosim
from osteosim.outcomes.patient_run import relative_bmd
from osteosim.physiology.patient import SITES
from osteosim.runs import Lane, build_run
from osteosim.units import DAYS_PER_YEAR

YEARS = 5.0
MONTHS = np.arange(0.0, 12 * YEARS + 0.25, 0.5)
REGIMENS = {
    "placebo": [],
    "denosumab_3y_stop": ["denosumab 60 mg every 6 months for 3 years"],
    "denosumab_5y": ["denosumab 60 mg every 6 months for 5 years"],
    "alendronate_5y": ["alendronate 70 mg weekly for 5 years"],
    "teriparatide_2y": ["teriparatide 20 ug daily for 2 years"],
    "romosozumab_1y": ["romosozumab 210 mg monthly for 1 year"],
    "teri_then_deno": ["teriparatide 20 ug daily for 2 years",
                       "denosumab 60 mg every 6 months for 2 years starting at 2 years"],
    "deno_then_teri": ["denosumab 60 mg every 6 months for 2 years",
                       "teriparatide 20 ug daily for 2 years starting at 2 years"],
}


@pytest.fixture(scope="module")
def runs():
    model = Osteosim()
    p = model.default_parameters().values_dict()
    patient = TRIALS["freedom"]
    t0 = patient.age * DAYS_PER_YEAR
    run = build_run(model, [Lane(patient, r) for r in REGIMENS.values()], p, ts=t0 + MONTHS / 12.0 * DAYS_PER_YEAR,
                    years=YEARS)
    sol = run.solve()
    assert sol.ok.all()
    rho = np.array([p[f"turnover_{s}"] for s in SITES])
    out = {}
    for i, name in enumerate(REGIMENS):
        ys = sol.ys[i]
        col = lambda n: ys[:, model.state_names.index(n)]  # noqa: E731
        r = {s: 100.0 * (relative_bmd(model, ys, s) / relative_bmd(model, ys, s)[0] - 1.0) for s in SITES}
        res = sum(k * col(f"oca_{s}") * col(f"bv_{s}") for k, s in zip(rho, SITES))
        form = sum(k * col(f"oba_{s}") * col(f"bv_{s}") for k, s in zip(rho, SITES))
        r["ctx"], r["p1np"] = 100.0 * res / res[0], 100.0 * form / form[0]
        out[name] = r
    return out


def at(series, month):
    return float(np.interp(month, MONTHS, series))


def window(series, lo, hi):
    m = (MONTHS >= lo) & (MONTHS <= hi)
    return series[m]


def test_denosumab_ctx_nadir_and_partial_recovery_each_interval(runs):
    """CTX falls deeply after each dose and recovers partly (not to baseline) before the next (B4)."""
    ctx = runs["denosumab_5y"]["ctx"]
    for k in range(6):
        nadir = window(ctx, 6 * k + 0.5, 6 * k + 5.5).min()
        end = at(ctx, 6 * k + 5.99)
        assert nadir < 25.0, (k, nadir)
        assert 1.5 * nadir < end < 90.0, (k, nadir, end)


def test_denosumab_stop_rebound_and_loss_of_gain(runs):
    """After the last dose wears off turnover overshoots baseline and the gained BMD is lost (B5)."""
    r = runs["denosumab_3y_stop"]
    assert window(r["ctx"], 36.0, 54.0).max() > 110.0
    for site in ("lumbar_spine", "total_hip"):
        gain = at(r[site], 36.0)
        assert gain > 4.0
        assert at(r[site], 60.0) < 0.5 * gain, (site, gain, at(r[site], 60.0))


def test_teriparatide_anabolic_window(runs):
    """P1NP rises within a month, well ahead of CTX; the gap first widens, then narrows (B6)."""
    r = runs["teriparatide_2y"]
    assert at(r["p1np"], 1.0) > 115.0
    assert at(r["p1np"], 1.0) - 100.0 > 2.0 * abs(at(r["ctx"], 1.0) - 100.0)
    gap = r["p1np"] - r["ctx"]
    peak_month = MONTHS[np.argmax(window(gap, 0.0, 24.0))]
    assert 0.5 <= peak_month <= 12.0
    assert at(gap, 24.0) < gap.max() - 3.0


def test_romosozumab_formation_peaks_early_and_wanes(runs):
    """Formation peaks within the first months and wanes toward baseline by 12 months (B7)."""
    r = runs["romosozumab_1y"]
    early = window(r["p1np"], 0.5, 3.0).max()
    assert early > 130.0
    assert at(r["p1np"], 12.0) < early - 30.0
    # resorption falls in the first month (sclerostin neutralisation lowers RANKL)
    assert window(r["ctx"], 0.5, 1.0).max() < 100.0
    # how far it falls is the fitted marker row romo_ctx_1 (60-80 % +- 5 at month 1; test_therapy_targets)


@pytest.mark.xfail(strict=True, reason="known miss: CTX returns above baseline after ~4 months (108 % at 12) "
                   "because the extra osteoblast precursors carry RANKL; see test_therapy_targets romo_ctx_12")
def test_romosozumab_resorption_stays_below_baseline(runs):
    assert window(runs["romosozumab_1y"]["ctx"], 0.5, 12.0).max() < 100.0


def test_bisphosphonate_hip_plateau(runs):
    """Alendronate's hip BMD plateaus after ~3 years (B1)."""
    aln = runs["alendronate_5y"]["total_hip"]
    assert at(aln, 60.0) - at(aln, 36.0) < 1.0


@pytest.mark.xfail(strict=True, reason="known miss: denosumab's spine gains only +1.0 pp from 36 to 60 months (phase 2: "
                   "+9.0 -> +11.8 % from 36 to 48 months, B4): with the compartments the fast cancellous bone is "
                   "refilled and fully mineralized by 3 years, and the slow cortical bone adds little")
def test_denosumab_spine_keeps_rising_past_3_years(runs):
    """Denosumab's spine keeps rising after 3 years, more than alendronate's hip (B4)."""
    aln = runs["alendronate_5y"]["total_hip"]
    den = runs["denosumab_5y"]["lumbar_spine"]
    assert at(den, 60.0) - at(den, 36.0) > 1.0
    assert at(den, 60.0) - at(den, 36.0) > 2.0 * (at(aln, 60.0) - at(aln, 36.0))


def test_order_anabolic_then_antiresorptive_beats_the_reverse(runs):
    """Teriparatide then denosumab ends higher than the reverse; switching denosumab to teriparatide
    loses hip BMD transiently (DATA-Switch, Leder 2015)."""
    a, b = runs["teri_then_deno"], runs["deno_then_teri"]
    assert at(a["lumbar_spine"], 48.0) > at(b["lumbar_spine"], 48.0) + 2.0
    assert at(a["total_hip"], 48.0) > at(b["total_hip"], 48.0)
    assert window(b["total_hip"], 24.0, 33.0).min() < at(b["total_hip"], 24.0) - 0.3
