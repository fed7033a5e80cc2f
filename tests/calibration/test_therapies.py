"""osteosim.calibration.therapies: raloxifene's potency (ralox_emax) on the MORE cohort, and its PD direction."""
import numpy as np
import pytest

from osteosim.calibration import therapies as th
from osteosim.models import Osteosim
from osteosim.outcomes.patient_run import relative_bmd
from osteosim.therapies import parse_regimen
from osteosim.therapies.pkpd import regimen_tables
from osteosim.units import DAYS_PER_YEAR

MODEL = Osteosim()
P = MODEL.default_parameters().values_dict()


def _estrogen_action(regimen: list[str], p: dict = P) -> float:
    """Estrogen action E of a 66-year-old woman (menopause at 50) one year into a regimen."""
    t0 = 66.0 * DAYS_PER_YEAR
    tables = regimen_tables(parse_regimen(regimen), t0, 3 * DAYS_PER_YEAR) if regimen else {}
    d = MODEL.complete_drivers(p, dict(MODEL.default_drivers(), fmp_age=50.0, **tables))
    return float(MODEL._signals(t0 + DAYS_PER_YEAR, MODEL.initial_state(p, d), p, d)["estrogen"])


def test_raloxifene_restores_part_of_the_lost_estrogen_action_less_than_hormone_therapy():
    none = _estrogen_action([])
    ralox = _estrogen_action(["raloxifene 60 mg daily for 3 years"])
    cee = _estrogen_action(["estrogen 0.625 mg daily for 3 years"])
    both = _estrogen_action(["estrogen 0.625 mg daily for 3 years", "raloxifene 60 mg daily for 3 years"])
    assert none < ralox < cee < both < 1.0
    # the partial agonist: E_max share of the lost action, times the occupancy of 60 mg (x 2 % absorbed)
    r = 60.0 * P["ralox_F"]
    assert ralox == pytest.approx(none + (1 - none) * P["ralox_emax"] * r / (r + P["ralox_ec50"]), rel=1e-6)
    assert P["ralox_emax"] < 1.0


def _more_vs_placebo(p: dict) -> dict[str, float]:
    """Percentage points raloxifene minus placebo at 36 months in the MORE typical patient."""
    res = th.solve_cohort(p, MODEL, trials=("more",))
    row = th.MONTH_ROW[36.0]

    def pct(arm, site):
        r = relative_bmd(MODEL, res[("more", arm)], site)
        return 100.0 * (r[row] / r[0] - 1.0)

    return {s: pct("active", s) - pct("placebo", s) for s in ("lumbar_spine", "femoral_neck")}


def test_more_cohort_gain_follows_the_potency_and_meets_rows_43():
    shipped = _more_vs_placebo(P)
    stronger = _more_vs_placebo(dict(P, ralox_emax=2.0 * P["ralox_emax"]))
    table = th._target_table()
    for site, tid in (("lumbar_spine", "43a"), ("femoral_neck", "43b")):
        assert 0.0 < shipped[site] < stronger[site]
        target, _, tol, _ = table[tid]
        assert abs(shipped[site] - target) <= tol, (tid, shipped[site], target)
    assert "ralox_emax" in th.FITTED and any(r[1] == "more" for r in th.ROWS)
    assert np.isfinite(list(shipped.values())).all()
