"""solve/linalg.py: the block-bordered LU equals LAPACK's; Rodas5P gives the same answer with either."""
from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from osteosim.models import Osteosim
from osteosim.models.base import BlockStructure, Model
from osteosim.models.osteosim import SITE_STATES
from osteosim.solve import linalg

MODEL = Osteosim()
STRUCTURE = MODEL.block_structure
#: the same blocks without downstream states (every site state factored; the generic bordered path)
NO_DOWNSTREAM = BlockStructure(STRUCTURE.n_states, STRUCTURE.blocks, STRUCTURE.coupling)
N = STRUCTURE.n_states  # 6 states per site (physiology.sites) + the shared ones
H_GAMMA = [1e-2, 1.0, 1e2, 1e4, 1e6]  # days (gamma = 0.19: steps of 0.05 days to 5e6 days)


def _random_structured(rng, structure, batch, shift):
    """Random matrices with the structure's zero pattern, diagonally shifted to be well-conditioned."""
    n = structure.n_states
    mask = np.zeros((n, n), bool)
    for b in structure.blocks:
        mask[np.ix_(b, b)] = True
    mask[list(structure.coupling), :] = True
    mask[:, list(structure.coupling)] = True
    mask[:, list(structure.downstream)] = False  # nothing reads a downstream state but itself
    mask[list(structure.downstream), list(structure.downstream)] = True
    if structure.read_by_coupling is not None:  # the coupling rows read only these block states
        unread = [i for b in structure.core_blocks for i in b if i not in structure.read_by_coupling]
        mask[np.ix_(list(structure.coupling), unread)] = False
    return rng.normal(size=(batch, n, n)) * mask + shift * np.eye(n)


@functools.partial(jax.jit, static_argnums=2)
def _factor_solve(m, r, structure):
    """vmapped over the leading axis, as the solver does (patients on the kernels' minor axis)."""
    return jax.vmap(lambda mi, ri: linalg.solve(linalg.factor(mi, structure), ri, structure))(m, r)


def _solve_both(m, r, structure):
    x = _factor_solve(jnp.asarray(m), jnp.asarray(r), structure)
    x_ref = _factor_solve(jnp.asarray(m), jnp.asarray(r), None)
    return np.asarray(x), np.asarray(x_ref)


def _rel(x, ref):
    return np.max(np.abs(x - ref)) / np.max(np.abs(ref))


@pytest.mark.parametrize("structure", [
    STRUCTURE,
    NO_DOWNSTREAM,
    # blocks not contiguous and not in front: the solver permutes to its order and back
    BlockStructure(9, blocks=((8, 0), (3, 5), (1, 7)), coupling=(2, 6, 4)),
    BlockStructure(9, blocks=((8, 0), (3, 5), (1, 7)), coupling=(2, 6, 4), downstream=(0, 3, 7)),
    BlockStructure(5, blocks=((0, 1, 2, 3, 4),), coupling=()),  # one dense block, no coupling
], ids=["osteosim", "osteosim-no-downstream", "permuted", "permuted-downstream", "one-block"])
def test_bordered_lu_equals_lapack_on_random_matrices(structure):
    rng = np.random.default_rng(1)
    m = _random_structured(rng, structure, batch=6, shift=3.0 * np.sqrt(structure.n_states))
    r = rng.normal(size=(6, structure.n_states))
    x, x_ref = _solve_both(m, r, structure)
    assert _rel(x, x_ref) < 1e-12
    assert np.allclose(np.einsum("bij,bj->bi", m, x), r, atol=1e-10)
    # one system without vmap (the kernels' batch axes are then empty)
    x0 = linalg.solve(linalg.factor(jnp.asarray(m[0]), structure), jnp.asarray(r[0]), structure)
    assert _rel(np.asarray(x0), x_ref[0]) < 1e-12


