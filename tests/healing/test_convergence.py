"""Grid and time-step convergence of the bridging time (normal reference callus, 1-D line)."""
from __future__ import annotations

import pytest

from osteosim.healing.calibrate import reference_bridging_time
from osteosim.healing.model import HealingModel
from osteosim.healing.run import build_grid, solve_course
from osteosim.parameters.bailon_plaza2001 import BAILON_PLAZA2001


@pytest.fixture(scope="module")
def by_h():
    return {h: reference_bridging_time("line", h) for h in (0.04, 0.02, 0.01, 0.005)}


def test_grid_convergence(by_h):
    t4, t2, t1, t05 = (by_h[h] for h in (0.04, 0.02, 0.01, 0.005))
    assert abs(t2 - t1) / t1 < 0.01                # < 1 % between h = 0.02 and 0.01 (dossier test 4)
    assert abs(t1 - t05) < 0.5 * abs(t2 - t1)      # asymptotic from h = 0.02 on (the coarse step is pre-asymptotic)
    assert abs(t4 - t05) / t05 < 0.02              # the default coarse grid is within 2 % of the converged time


def test_time_step_convergence():
    grid = build_grid(BAILON_PLAZA2001, 0.2, "line", "coarse")
    model = HealingModel(grid, BAILON_PLAZA2001.values_dict())
    loose, tight = (solve_course(model, 8.0, [0.0, 8.0], rtol=r, atol=r * 1e-3).union_time for r in (1e-5, 1e-8))
    assert abs(loose - tight) / tight < 0.002      # default tolerance within 0.2 % of a 1000x tighter run


def test_the_line_matches_the_calibrated_2d_reference():
    """The stored fit: the line bridges like the 2-D reference, i.e. at 12 weeks with the fitted time unit."""
    t = reference_bridging_time("line")
    weeks = t * BAILON_PLAZA2001.value("time_scale_days") / 7.0
    assert weeks == pytest.approx(12.0, rel=0.01)
    assert "fitted by osteosim.healing.calibrate" in BAILON_PLAZA2001["time_scale_days"].source
