"""Drug exposure signals (therapies/pkpd.py): closed-form PK against label facts, persistence, units."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from osteosim.models import Osteosim
from osteosim.therapies import parse_regimen
from osteosim.therapies.pkpd import exposures, regimen_tables

P = Osteosim().default_parameters().values_dict()
DAY = 1.0
YEAR = 365.25


def signals(regimen: list[str], days: np.ndarray, horizon_years: float = 12.0) -> dict[str, np.ndarray]:
    """Exposure signals at each day (no denosumab state: the closed-form drugs only)."""
    d = {k: jnp.asarray(v) for k, v in regimen_tables(parse_regimen(regimen), 0.0, horizon_years * YEAR).items()}
    f = jax.jit(jax.vmap(lambda t: exposures(t, d, P, 0.0)))
    out = f(jnp.asarray(days, dtype=float))
    return {k: np.asarray(v) for k, v in out.items()}


def test_romosozumab_half_life_and_peak_time():
    """One SC dose: peak within days (label Tmax ~5 d) and terminal half-life 12.8 d (Evenity label)."""
    t = np.arange(0.0, 120.0, 0.25)
    c = signals(["romosozumab 210 mg once"], t)["romo_conc"]
    assert 2.0 <= t[np.argmax(c)] <= 8.0
    late = (t >= 60.0) & (t <= 100.0)
    slope = np.polyfit(t[late], np.log(c[late]), 1)[0]
    assert np.log(2.0) / -slope == pytest.approx(12.8, rel=0.02)


def test_bisphosphonate_bound_pool_persists_after_stopping():
    """The bone-bound pool builds over 3 years of weekly alendronate and decays with a ~10-year half-life."""
    t = np.array([0.5, 1.0, 2.0, 3.0, 4.0, 8.0]) * YEAR
    b = signals(["alendronate 70 mg weekly for 3 years"], t)["bp_bound"]
    assert b[0] < b[1] < b[2] < b[3]
    assert b[4] / b[3] == pytest.approx(0.5 ** (1.0 / 10.0), rel=0.01)
    assert b[5] / b[3] == pytest.approx(0.5 ** (5.0 / 10.0), rel=0.01)
    # zoledronic acid: 5 mg bolus, 61 % retained, more potent per bound mg
    z = signals(["zoledronic acid 5 mg once"], np.array([1.0, YEAR]))["bp_bound"]
    assert z[0] == pytest.approx(P["zol_potency"] * P["zol_F_bone"] * 5.0, rel=1e-3)


def test_teriparatide_is_a_daily_averaged_rate_only_while_dosed():
    t = np.array([10.0, 200.0, 400.0]) * DAY
    x = signals(["teriparatide 20 ug daily for 1 year"], t)
    np.testing.assert_allclose(x["teri_rate"], [20.0, 20.0, 0.0], atol=1e-9)
    assert x["pth_increment"][0] > 0.0 and x["pth_increment"][2] == 0.0
    # abaloparatide enters as its teriparatide equivalent
    a = signals(["abaloparatide 80 ug daily for 1 year"], t)
    assert a["teri_rate"][0] == pytest.approx(80.0 * P["abalo_equivalence"])


def test_supplements_and_hormone_therapy_rates():
    t = np.array([30.0, 3 * YEAR])
    x = signals(["calcium 500 mg daily for 2 years", "vitamin d 800 IU daily for 2 years",
                 "estrogen 0.625 mg daily for 2 years"], t)
    np.testing.assert_allclose(x["ca_supplement"], [500.0, 0.0])
    np.testing.assert_allclose(x["vitd_supplement"], [800.0, 0.0])
    np.testing.assert_allclose(x["est_rate"], [0.625, 0.0])


def test_raloxifene_is_the_daily_averaged_absorbed_dose():
    """60 mg tablets daily: 2 % absorbed (Evista label), averaged while dosed (half-life 27.7 h << the bone response)."""
    x = signals(["raloxifene 60 mg daily for 2 years"], np.array([30.0, 3 * YEAR]))
    np.testing.assert_allclose(x["serm_rate"], [60.0 * 0.02, 0.0])
    assert P["ralox_F"] == 0.02 and np.all(x["est_rate"] == 0.0)
