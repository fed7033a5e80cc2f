"""outcomes.strength: strength per site from its cancellous and cortical compartments (Morgan 2003 trabecular
exponents, a compact-bone law, load shares), and fracture strength with the cancellous resorption-cavity stress riser."""
import numpy as np
import pytest

from osteosim.models import Osteosim
from osteosim.outcomes.patient_run import simulate_regimens
from osteosim.outcomes.strength import (cancellous_remodeling_space, cavity_factor, compartment_strengths, compartments,
                                        fracture_strength, remodeling_space, site_strength, strength,
                                        strength_bmd_exponent, strength_pct_change, young_cancellous_remodeling_space)
from osteosim.physiology.patient import SITES, Patient

P = Osteosim().default_parameters().values_dict()


def test_young_adult_peak_is_one_at_every_site():
    for site in SITES:
        assert site_strength(1.0, 1.0, 1.0, 1.0, P, site) == pytest.approx(1.0, rel=1e-12)
        m = Osteosim()
        y = m.initial_state(m.default_parameters())
        assert strength(m, y, P, site) == pytest.approx(1.0, rel=1e-12)
        assert fracture_strength(m, y, P, site) == pytest.approx(1.0, rel=1e-12)


def test_load_sharing_law():
    """S = w S_tb + (1 - w) S_ct with S_tb = bvc^b minc^q and S_ct = bvk^b_ct mk^q."""
    b, bct, q = P["strength_exponent_total_hip"], P["cortical_strength_exponent"], P["strength_mineral_exponent"]
    w = P["trabecular_strength_weight_total_hip"]
    expected = w * 0.6 ** b * 1.02 ** q + (1.0 - w) * 0.9 ** bct * 1.05 ** q
    assert site_strength(0.6, 1.02, 0.9, 1.05, P, "total_hip") == pytest.approx(expected)
    s_tb, s_ct = compartment_strengths(0.6, 1.02, 0.9, 1.05, P, "total_hip")
    assert (s_tb, s_ct) == (pytest.approx(0.6 ** b * 1.02 ** q), pytest.approx(0.9 ** bct * 1.05 ** q))
    assert strength_bmd_exponent(P, "total_hip") == pytest.approx(w * b + (1.0 - w) * bct)


def test_a_cancellous_only_gain_raises_vertebral_strength_more_than_hip_strength():
    """+20 % cancellous bone and nothing else (the anabolics' modeling-based formation): the spine, whose vertebral body
    is mostly trabecular-loaded, gains more strength than the cortex-loaded femoral neck, the site of the hip fracture
    hazard (physiology.sites).  (The total hip's trochanteric bone, with Morgan's steep 2.18 exponent and a 50 %
    trabecular share, gains more than either: docs/model.md section 7.)"""
    gain = {s: site_strength(1.2, 1.0, 1.0, 1.0, P, s) - 1.0 for s in SITES}
    assert gain["lumbar_spine"] > gain["femoral_neck"] > 0.0
    # and in an elderly woman (the trials' patients), whose cancellous bone is depleted, the same relative gain
    m = Osteosim()
    ys = simulate_regimens(m, P, [(Patient(sex="female", age=71.0), [], {})], np.array([71.0])).ys[0, -1]

    def rel_gain(site):
        bvc, minc, bvk, mk = compartments(m, ys, P, site)
        return site_strength(1.2 * bvc, minc, bvk, mk, P, site) / site_strength(bvc, minc, bvk, mk, P, site) - 1.0

    assert rel_gain("lumbar_spine") > rel_gain("femoral_neck") > 0.0


def test_weights_give_the_measured_share_at_the_reference_woman():
    from osteosim.calibration.strength import reference_states

    m = Osteosim()
    ys = reference_states(P, m)
    for site in SITES:
        s_tb, s_ct = compartment_strengths(*compartments(m, ys, P, site), P, site)
        w = P[f"trabecular_strength_weight_{site}"]
        share = w * s_tb / (w * s_tb + (1.0 - w) * s_ct)
        assert share == pytest.approx(P[f"trabecular_strength_share_{site}"], rel=1e-3)
        # where cancellous bone is lost faster the young adult's bone leans on it more; at the distal radius the loss
        # is mostly cortical (its cancellous turnover ratio is below 1, rows 90g, 90h), so less
        assert (w < share) if P[f"cancellous_turnover_ratio_{site}"] < 1.0 else (w > share)


