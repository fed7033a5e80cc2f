"""Osteosim's declared block structure holds: the sites couple only through the shared states, and
the downstream states (rs, conn) are read by no rate but their own.

The Rosenbrock solver trusts ``Osteosim.block_structure``: it factors its linear systems block by
block and takes the downstream states' Jacobian columns from one forward direction (solve/linalg.py):
a model change that made one site's rates depend on another site's state, or any rate read rs or
conn, would silently give wrong answers.  These tests fail instead.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from downstream_helpers import perturbed_points
from osteosim.models import MODEL_REGISTRY, Osteosim
from osteosim.models.base import BlockStructure
from osteosim.models.osteosim import DOWNSTREAM_STATES, SITE_STATES
from osteosim.physiology.patient import SITES, Patient
from osteosim.runs import Lane, build_run
from osteosim.solve import linalg
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
    assert [[names[i] for i in b] for b in s.block_downstream] == [[f"rs_{x}", f"conn_{x}"] for x in SITES]
    assert [len(b) for b in s.core_blocks] == [len(SITE_STATES) - len(DOWNSTREAM_STATES)] * len(SITES)
    # the site columns that share a forward direction across the sites (no shared state reads them)
    shared = [names[s.core_blocks[0][j]] for j in s.unread_positions]
    assert shared == [f"{v}_{SITES[0]}" for v in ("oca", "fat", "bvc", "minc")]


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
        unread = [i for b in s.core_blocks for i in b if i not in s.read_by_coupling]
        rows = j[:, list(s.coupling)][:, :, unread]
        assert np.all(rows == 0.0), (f"lane {i}: a shared state reads "
                                     f"{sorted({MODEL.state_names[unread[c]] for c in np.nonzero(rows)[2]})}, "
                                     "not in Osteosim.block_structure.read_by_coupling")
        for c in s.downstream:  # a downstream column: only its own diagonal entry
            off = np.delete(j[:, :, c], c, axis=1)
            assert np.all(off == 0.0), (f"lane {i}: {MODEL.state_names[c]} is read by "
                                        f"{[MODEL.state_names[r] for r in np.nonzero(np.any(off != 0, 0))[0]]}")
    assert seen_coupling.all()


def _dense(m: linalg.BlockMatrix, s: BlockStructure) -> np.ndarray:
    """The (n, n) matrix in model order that a BlockMatrix stands for (zero where the structure says so)."""
    nb, b, g = m.a.shape[0], m.a.shape[1], m.d.shape[0]
    q = 0 if m.dd is None else m.dd.shape[1]
    nbb, n = nb * b, s.n_states
    out = np.zeros((n, n))
    for k in range(nb):
        blk, dn = slice(k * b, (k + 1) * b), slice(nbb + g + k * q, nbb + g + (k + 1) * q)
        out[blk, blk], out[blk, nbb:nbb + g], out[nbb:nbb + g, blk] = m.a[k], m.bc[k], m.cb[k]
        if q:
            out[dn, blk], out[dn, nbb:nbb + g], out[dn, dn] = m.da[k], m.dg[k], np.diag(m.dd[k])
    out[nbb:nbb + g, nbb:nbb + g] = m.d
    inv = np.argsort(s.order)
    return out[np.ix_(inv, inv)]


def test_solver_jacobian_equals_jacfwd():
    """The solver's Jacobian (one forward direction per core column, one for all downstream columns:
    linalg.jacobian) equals jax.jacfwd of the scaled RHS, as the solver sees it, at perturbed states,
    ages before/around/after a regimen's start, for several regimens (rounding: the same forward pass)."""
    p = MODEL.default_parameters().values_dict()
    regimens = [[], REGIMENS[1], REGIMENS[2], REGIMENS[4], REGIMENS[6]]
    s = MODEL.block_structure
    scale = jnp.asarray(MODEL.state_scale())

    @jax.jit
    def both(t, y, pl, dl):
        def f(x):
            return MODEL.rhs(t, x * scale, pl, dl) / scale
        z = y / scale
        return jax.jacfwd(f)(z), linalg.jacobian(f, z, s)

    for t, y, pl, dl in perturbed_points(MODEL, p, regimens, seed=13):
        ref, bm = both(t, y, pl, dl)
        ref, dense = np.asarray(ref), _dense(jax.tree.map(np.asarray, bm), s)
        assert np.all(np.isfinite(ref))
        assert np.all(np.diag(ref)[list(s.downstream)] != 0.0)  # the one extra direction carries information
        assert np.max(np.abs(dense - ref)) <= 1e-15 * np.max(np.abs(ref)), float(t)


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


@pytest.mark.parametrize("downstream, match", [
    (("g",), r"not in a block \(coupling or out of range\) \[4\]"),
    (("b", "b"), r"repeated \[1\]"),
    (("b",), r"the blocks hold \[1, 0\] downstream states"),
    (("a", "b", "c", "d"), "fewer than its size"),
])
def test_bad_downstream_states_are_refused(downstream, match):
    with pytest.raises(ValueError, match=match):
        BlockStructure.from_names(("a", "b", "c", "d", "g"), [["a", "b"], ["c", "d"]], ["g"], downstream)


def test_bad_read_by_coupling_is_refused():
    with pytest.raises(ValueError, match=r"read_by_coupling: \[1, 4\] are not core block states"):
        BlockStructure.from_names(("a", "b", "c", "d", "g"), [["a", "b"], ["c", "d"]], ["g"], ["b", "d"], ["a", "b", "g"])


def test_downstream_states_go_last_in_solver_order():
    s = BlockStructure.from_names(("a", "b", "c", "d", "g"), [["a", "b"], ["c", "d"]], ["g"], ["a", "c"])
    assert s.core_blocks == ((1,), (3,)) and s.block_downstream == ((0,), (2,))
    assert list(s.order) == [1, 3, 4, 0, 2]


def test_out_of_range_indices_are_refused():
    with pytest.raises(ValueError, match=r"out of range \[4\]"):
        BlockStructure(4, blocks=((0, 1), (2, 4)), coupling=(3,))
