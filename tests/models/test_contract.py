"""Every registered zoo model implements the declared model contract (models/base.py)."""
from __future__ import annotations

from pathlib import Path

import jax.numpy as jnp
import numpy as np
import pytest

import osteosim.models as zoo
from osteosim.models import MODEL_REGISTRY, Model, ModelContract
from osteosim.parameters.base import ParameterSet


@pytest.mark.parametrize("name", sorted(MODEL_REGISTRY))
def test_registered_model_satisfies_the_contract(name):
    m = MODEL_REGISTRY[name]()
    assert isinstance(m, Model) and isinstance(m, ModelContract)
    assert m.name == name and m.state_names and len(set(m.state_names)) == m.n_states
    assert isinstance(m.uses_patient, bool) and isinstance(m.sbml_exportable, bool)
    assert isinstance(m.description, str) and m.description
    assert m.default_years > 0 and m.default_rtol > 0 and m.time_unit == "day"
    ps = m.default_parameters()
    assert isinstance(ps, ParameterSet) and len(ps) > 0
    p = ps.values_dict()
    d = m.complete_drivers(p, m.default_drivers())
    assert set(m.default_drivers()) <= set(d)
    y0 = np.asarray(m.initial_state(p, d), dtype=float)
    assert y0.shape == (m.n_states,) and np.all(np.isfinite(y0))
    scale = np.asarray(m.state_scale(), dtype=float)
    assert scale.shape == (m.n_states,) and np.all(scale > 0)
    t0 = m.start_time(d)
    assert isinstance(t0, float) and (t0 == 0.0 or m.uses_patient)
    dy = np.asarray(m.rhs(jnp.asarray(t0), jnp.asarray(y0), p, d))
    assert dy.shape == (m.n_states,) and np.all(np.isfinite(dy))
    assert isinstance(m.outputs(jnp.asarray(t0), jnp.asarray(y0), p, d), dict)
    assert isinstance(m.jump_times(d), list)
    hash(m.cache_key())


def test_every_model_module_is_registered():
    """Adding a model = one module under models/ (models/__init__.py imports every module; its
    @register_model class joins the zoo)."""
    modules = [f.stem for f in Path(zoo.__file__).parent.glob("*.py") if f.stem not in ("__init__", "base")]
    registered = {cls.__module__ for cls in MODEL_REGISTRY.values()}
    for stem in modules:
        assert f"osteosim.models.{stem}" in registered, f"models/{stem}.py: no @register_model class"


def test_defaults_of_the_contract():
    class Bare(Model):
        name = "Bare"
        state_names = ("x",)

    m = Bare()
    assert not m.uses_patient and m.sbml_exportable and m.start_time({}) == 0.0
    assert m.default_years == pytest.approx(1000 / 365.25)