def test_strength_from_model_states_and_pct_change():
    m = Osteosim()
    y = np.tile(m.initial_state(m.default_parameters()), (2, 3, 1))
    f = P["cancellous_fraction_femoral_neck"]
    y[:, 1, m.state_names.index("bv_femoral_neck")] = 0.9
    s = strength(m, y, P, "femoral_neck")
    # bv 0.9 with the cancellous state unchanged: the cortical rest lost (0.1 / (1 - f)) of its volume
    bvk = (0.9 - f) / (1.0 - f)
    assert s.shape == (2, 3) and s[0, 0] == pytest.approx(1.0)
    assert s[0, 1] == pytest.approx(site_strength(1.0, 1.0, bvk, 1.0, P, "femoral_neck"))
    pct = strength_pct_change(s)
    assert pct[:, 0].tolist() == [0.0, 0.0] and pct[0, 1] < -10.0


def test_bad_input_is_a_named_error():
    with pytest.raises(ValueError, match="site: 'radius' has no strength exponent"):
        site_strength(1.0, 1.0, 1.0, 1.0, P, "radius")
    with pytest.raises(ValueError, match="bvk: -0.1 is not allowed"):
        site_strength(1.0, 1.0, -0.1, 1.0, P, "lumbar_spine")
    with pytest.raises(ValueError, match="minc: nan is not allowed"):
        site_strength(1.0, np.nan, 1.0, 1.0, P, "lumbar_spine")
    with pytest.raises(ValueError, match="trabecular_strength_weight_lumbar_spine: 1.5 is outside"):
        site_strength(1.0, 1.0, 1.0, 1.0, dict(P, trabecular_strength_weight_lumbar_spine=1.5), "lumbar_spine")
    with pytest.raises(ValueError, match="no trabecular strength weight"):
        strength_bmd_exponent({k: v for k, v in P.items() if k != "trabecular_strength_weight_total_hip"}, "total_hip")


def test_cavity_factor_is_one_for_the_young_adult_and_loses_the_micro_fe_share_at_the_reference():
    from osteosim.calibration.cavity import FIT_PATH

    import json

    ref = json.loads(FIT_PATH.read_text())["report"]
    for site in SITES:
        assert cavity_factor(young_cancellous_remodeling_space(P, site), P, site) == pytest.approx(1.0, rel=1e-12)
        # the reference woman's cavities cost cavity_strength_loss_<site> of cancellous strength against none at all
        x = ref[site]["reference_rs_per_bv"]
        no_cavities = cavity_factor(0.0, P, site)
        assert cavity_factor(x, P, site) / no_cavities == pytest.approx(1.0 - P[f"cavity_strength_loss_{site}"])
        assert no_cavities > 1.0 > cavity_factor(2.0 * x, P, site) >= 0.0
    assert cavity_factor(1e3, P, "lumbar_spine") == 0.0  # clipped, never negative


def test_cancellous_remodeling_space_splits_rs_by_the_resorption_flux():
    m = Osteosim()
    y = m.initial_state(m.default_parameters())
    for site in SITES:
        # young adult: x = rho_c T_F, more than the site's rs / bv where cancellous bone turns over R > 1 times faster
        # per volume, less at the distal radius (R < 1)
        x = cancellous_remodeling_space(m, y, P, site)
        assert x == pytest.approx(young_cancellous_remodeling_space(P, site), rel=1e-12)
        r = P[f"cancellous_turnover_ratio_{site}"]
        assert (x > remodeling_space(m, y, site)) if r > 1.0 else (x < remodeling_space(m, y, site))


