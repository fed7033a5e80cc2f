"""Trial time: the shifted model's jump times are where its right-hand side sees each switch or dose."""
import numpy as np

from osteosim.models import Osteosim
from osteosim.runs import as_regimen
from osteosim.runs.regimens import dose_tables
from osteosim.therapies.dosing import doses_given
from osteosim.trials.engine import ShiftedModel, first_reaching
from osteosim.units import DAYS_PER_YEAR


def test_first_reaching_is_the_first_trial_time_at_the_model_time():
    rng = np.random.default_rng(0)
    shift = rng.uniform(60, 90, 5000) * DAYS_PER_YEAR
    a = shift + rng.uniform(-10.0, 2000.0, shift.size)
    t = first_reaching(a, shift)
    assert np.all(t + shift >= a) and np.all(np.nextafter(t, -np.inf) + shift < a)
    # the naive a - shift fails this for most of them: that is what cost ~70 Rodas5P steps per dose
    assert np.mean(np.nextafter(a - shift, -np.inf) + shift >= a) > 0.5
    assert np.array_equal(first_reaching(np.array([np.inf, 5.0]), np.array([1.0, 0.0])), [np.inf, 5.0])


def test_a_step_ending_before_a_dose_does_not_see_it():
    model = ShiftedModel(Osteosim())
    ages = np.array([61.25, 70.5, 83.0833]) * DAYS_PER_YEAR
    regimen = as_regimen(["denosumab 60 mg every 6 months for 3 years"])
    tables = [dose_tables(regimen, age, 3 * DAYS_PER_YEAR) for age in ages]
    drivers = {k: np.stack([t[k] for t in tables]) for k in tables[0]}
    drivers["t_shift"] = ages
    jumps = np.concatenate(model.jump_times(dict(model.default_drivers(), **drivers)), axis=1)
    table = {k[len("den_"):]: v for k, v in drivers.items() if k.startswith("den_")}
    for i in range(len(ages)):
        row = {k: v[i] for k, v in table.items()}
        for tj in jumps[i][np.isfinite(jumps[i]) & (jumps[i] > 0)]:
            before = float(np.sum(doses_given(np.nextafter(tj, -np.inf) + ages[i], row)))
            at = float(np.sum(doses_given(tj + ages[i], row)))
            assert before < at, (i, tj)
