"""Pivonka 2008: steady state and the continuous-PTH response (reference section 2.2)."""
import numpy as np
import pytest

from osteosim.models import Pivonka2008
from osteosim.models.pivonka2008 import steady_state_cells
from osteosim.simulation import Simulation


def test_steady_state_and_signals():
    p = Pivonka2008().default_parameters().values_dict()
    obp, oba, oca = steady_state_cells(p)
    # [RUN] with bone-models code: 5 significant digits
    assert obp == pytest.approx(6.1964e-4, rel=1e-4)
    assert oba == pytest.approx(5.5839e-4, rel=1e-4)
    assert oca == pytest.approx(8.0696e-4, rel=1e-4)
    res = Simulation(model="Pivonka2008", years=1 / 365.25).solve()
    row = res.timeseries.iloc[0]
    assert row.PTH == pytest.approx(2.907, rel=1e-3)
    assert row.OPG == pytest.approx(1.8436e4, rel=1e-3)
    assert row.RANKL == pytest.approx(0.5522, rel=1e-3)
    assert row.TGFb == pytest.approx(8.07e-4, rel=1e-3)
    assert row.pi_RANK == pytest.approx(0.0406, rel=2e-3)


@pytest.fixture(scope="module")
def pth_run():
    return Simulation(model="Pivonka2008", years=200 / 365.25, drivers={"P_PTH": 1000.0}, saves_per_year=365.25).solve()


REF = {  # t: (OBp, OBa, OCa) x 1e-4 pM, reference section 2.2 [RUN]
    5: (9.0030, 5.4570, 16.643), 10: (12.419, 6.3543, 18.175), 20: (14.926, 8.8033, 16.553),
    50: (13.958, 9.4663, 15.516), 100: (14.010, 9.4444, 15.557), 110: (8.8815, 9.2485, 7.8674),
    140: (6.0401, 5.3894, 8.0800), 200: (6.1959, 5.5831, 8.0698),
}


@pytest.mark.parametrize("t", sorted(REF))
def test_continuous_pth_response(pth_run, t):
    df = pth_run.timeseries
    row = df.iloc[int(np.argmin(np.abs(df.t_days - t)))]
    for name, ref in zip(("OBp", "OBa", "OCa"), REF[t]):
        assert row[name] * 1e4 == pytest.approx(ref, rel=2e-4), name


def test_continuous_pth_is_catabolic(pth_run):
    df = pth_run.timeseries
    bv100 = df.BV[int(np.argmin(np.abs(df.t_days - 100)))]
    assert bv100 == pytest.approx(85.95, abs=0.01)  # reference: 85.95 % at day 100, k_form 40, k_res 200
    assert df.BV.iloc[-1] == pytest.approx(86.04, abs=0.01)