@pytest.mark.parametrize("structure", [
    STRUCTURE,
    NO_DOWNSTREAM,
    BlockStructure(9, blocks=((8, 0), (3, 5), (1, 7)), coupling=(2, 6, 4), downstream=(0, 3, 7)),
    BlockStructure(11, blocks=((8, 0, 9), (3, 5, 10), (1, 7, 6)), coupling=(2, 4), downstream=(0, 3, 1),
                   read_by_coupling=(9, 10)),  # core blocks (8, 9), (5, 10), (7, 6): columns 8, 5, 7 share one direction
], ids=["osteosim", "osteosim-no-downstream", "permuted-downstream", "permuted-shared-columns"])
def test_jacobian_equals_the_matrix_pieces(structure):
    """linalg.jacobian of a linear f(y) = M y with the structure's zero pattern gives blocks_of(M), bit for bit."""
    if structure.read_by_coupling is not None:
        assert structure.unread_positions  # some columns share a direction
    m = _random_structured(np.random.default_rng(6), structure, batch=1, shift=0.0)[0]
    got = linalg.jacobian(lambda y: jnp.asarray(m) @ y, jnp.ones(structure.n_states), structure)
    want = linalg.blocks_of(jnp.asarray(m), structure)
    for name, a, b in zip(got._fields, got, want):
        assert (a is None) == (b is None), name
        if a is not None:
            assert np.array_equal(np.asarray(a), np.asarray(b)), name


def test_a_structure_that_does_not_hold_gives_a_different_answer():
    """The bordered LU trusts the declared zeros: with a site-to-site entry it is wrong (why the
    model's structure is checked numerically in tests/models/test_osteosim_structure.py)."""
    rng = np.random.default_rng(2)
    m = _random_structured(rng, STRUCTURE, batch=1, shift=15.0)
    m[0, 0, len(SITE_STATES)] = 5.0  # lumbar spine obp <- total hip obp
    x, x_ref = _solve_both(m, rng.normal(size=(1, N)), STRUCTURE)
    assert _rel(x, x_ref) > 1e-3
    # a rate that reads a downstream state (lumbar spine obp <- its rs)
    m = _random_structured(rng, STRUCTURE, batch=1, shift=15.0)
    m[0, 0, SITE_STATES.index("rs")] = 5.0
    x, x_ref = _solve_both(m, rng.normal(size=(1, N)), STRUCTURE)
    assert _rel(x, x_ref) > 1e-3


@functools.lru_cache(maxsize=1)
def _osteosim_jacobians() -> np.ndarray:
    """d f/d y of the scaled Osteosim RHS (as the solver sees it) for 4 patients at 5 ages: (20, N, N)."""
    from osteosim.physiology.patient import Patient
    from osteosim.runs import Lane, build_run
    from osteosim.units import DAYS_PER_YEAR

    p = MODEL.default_parameters().values_dict()
    lanes = [Lane(Patient(sex="female", age=60.0, menopause_age=50.0), [], start_age=60.0),
             Lane(Patient(sex="male", age=60.0, smoker=True), [], start_age=60.0),
             Lane(Patient(sex="female", age=60.0, menopause_age=48.0),
                  ["denosumab 60 mg every 6 months for 3 years"], start_age=60.0),
             Lane(Patient(sex="female", age=60.0, menopause_age=52.0),
                  ["romosozumab 210 mg monthly for 1 year"], start_age=60.0)]
    run = build_run(MODEL, lanes, p, ts=np.array([60.0]) * DAYS_PER_YEAR, years=3.0, reference="lane")
    scale = jnp.asarray(MODEL.state_scale())
    ages = jnp.asarray(np.array([30.0, 50.5, 60.1, 61.0, 80.0]) * DAYS_PER_YEAR)
    rng = np.random.default_rng(3)

    def f(t, x, p, d):
        return MODEL.rhs(t, x * scale, p, d) / scale

    jac = jax.jit(jax.vmap(jax.jacfwd(f, argnums=1), in_axes=(0, 0, None, None)))
    out = []
    for pl, dl in zip(run.lane_params, run.lane_drivers):
        # states off the reference (cells and bone x0.5..2, drug in the body)
        z = run.y0[0] / np.asarray(scale) * np.exp(rng.uniform(-0.7, 0.7, size=(len(ages), N)))
        z[:, MODEL.state_names.index("den_central")] = rng.uniform(0.0, 6.0, size=len(ages))  # denosumab (1e7 ng)
        out.append(np.asarray(jac(ages, jnp.asarray(z), {k: jnp.asarray(v) for k, v in pl.items()},
                                  {k: jnp.asarray(v) for k, v in dl.items()})))
    return np.concatenate(out)