def test_fracture_strength_from_model_states():
    m = Osteosim()
    y = np.tile(m.initial_state(m.default_parameters()), (2, 3, 1))
    i = m.state_names.index("rs_lumbar_spine")
    y[:, 1, i] *= 0.2  # the remodeling space refilled
    y[:, 2, m.state_names.index("bv_lumbar_spine")] = 0.9
    fs, s = fracture_strength(m, y, P, "lumbar_spine"), strength(m, y, P, "lumbar_spine")
    assert fs.shape == (2, 3) and fs[0, 0] == pytest.approx(1.0)
    assert s[0, 1] == pytest.approx(1.0) and fs[0, 1] > 1.02  # refilled cavities: stronger at equal bone and mineral
    assert remodeling_space(m, y, "lumbar_spine")[0, 2] == pytest.approx(y[0, 2, i] / 0.9)
    # the cavity factor acts on the trabecular part only (fracture strength's trabecular weight, outcomes.strength)
    w = P["fracture_strength_weight_lumbar_spine"]
    c = cavity_factor(cancellous_remodeling_space(m, y, P, "lumbar_spine"), P, "lumbar_spine")
    assert fs[0, 1] == pytest.approx(w * c[0, 1] + 1.0 - w)


def test_fracture_strength_errors_name_the_missing_piece():
    with pytest.raises(ValueError, match="cavity_coefficient_radius"):
        cavity_factor(0.03, P, "radius")

    class NoRS:
        name = "Pivonka2008"
        state_names = ("OBp", "OBa", "OCa", "BV")

    with pytest.raises(ValueError, match="has no state 'rs_lumbar_spine'"):
        fracture_strength(NoRS(), np.ones((1, 4)), P, "lumbar_spine")


def test_denosumab_raises_fracture_strength_early_more_than_strength():
    """FREEDOM-like woman (72 y): in the first year the refilled cancellous remodeling space adds strength that
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
            assert fs[k] > s[k] > 0.0, (site, k, fs[k], s[k])


def test_lost_struts_cost_fracture_strength_only():
    """conn^k multiplies the cancellous part of fracture strength; strength (QCT-FE-comparable) does not see it."""
    m = Osteosim()
    y = np.tile(m.initial_state(m.default_parameters()), (2, 1))
    y[1, m.state_names.index("conn_lumbar_spine")] = 0.5
    w, k = P["fracture_strength_weight_lumbar_spine"], P["connectivity_strength_exponent"]
    fs, s = fracture_strength(m, y, P, "lumbar_spine"), strength(m, y, P, "lumbar_spine")
    assert s[1] == pytest.approx(s[0]) and fs[0] == pytest.approx(1.0)
    assert fs[1] == pytest.approx(w * 0.5 ** k + 1.0 - w)
    assert fracture_strength(m, y, P, "total_hip")[1] == pytest.approx(1.0)  # one site's struts only


def test_fracture_weight_keeps_the_measured_share_with_the_struts_lost():
    """w_F / (1 - w_F) = (w / (1 - w)) / conn_ref^k: more cancellous weight at the young adult than w, and range errors."""
    from osteosim.outcomes.strength import fracture_weight

    for site in SITES:
        assert P[f"trabecular_strength_weight_{site}"] < fracture_weight(P, site) < 1.0
    with pytest.raises(ValueError, match="fracture_strength_weight_lumbar_spine: 1.5"):
        fracture_weight(dict(P, fracture_strength_weight_lumbar_spine=1.5), "lumbar_spine")


def test_missing_population_connectivity_table_says_how_to_derive_it(monkeypatch, tmp_path):
    """A deleted perforation fit is an error naming the file and the command, never a silent zero term."""
    from osteosim.outcomes import strength

    monkeypatch.setattr(strength.resources, "files", lambda package: tmp_path)
    strength._population_table.cache_clear()
    try:
        with pytest.raises(FileNotFoundError, match=r"perforation_fit\.json.*osteosim calibrate --perforation --write"):
            strength.population_connectivity_log_term("lumbar_spine", 70.0, 1.0)
    finally:
        monkeypatch.undo()
        strength._population_table.cache_clear()
    assert np.isfinite(strength.population_connectivity_log_term("lumbar_spine", 70.0, 1.0))
