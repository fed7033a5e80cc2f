"""Osteosim's declared block structure holds: the sites couple only through the shared states.

The Rosenbrock solver trusts ``Osteosim.block_structure`` and factors its linear systems block by
block (solve/linalg.py): a model change that made one site's rates depend on another site's
state would silently give wrong answers.  This test fails instead.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from osteosim.models import MODEL_REGISTRY, Osteosim
from osteosim.models.base import BlockStructure
from osteosim.physiology.patient import SITES, Patient
from osteosim.runs import Lane, build_run
from osteosim.units import DAYS_PER_YEAR

MODEL = Osteosim()
REGIMENS = [[], ["denosumab 60 mg every 6 months for 3 years"], ["romosozumab 210 mg monthly for 1 year"],
            ["zoledronic acid 5 mg yearly for 3 years"], ["abaloparatide 80 ug daily for 1 year"],
            ["msc bone-marrow autologous 5e6 cells intraosseous once at 0 months site lumbar_spine"],
            ["msc umbilical-cord allogeneic 1e6 cells/kg iv once"]]


def test_declared_structure_is_the_sites_and_the_shared_states():
    s = MODEL.block_structure
    names = MODEL.state_names
    assert len(s.blocks) == len(SITES)
    for block, site in zip(s.blocks, SITES):
        assert all(names[i].endswith(f"_{site}") for i in block)
    assert [names[i] for i in s.coupling] == ["msc", "ocp", "den_central", "reserve"]


def test_sites_do_not_couple_in_the_jacobian():
    """d f_site(k) / d y_site(l) == 0 exactly (k != l) for men and women, with and without drugs,
    at ages before, around and after menopause and during therapy, at perturbed states."""
    p = MODEL.default_parameters().values_dict()
    patients = [Patient(sex="female", age=60.0, menopause_age=51.0), Patient(sex="male", age=60.0, smoker=True),
                Patient(sex="female", age=60.0, glucocorticoids=True, menopause_age=47.0)]
    lanes = [Lane(pt, reg, start_age=60.0) for pt in patients for reg in REGIMENS]
    run = build_run(MODEL, lanes, p, ts=np.array([60.0]) * DAYS_PER_YEAR, years=3.0, reference="lane")
    ages = jnp.asarray(np.array([30.0, 50.9, 51.0, 60.0, 60.02, 60.5, 62.0, 85.0]) * DAYS_PER_YEAR)
    rng = np.random.default_rng(11)
    jac = jax.jit(jax.vmap(jax.jacfwd(MODEL.rhs, argnums=1), in_axes=(0, 0, None, None)))
    s = MODEL.block_structure
    seen_coupling = np.zeros(2, bool)
    for i, (pl, dl) in enumerate(zip(run.lane_params, run.lane_drivers)):
        y = run.y0[i] * np.exp(rng.uniform(-0.5, 0.5, size=(len(ages), MODEL.n_states)))
        y[:, s.coupling[2]] = rng.uniform(0.0, 6e7, size=len(ages))  # denosumab in the body (ng)
        j = np.asarray(jac(ages, jnp.asarray(y), {k: jnp.asarray(v) for k, v in pl.items()},
                           {k: jnp.asarray(v) for k, v in dl.items()}))
        assert np.all(np.isfinite(j)), f"lane {i}"
        for k, rows in enumerate(s.blocks):
            for m, cols in enumerate(s.blocks):
                if k != m:
                    block = j[:, rows][:, :, cols]
                    assert np.all(block == 0.0), (
                        f"lane {i}: site {SITES[k]} depends on site {SITES[m]}: max |d f/d y| "
                        f"{np.abs(block).max():.3g}; Osteosim.block_structure no longer holds")
            # the coupling the structure allows is really there (the test sees the Jacobian)
            seen_coupling |= [np.any(j[:, rows][:, :, list(s.coupling)] != 0),
                              np.any(j[:, list(s.coupling)][:, :, rows] != 0)]
    assert seen_coupling.all()


@pytest.mark.parametrize("name", sorted(MODEL_REGISTRY))
def test_declared_structures_partition_the_states(name):
    m = MODEL_REGISTRY[name]()
    s = m.block_structure
    assert s is None or (isinstance(s, BlockStructure) and s.n_states == m.n_states)


@pytest.mark.parametrize("blocks, coupling, match", [
    ([["a", "b"], ["c"]], ["d"], "same size"),
    ([], ["a", "b", "c", "d"], "same size"),
    ([["a", "b"], ["c", "a"]], ["d"], r"repeated \[0\]"),
    ([["a", "b"]], ["c"], r"missing \[3\]"),
    ([["a", "b"], ["c", "x"]], ["d"], "unknown state 'x'"),
])
def test_bad_structures_are_refused(blocks, coupling, match):
    with pytest.raises(ValueError, match=match):
        BlockStructure.from_names(("a", "b", "c", "d"), blocks, coupling)


def test_out_of_range_indices_are_refused():
    with pytest.raises(ValueError, match=r"out of range \[4\]"):
        BlockStructure(4, blocks=((0, 1), (2, 4)), coupling=(3,))