def _backward_error(m, x, r):
    """max over the batch of ||m x - r|| / (||m|| ||x|| + ||r||): what a backward-stable solver keeps near eps."""
    res = np.einsum("bij,bj->bi", m, np.asarray(x)) - r
    return np.max(np.linalg.norm(res, axis=1) / (np.linalg.norm(m, axis=(1, 2)) * np.linalg.norm(np.asarray(x), axis=1)
                                                   + np.linalg.norm(r, axis=1)))


@pytest.mark.parametrize("structure", [STRUCTURE, NO_DOWNSTREAM], ids=["downstream", "no-downstream"])
@pytest.mark.parametrize("h_gamma", H_GAMMA)
def test_bordered_lu_equals_lapack_on_osteosim_matrices(h_gamma, structure):
    """No pivoting is needed for Osteosim's I/(h gamma) - J at step sizes from 0.05 days to 5e6 days: the bordered
    LU is backward stable (residual at rounding level, like pivoted LAPACK's), and the two solutions differ by no
    more than the matrices' conditioning allows.  (The slow connectivity states, rates ~1e-5/day, make the longest
    steps' matrices nearly singular, cond ~2e9 at 5e6 days: there the solutions differ by ~3e-11 with residuals of
    ~3e-17 either way, a property of the matrix, not of the missing pivoting.)"""
    jac = _osteosim_jacobians()
    m = np.eye(N) / h_gamma - jac
    r = np.random.default_rng(4).normal(size=jac.shape[:2])
    x, x_ref = _solve_both(m, r, structure)
    assert _backward_error(m, x, r) < 1e-15
    assert _backward_error(m, x, r) < 10.0 * _backward_error(m, x_ref, r) + 1e-16
    assert _rel(x, x_ref) < 1e-15 * max(1.0, float(np.max(np.linalg.cond(m))))


@pytest.mark.parametrize("structure", [STRUCTURE, NO_DOWNSTREAM], ids=["downstream", "no-downstream"])
def test_rodas5p_step_bordered_equals_dense(structure):
    """One Rodas5P step of a patient: the same state, error estimate and dense output either way."""
    from osteosim.solve.rosenbrock import rodas5p_step

    jac = jnp.asarray(_osteosim_jacobians()[5])  # a linear test RHS with Osteosim's Jacobian

    def f(t, y):
        return jac @ y + jnp.sin(t) * jnp.ones_like(y)

    y = jnp.asarray(np.random.default_rng(5).normal(size=N))
    for h in (0.5, 30.0, 2000.0):
        args = (jnp.asarray(1.0), y, jnp.asarray(h))
        dense = rodas5p_step(f, *args)
        bordered = rodas5p_step(f, *args, structure)
        size = np.max(np.abs(dense[0]))  # rounding relative to the state (the error estimate is small) or to
        for a, b in zip(dense, bordered):  # the output itself (the dense coefficients can be 100x the state)
            scale = max(size, np.max(np.abs(np.asarray(a))))
            assert np.max(np.abs(np.asarray(b) - np.asarray(a))) < 1e-12 * scale


class _TwoSites(Model):
    """A small stiff model with Osteosim's shape: 2 sites of 2 states coupled through 1 shared state."""

    name = "TwoSites"
    state_names = ("x_a", "y_a", "x_b", "y_b", "g")
    block_structure = BlockStructure.from_names(state_names, [["x_a", "y_a"], ["x_b", "y_b"]], ["g"])

    def rhs(self, t, y, p, d):
        x, v, g = y[jnp.array([0, 2])], y[jnp.array([1, 3])], y[4]
        k = jnp.stack([p["k_a"], p["k_b"]])
        dx = -k * (x - g * (1.0 + 0.5 * jnp.sin(t))) + 0.1 * v
        dv = -0.05 * v + x * g
        dg = -g * (1.0 + jnp.sum(x ** 2)) + 1.0
        return jnp.stack([dx[0], dv[0], dx[1], dv[1], dg])

    def cache_key(self):
        return (self.name, self.block_structure is None)


