"""The habitual load's age decline (physiology.drivers.muscle_strength, mechanical_load): issue 17 item 7."""
import jax.numpy as jnp
import numpy as np
import pytest

from osteosim.models import Osteosim
from osteosim.physiology import drivers as drv

P = Osteosim().default_parameters().values_dict()
D = dict(drv.NEUTRAL_DRIVERS)


def test_strength_is_flat_until_the_onset_then_falls():
    ages = jnp.array([25.0, 50.0, P["muscle_decline_onset"], 75.0, 85.0, 95.0])
    m = np.asarray(drv.muscle_strength(ages, P))
    assert m[0] == m[1] == m[2] == 1.0
    assert np.all(np.diff(m[2:]) < 0.0)


def test_strength_loss_rate_at_75_is_the_health_abc_rate():
    # Goodpaster 2006: women aged 70-79 lost 2.6 %/y of knee-extensor strength
    h = 1e-3
    rate = -(np.log(drv.muscle_strength(75.0 + h, P)) - np.log(drv.muscle_strength(75.0 - h, P))) / (2 * h)
    assert rate == pytest.approx(0.026, rel=1e-3)


@pytest.mark.parametrize("coupling", [0.0, 0.5, 2.0])
def test_load_follows_strength_to_the_coupling_power(coupling):
    p = dict(P, load_muscle_coupling=coupling)
    d = dict(D, activity_load=0.85, bmi=30.0)
    for age in (40.0, 80.0):
        expected = 0.85 * (30.0 / 25.0) ** p["load_bmi_exponent"] * float(drv.muscle_strength(age, p)) ** coupling
        assert float(drv.mechanical_load(age, d, p)) == pytest.approx(expected, rel=1e-12)
    if coupling == 0.0:
        assert float(drv.mechanical_load(90.0, d, p)) == float(drv.mechanical_load(30.0, d, p))
