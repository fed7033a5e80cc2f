"""outcomes.strength: strength per site from bone volume and mineral (Morgan 2003 site exponents), and
fracture strength with the resorption-cavity stress riser."""
import numpy as np
import pytest

from osteosim.models import Osteosim
from osteosim.models.osteosim import young_remodeling_space
from osteosim.outcomes.patient_run import simulate_regimens
from osteosim.outcomes.strength import (cavity_factor, fracture_strength, remodeling_space, site_strength, strength,
                                        strength_pct_change)
from osteosim.physiology.patient import SITES, Patient

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


def test_cavity_factor_is_one_for_the_young_adult_and_loses_the_micro_fe_share_at_the_reference():
    from osteosim.calibration.cavity import FIT_PATH

    import json

    ref = json.loads(FIT_PATH.read_text())["report"]
    for site in SITES:
        assert cavity_factor(young_remodeling_space(P, site), P, site) == pytest.approx(1.0, rel=1e-12)
        # the reference woman's cavities cost cavity_strength_loss_<site> against none at all
        x = ref[site]["reference_rs_per_bv"]
        no_cavities = cavity_factor(0.0, P, site)
        assert cavity_factor(x, P, site) / no_cavities == pytest.approx(1.0 - P[f"cavity_strength_loss_{site}"])
        assert no_cavities > 1.0 > cavity_factor(2.0 * x, P, site) >= 0.0
    assert cavity_factor(1e3, P, "lumbar_spine") == 0.0  # clipped, never negative


def test_fracture_strength_from_model_states():
    m = Osteosim()
    y = np.tile(m.initial_state(m.default_parameters()), (2, 3, 1))
    i = m.state_names.index("rs_lumbar_spine")
    y[:, 1, i] *= 0.2  # the remodeling space refilled
    y[:, 2, m.state_names.index("bv_lumbar_spine")] = 0.9
    fs, s = fracture_strength(m, y, P, "lumbar_spine"), strength(m, y, P, "lumbar_spine")
    assert fs.shape == (2, 3) and fs[0, 0] == pytest.approx(1.0)
    assert s[0, 1] == 1.0 and fs[0, 1] > 1.05  # refilled cavities: stronger at equal bone and mineral
    assert remodeling_space(m, y, "lumbar_spine")[0, 2] == pytest.approx(y[0, 2, i] / 0.9)
    assert fs[0, 2] < s[0, 2] < 1.0  # the same cavities in less bone cost more


def test_fracture_strength_errors_name_the_missing_piece():
    with pytest.raises(ValueError, match="cavity_coefficient_radius"):
        cavity_factor(0.03, P, "radius")

    class NoRS:
        name = "Pivonka2008"
        state_names = ("OBp", "OBa", "OCa", "BV")

    with pytest.raises(ValueError, match="has no state 'rs_lumbar_spine'"):
        fracture_strength(NoRS(), np.ones((1, 4)), P, "lumbar_spine")


def test_denosumab_raises_fracture_strength_early_more_than_strength():
    """FREEDOM-like woman (72 y): in the first year the refilled remodeling space adds strength that
    bone volume and mineral (strength_<site>, the QCT-FE-comparable one) do not show."""
    m = Osteosim()
    ages = 72.0 + np.array([0.0, 6.0, 12.0]) / 12.0
    pt = Patient(sex="female", age=72.0)
    sol = simulate_regimens(m, P, [(pt, [], {}), (pt, ["denosumab 60 mg every 6 months for 3 years"], {})], ages)
    assert sol.ok.all()
    for site in SITES:
        def gain(f):
            a, b = f(sol.ys[1]), f(sol.ys[0])
            return 100.0 * (a / a[0] - b / b[0])  # percentage points, denosumab minus placebo

        fs = gain(lambda ys: fracture_strength(m, ys, P, site))
        s = gain(lambda ys: strength(m, ys, P, site))
        for k in (1, 2):
            assert fs[k] > 2.0 * s[k] > 0.0, (site, k, fs[k], s[k])
        assert fs[2] > 10.0, site  # model: +22 to +29 pp at 12 months