class _TwoSitesDense(_TwoSites):
    block_structure = None


class _TwoSitesDownstream(Model):
    """_TwoSites plus one downstream state per site (r: read by nothing but itself, reads its site and g)."""

    name = "TwoSitesDownstream"
    state_names = ("x_a", "r_a", "y_a", "x_b", "r_b", "y_b", "g")
    block_structure = BlockStructure.from_names(state_names, [["x_a", "r_a", "y_a"], ["x_b", "r_b", "y_b"]], ["g"],
                                                ["r_a", "r_b"])

    def rhs(self, t, y, p, d):
        core = _TwoSites.rhs(self, t, y[jnp.array([0, 2, 3, 5, 6])], p, d)
        r, x, v = y[jnp.array([1, 4])], y[jnp.array([0, 3])], y[jnp.array([2, 5])]
        dr = 50.0 * x * v * y[6] - (1.0 + r ** 2) * r  # stiff-ish, nonlinear in r
        return jnp.stack([core[0], dr[0], core[1], core[2], dr[1], core[3], core[4]])

    def cache_key(self):
        return (self.name, self.block_structure is None)


class _TwoSitesDownstreamDense(_TwoSitesDownstream):
    block_structure = None


def test_rodas5p_solve_bordered_equals_lapack():
    """A whole adaptive Rodas5P solve (vmapped lanes, custom batching rule) with either LU."""
    from osteosim.solve.integrate import SolverOptions, solve_batch

    n = 5
    params = {"k_a": np.geomspace(10.0, 1e4, n), "k_b": np.geomspace(1e3, 1.0, n)}
    y0 = np.tile([0.0, 0.0, 1.0, 0.5, 1.0], (n, 1))
    ts = np.linspace(0.0, 20.0, 11)
    opts = SolverOptions(solver="Rodas5P", rtol=1e-8, atol=1e-10)
    sols = [solve_batch(m, params, y0, ts, options=opts) for m in (_TwoSitesDense(), _TwoSites())]
    assert all(s.ok.all() for s in sols)
    assert np.array_equal(sols[0].num_steps, sols[1].num_steps)
    assert _rel(sols[1].ys, sols[0].ys) < 1e-10


def test_rodas5p_solve_with_downstream_states_equals_lapack():
    """The same with downstream states: their columns from one forward direction, their values by substitution."""
    from osteosim.solve.integrate import SolverOptions, solve_batch

    n = 5
    params = {"k_a": np.geomspace(10.0, 1e4, n), "k_b": np.geomspace(1e3, 1.0, n)}
    y0 = np.tile([0.0, 0.2, 0.0, 1.0, 0.1, 0.5, 1.0], (n, 1))
    ts = np.linspace(0.0, 20.0, 11)
    opts = SolverOptions(solver="Rodas5P", rtol=1e-8, atol=1e-10)
    sols = [solve_batch(m, params, y0, ts, options=opts) for m in (_TwoSitesDownstreamDense(), _TwoSitesDownstream())]
    assert all(s.ok.all() for s in sols)
    assert np.array_equal(sols[0].num_steps, sols[1].num_steps)
    assert _rel(sols[1].ys, sols[0].ys) < 1e-10
    assert np.ptp(sols[1].ys[:, :, [1, 4]]) > 0.1  # the downstream states move


def test_a_structure_of_another_size_is_refused():
    from osteosim.solve.rosenbrock import rodas5p_step

    with pytest.raises(ValueError, match=f"declared for {N} states, the model has 5"):
        rodas5p_step(lambda t, y: -y, jnp.asarray(0.0), jnp.ones(5), jnp.asarray(0.1), STRUCTURE)
