"""Lemaire 2004 against the bone_models 0.1.0 load-case trajectories
(reference/peer-outputs/bone_models/, README there; reference/peers.md).

bone_models integrates with scipy RK45 at rtol = atol = 1e-8 straight across the switches at
t = 20 and t = 80 d.  Steps that straddle a switch see the input over the wrong fraction of the
step, which leaves an error of order |input| x (a fraction of that step) in the peer's trajectory
(e.g. 1.3e-6 pM in R right after the switch-on of load case 8).  Our solver stops at the switches
(``jump_times``) and agrees with a piecewise DOP853 solution at rtol 1e-13 to 2e-8 relative.
Hence two checks:

* ``test_matches_peer_trajectory``: our solution at the peer's time points, within
  1e-5 relative + 1.5e-6 pM absolute (0.2 % of the steady-state concentrations; the
  largest difference measured is 1.02e-6 pM, cases 2 and 5).
* ``test_peer_method_reproduces_peer_trajectory``: our right-hand side, integrated the peer's
  way (scipy RK45, rtol = atol = 1e-8, no stop at the switches), reproduces their CSV to 1e-6
  relative + 1e-10 pM (measured 2e-8 relative, 5e-11 pM where R nears zero in case 8; the CSVs
  carry 9 significant digits), so the equations are the same.
"""
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.integrate import solve_ivp

from osteosim.models import Lemaire2004
from osteosim.models.lemaire2004 import LEMAIRE2004_INPUTS, lemaire_signals
from osteosim.solve import solve_batch

PEER = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "peer-outputs" / "bone_models"

# bone_models Lemaire_Load_Case_1..9 (peer README table): one constant input on days 20-80.
LOAD_CASES = {
    1: ("I_B", 1e-4),  # OBa injection
    2: ("I_B", -8.3e-5),  # OBa removal
    3: ("I_P", 1e3),  # PTH
    4: ("I_C", 1e-4),  # OCa injection
    5: ("I_C", -2.9e-4),  # OCa removal
    6: ("I_O", 2e5),  # OPG
    7: ("I_R", 1e-4),  # OBp injection
    8: ("I_R", -1.2e-3),  # OBp removal: peer RK45 fails at t = 20.73 d
    9: ("I_L", 10.0),  # RANKL
}
COLUMNS = ["OBp_pM", "OBa_pM", "OCa_pM"]  # = R, B, C
REL, ABS = 1e-5, 1.5e-6  # pM
# Load case 8 (-R) drives R to zero at t = 20.69 d, where the RHS stops being defined: the peer's
# RK45 aborts at 20.73 d and our solve reports failure (tests/models/test_lemaire2004.py).  Here the
# removal is switched off at CASE8_T_END, a peer time point with R = 2.2e-5 pM still > 0 (3 % of
# the steady state), so that lane succeeds and equals load case 8 on [0, CASE8_T_END]; we compare
# there (the brief asked for t <= 20; the removal phase up to CASE8_T_END passes the same tolerance).
CASE8_T_END = 20.6652479


def _read(case: int) -> pd.DataFrame:
    path = PEER / f"lemaire2004_load_case_{case}.csv"
    if not path.is_file():
        pytest.skip(f"peer outputs not found: {path}")
    return pd.read_csv(path)


def _save_times(times: np.ndarray, n: int = 401) -> np.ndarray:
    """The peer's time points padded with a uniform 0-140 d grid to ``n`` points.

    n = 401 is the save grid of the default 140-day Simulation, so these solves (one patient,
    the same driver keys, two switch times) reuse the function compiled for the model tests.
    """
    times = np.unique(times)
    extra = np.setdiff1d(np.linspace(0.0, 140.0, n), times)
    extra = extra[np.round(np.linspace(0, extra.size - 1, n - times.size)).astype(int)]
    ts = np.sort(np.concatenate([times, extra]))
    assert ts.size == n and np.all(np.diff(ts) > 0) and ts[-1] == 140.0
    return ts


@pytest.fixture(scope="module")
def solutions():
    """Each load case from our steady state: case -> (peer frame, our states at the peer's times)."""
    if not PEER.is_dir():
        pytest.skip(f"peer outputs not found: {PEER}")
    m = Lemaire2004()
    params = m.default_parameters()
    y0 = m.initial_state(params)
    out = {}
    for case, (name, value) in LOAD_CASES.items():
        f = _read(case)
        drivers = {name: value}
        if case == 8:
            f = f[f.t_day <= CASE8_T_END]
            assert f.t_day.max() == CASE8_T_END and f.OBp_pM.min() > 2e-5
            drivers["input_end"] = CASE8_T_END
        t = f.t_day.to_numpy()
        ts = _save_times(t)
        sol = solve_batch(m, params.values_dict(), y0, ts, drivers)
        assert sol.ok.all(), case
        out[case] = (f, sol.ys[0, np.searchsorted(ts, t)])
    return out


@pytest.mark.parametrize("case", list(LOAD_CASES))
def test_matches_peer_trajectory(solutions, case):
    f, ours = solutions[case]
    np.testing.assert_allclose(ours, f[COLUMNS].to_numpy(), rtol=REL, atol=ABS, err_msg=f"load case {case}")


@pytest.mark.parametrize("case", list(LOAD_CASES))
def test_peer_method_reproduces_peer_trajectory(case):
    f = _read(case)
    m = Lemaire2004()
    params = m.default_parameters()
    p = params.values_dict()
    name, value = LOAD_CASES[case]
    off = dict.fromkeys(LEMAIRE2004_INPUTS, 0.0)
    on = dict(off, **{name: value})

    def rhs(t, y):  # the peer's switch: 20 <= t <= 80, no stop at the switches
        u = on if 20.0 <= t <= 80.0 else off
        s = lemaire_signals(y[0], y[1], y[2], p, u)
        d_b = p["f0"] * p["d_B"] / s["pi_C"]
        return [
            p["D_R"] * s["pi_C"] - d_b * y[0] + u["I_R"],
            d_b * y[0] - p["k_B"] * y[1] + u["I_B"],
            p["D_C"] * s["pi_L"] - p["D_A"] * s["pi_C"] * y[2] + u["I_C"],
        ]

    t = f.t_day.to_numpy()
    if case == 8:  # the peer's run (and this one) fails at t = 20.73 d; compare while R > 0
        t = t[f.OBp_pM.to_numpy() > 0]
    # first_step: the peer's run starts with scipy's 1e-6 (their steady state leaves a residual
    # below scipy's threshold); ours, a residual of 3e-20, would start at 1e-4 and shift every step.
    y0 = m.initial_state(params)
    sol = solve_ivp(rhs, (0.0, 140.0), y0, method="RK45", rtol=1e-8, atol=1e-8, first_step=1e-6, t_eval=t)
    assert sol.status == (-1 if case == 8 else 0)
    theirs = f[COLUMNS].to_numpy()[: len(t)]
    np.testing.assert_allclose(sol.y.T[: len(t)], theirs, rtol=1e-6, atol=1e-10, err_msg=f"load case {case}")
