"""outcomes.strength: strength per site from bone volume and mineral (Morgan 2003 site exponents)."""
import numpy as np
import pytest

from osteosim.models import Osteosim
from osteosim.outcomes.strength import site_strength, strength, strength_pct_change
from osteosim.physiology.patient import SITES

P = Osteosim().default_parameters().values_dict()


def test_young_adult_peak_is_one_at_every_site():
    for site in SITES:
        assert site_strength(1.0, 1.0, P, site) == 1.0


def test_site_law_and_mineral_effect():
    b = P["strength_exponent_total_hip"]
    q = P["strength_mineral_exponent"]
    assert site_strength(0.8, 1.05, P, "total_hip") == pytest.approx(0.8 ** b * 1.05 ** q)
    # the hip's exponent (trochanter, 2.18) exceeds the neck's (1.49): the same bone loss costs more strength
    assert site_strength(0.8, 1.0, P, "total_hip") < site_strength(0.8, 1.0, P, "femoral_neck") < 0.8 ** 1.0


def test_strength_changes_more_than_bmd():
    """BMD is BV * mineral; with exponents > 1, strength moves more than BMD in both directions."""
    for bv, m in ((0.9, 1.0), (1.0, 1.05), (1.05, 1.02)):
        bmd = bv * m
        s = site_strength(bv, m, P, "lumbar_spine")
        assert abs(np.log(s)) > abs(np.log(bmd))


def test_strength_from_model_states_and_pct_change():
    m = Osteosim()
    y = np.tile(m.initial_state(m.default_parameters()), (2, 3, 1))
    y[:, 1, m.state_names.index("bv_femoral_neck")] = 0.9
    s = strength(m, y, P, "femoral_neck")
    assert s.shape == (2, 3) and s[0, 0] == 1.0 and s[0, 1] == pytest.approx(0.9 ** P["strength_exponent_femoral_neck"])
    pct = strength_pct_change(s)
    assert pct[:, 0].tolist() == [0.0, 0.0] and pct[0, 1] < -10.0


def test_unknown_site_is_a_clear_error():
    with pytest.raises(ValueError, match="site: 'radius' has no strength exponent"):
        site_strength(1.0, 1.0, P, "radius")
