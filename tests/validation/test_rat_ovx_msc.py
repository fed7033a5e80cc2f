"""Rat OVX and the preclinical MSC pattern (calibration-targets.csv rows 68a-68d; Kimmel 1990).

One batched solve of five rats over 24 weeks from ovariectomy at 3 months (the arms of
osteosim.calibration.rat_msc, which fits the rat's niche capacity, IV secretome reach and immunomodulation
to the percent effect sizes of rows 68d-68h; tests/calibration/test_rat_msc_fit.py checks those rows):
sham, untreated OVX, intra-femoral (intraosseous, site total_hip = femur) allogeneic BM-MSC
once, the same re-dosed at 4 weeks, and the same dose IV.  Tolerances (direction and rough
size only: the reference gives SMDs, not % changes):

* OVX loss: femur BMD 4-17.5 % below sham at 8 weeks (Kimmel 1990: whole femur 4.3-11.1 %,
  distal femur 11.3-17.5 % below sham from 35 days on).
* row 68a: intra-femoral MSCs raise femur BMD vs untreated OVX at 8 weeks by 1-15 points.
* row 68d: without re-dosing the benefit is mostly gone by 24 weeks (< 25 % of its 8-week size);
  re-dosing at 4 weeks leaves more at 24 weeks than the single dose.
* row 68b and Stem Cells Int 2019: IV cells help (positive at 8 weeks) but less than intra-marrow cells.
"""
import pytest

from osteosim.calibration import rat_msc
from osteosim.models.osteosim import Osteosim


@pytest.fixture(scope="module")
def rats():
    model = Osteosim()
    # femur BMD (% of peak) per arm and week 0-24 (the same compiled solve as the rat MSC fit)
    return rat_msc.simulate_arms(rat_msc.rat_base(model), model)


def test_ovx_bone_loss_matches_kimmel(rats):
    deficit = 100.0 * (1.0 - rats["ovx"][8] / rats["sham"][8])
    assert 4.0 <= deficit <= 17.5


def test_intrafemoral_msc_raise_bmd_vs_ovx(rats):
    gain8 = rats["io"][8] - rats["ovx"][8]
    assert 1.0 <= gain8 <= 15.0


def test_single_dose_benefit_fades_by_24_weeks(rats):
    gain8 = rats["io"][8] - rats["ovx"][8]
    gain24 = rats["io"][24] - rats["ovx"][24]
    assert gain24 < 0.25 * gain8
    assert rats["io_redosed"][24] - rats["ovx"][24] > gain24


def test_iv_helps_less_than_intramarrow(rats):
    gain_iv = rats["iv"][8] - rats["ovx"][8]
    assert 0.0 < gain_iv < rats["io"][8] - rats["ovx"][8]
