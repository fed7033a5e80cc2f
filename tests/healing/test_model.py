"""Finite-volume operator: conservation, budgets, quasi-positivity, haptotaxis direction."""
from __future__ import annotations

import numpy as np
import pytest

from osteosim.healing.model import CM, GB, GC, MB, MC, NF, HealingModel
from osteosim.healing.run import build_grid, solve_course
from osteosim.parameters.bailon_plaza2001 import BAILON_PLAZA2001

P = BAILON_PLAZA2001.values_dict()


@pytest.fixture(scope="module", params=["line", "planar"])
def grid(request):
    return build_grid(BAILON_PLAZA2001, 0.2, request.param, "coarse")


def _random_state(n: int, seed: int = 0, zeros: float = 0.3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    u = rng.uniform(0.0, 1.0, (NF, n))
    u[GC:] *= 20.0
    u[rng.uniform(size=u.shape) < zeros] = 0.0
    return u


def test_interior_fluxes_conserve_every_field(grid):
    m = HealingModel(grid, P)
    u = _random_state(grid.n)
    totals_rate = m.transport(u) @ grid.volume
    scale = np.abs(m.transport(u)) @ grid.volume
    assert np.all(np.abs(totals_rate) <= 1e-12 * scale + 1e-300)
    # face fluxes are antisymmetric by construction: each enters one cell and leaves the other
    assert np.allclose(grid.incidence().sum(axis=0), 0.0)


def test_transport_only_integration_keeps_totals(grid):
    m = HealingModel(grid, P, msc_supply=False, gc_supply=False, gb_supply=False, reactions_on=False)
    u0 = _random_state(grid.n, seed=1, zeros=0.0)

    def set_state(u):
        u[:] = u0
        return {}

    course = solve_course(m, 2.0, [0.0, 1.0, 2.0], jumps=[(0.0, set_state)], rtol=1e-8, atol=1e-12)
    tot = course.u @ grid.volume  # (nt, 7)
    assert np.allclose(tot, tot[0], rtol=1e-10, atol=0.0)
    assert not np.allclose(course.u[-1], course.u[0])  # something did move


def test_budget_closes_with_sources(grid):
    m = HealingModel(grid, P)
    u = _random_state(grid.n, seed=2)
    rate = m.rhs_factory(True, True)(0.0, u.ravel()).reshape(NF, grid.n) @ grid.volume
    b = m.budget(u, True, True)
    assert np.allclose(rate, b["inflow"] + b["reactions"], rtol=1e-12, atol=1e-12 * np.abs(rate).max())
    assert b["inflow"][CM] > 0 and b["inflow"][GC] > 0 and b["inflow"][GB] > 0


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_semi_discrete_system_is_quasi_positive(grid, sign):
    """A zero component never has a negative rate: the exact solution cannot leave u >= 0."""
    m = HealingModel(grid, P, haptotaxis_sign=sign)
    f = m.rhs_factory(True, True)
    for seed in range(3):
        u = _random_state(grid.n, seed=seed)
        du = f(0.0, u.ravel()).reshape(NF, grid.n)
        assert du[u == 0.0].min() >= 0.0


def test_matrix_and_cells_cannot_pass_their_caps(grid):
    m = HealingModel(grid, P)
    u = _random_state(grid.n, seed=4, zeros=0.0)
    u[MC] = u[MB] = 1.0
    u[CM] = 1.0
    du = m.reactions(u)
    assert du[MB].max() <= 0.0 and du[MC].max() <= 0.0


def test_haptotaxis_moves_cells_up_the_matrix_gradient():
    grid = build_grid(BAILON_PLAZA2001, 0.2, "line", "coarse")
    x = grid.centers[:, 0]
    u = np.zeros((NF, grid.n))
    u[CM] = 0.5
    u[MC] = 0.1 + 0.5 * x / x.max()
    up = HealingModel(grid, P, haptotaxis_sign=1.0).transport(u)[CM]
    down = HealingModel(grid, P, haptotaxis_sign=-1.0).transport(u)[CM]
    assert up[-1] > 0 > up[0]
    assert down[-1] < 0 < down[0]


def test_jacobian_pattern_covers_the_rhs(grid):
    """Perturbing one unknown changes only entries the sparsity pattern allows."""
    m = HealingModel(grid, P)
    f = m.rhs_factory(True, True)
    S = m.jac_sparsity().tocsc()
    y = _random_state(grid.n, seed=5, zeros=0.0).ravel()
    f0 = f(0.0, y)
    rng = np.random.default_rng(0)
    for col in rng.choice(y.size, 40, replace=False):
        yy = y.copy()
        yy[col] += 1e-6
        changed = np.nonzero(f(0.0, yy) != f0)[0]
        allowed = S[:, col].nonzero()[0]
        assert set(changed) <= set(allowed)


def test_planar_boundaries_are_where_the_paper_puts_them():
    g = build_grid(BAILON_PLAZA2001, 0.2, "planar", "coarse")
    x, y = g.centers.T
    gc, gb, ms = (g.centers[s.cells] for s in (g.gc_source, g.gb_source, g.msc_source))
    assert np.all(gc[:, 1] < 0) and np.allclose(gc[:, 0], 0.2 - 0.02)  # the cortex end faces the gap
    assert np.all(gb[:, 0] > 0.4) and np.allclose(gb[:, 1], 0.02)      # periosteum beyond x = 0.4
    assert np.all(ms[:, 1] > 0)                                         # soft tissue around the ellipse
    assert g.gap.sum() == 25 and np.all(y[g.gap] < 0)
