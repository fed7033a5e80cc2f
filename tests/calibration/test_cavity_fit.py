"""osteosim.calibration.cavity: the stress-riser coefficients, re-derived from the micro-FE losses."""
import pytest

from osteosim.calibration import cavity as cv
from osteosim.models import Osteosim
from osteosim.physiology.patient import SITES


def test_coefficients_are_reproduced_and_read_by_the_parameter_set():
    ok, diffs = cv.check()
    assert ok, diffs
    p = Osteosim().default_parameters()
    for site in SITES:
        name = f"cavity_coefficient_{site}"
        assert p[name].value == diffs[name][0]
        assert "calibration.cavity" in p[name].source
    rep = cv.fit()["report"]
    for site, r in rep.items():
        # the reference woman (65 y, 14 y past menopause) has more remodeling space per bone than a young adult
        assert r["reference_rs_per_bv"] > r["young_adult_rs"]
        assert r["strength_loss"] == p[f"cavity_strength_loss_{site}"].value
        assert 1.0 - r["strength_loss"] < r["cavity_factor_reference_vs_young"] < 1.0


def test_cli_derives_the_coefficients():
    from typer.testing import CliRunner

    from osteosim.cli.app import app

    r = CliRunner().invoke(app, ["calibrate", "--cavity"])
    assert r.exit_code == 0, r.output
    assert "cavity_coefficient_lumbar_spine" in r.output
    r = CliRunner().invoke(app, ["calibrate", "--cavity", "--strength"])
    assert r.exit_code == 2


@pytest.mark.parametrize("site", [s for s in SITES if s != "distal_radius"])  # the radius's loss is an assumption
def test_loss_bounds_are_the_published_cases(site):
    p = Osteosim().default_parameters()[f"cavity_strength_loss_{site}"]
    assert p.bounds[0] == 0.08 and p.bounds[0] < p.value < p.bounds[1] <= 0.28
