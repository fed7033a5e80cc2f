"""osteosim.calibration.rat_msc: the rat's route-level MSC efficacy, fitted to the OVX-rodent rows 68d-68h."""
import json

import pytest

from osteosim.calibration import rat_msc as rm
from osteosim.models import Osteosim
from osteosim.parameters.msc2026 import MSC2026

#: 68h (fitted): the systemic meta-analysis' SMD 3.02 (Fu 2021) x CV 3-6 % is 5.5-25 %, and 5.5 pp at 4 weeks is nearly
#: the model's whole rat OVX deficit then (5.7 %).  With the immunomodulation channel the fitted IV gain is ~2.8 pp
#: (was 0.55 without it): raising it further lifts the intra-femoral arm past 68e, which gets the same suppression
KNOWN_MISSES = {"68h"}


@pytest.fixture(scope="module")
def model():
    return Osteosim()


@pytest.fixture(scope="module")
def simulated(model):
    return rm.simulate_targets(rm.rat_base(model), model)


def test_cli_check_re_derives_the_stored_fit():
    from typer.testing import CliRunner

    from osteosim.cli.app import app

    r = CliRunner().invoke(app, ["calibrate", "--rat-msc", "--check"])
    assert r.exit_code == 0, r.output
    for name in rm.PARAMETERS:
        assert f"│ {name} " in r.output


def test_fit_is_shipped_in_the_rat_only(model):
    stored_values = json.loads(rm.FIT_PATH.read_text())["values"]
    rat = rm.rat_base(model)
    human = model.default_parameters()
    for name in rm.PARAMETERS:
        stored = stored_values[name]
        assert rat[name] == stored
        lo, hi = MSC2026[name].prior.support
        assert lo <= stored <= hi
        # not tied: the human value stays the MSC2026 prior centre (human MSC efficacy is hypothetical, row 69)
        assert human[name].value == MSC2026[name].value
        assert "fitted" not in human[name].source


def test_rat_parameters_cite_the_fit(model):
    from osteosim.outcomes.patient_run import species_parameters

    rat = species_parameters(model, model.default_parameters(), "rat")
    for name in rm.PARAMETERS:
        assert "osteosim.calibration.rat_msc" in rat[name].source
        assert "not tied" in rat[name].source


@pytest.mark.parametrize("tid", sorted(set(rm.ROWS) - KNOWN_MISSES))
def test_rows_within_tolerance(simulated, tid):
    value, tol, source = rm.targets()[tid]
    assert rm.passes(tid, simulated[tid], value, tol), f"{tid}: simulated {simulated[tid]:.3f}, target {value} ± {tol} ({source})"


@pytest.mark.xfail(strict=True, reason="68h: IV gain 5.5-25 pp (Fu 2021 SMD 3.02 x CV, not OVX-only) needs near-complete prevention "
                   "of the rat's 5.7 % OVX deficit at 4 weeks; the fit trades it against 68e (~2.8 pp)")
def test_systemic_meta_analysis_row(simulated):
    value, tol, _ = rm.targets()["68h"]
    assert abs(simulated["68h"] - value) <= tol


def test_known_miss_is_too_small_not_a_sign_error(simulated):
    value, tol, _ = rm.targets()["68h"]
    assert 0.0 < simulated["68h"] < value - tol


def test_immunomodulation_carries_the_iv_arm(model):
    """The fitted rat IV gain at 4 weeks comes mostly from the immune channel (Sui 2018), not the diluted secretome."""
    base = rm.rat_base(model)
    off = rm.simulate_targets(dict(base, msc_switch_immunomodulation=0.0), model)
    on = rm.simulate_targets(base, model)
    assert on["iv_week4"] > 2.0 * off["iv_week4"] > 0.0


def test_intrafemoral_peak_no_longer_exceeds_twice_the_ovx_deficit(simulated):
    # before the fit the single dose raised the rat femur 17.8 pp over OVX at 4 weeks, twice the OVX deficit;
    # the pooled SMD allows at most ~10.4 %
    assert simulated["io_week4"] < 10.5
    assert simulated["io_week4"] < 2.0 * simulated["ovx_deficit_week8"]
