"""Rodas5P's persistent lanes (solve/rosenbrock.py, solve/lanes.py): a patient's numbers depend only on its inputs.

Pivonka 2008 (fast to compile) with per-patient parameters and a PTH switch at day 100; 8 lanes,
so queues of 24 patients refill lanes many times.
"""
from __future__ import annotations

import numpy as np
import pytest

from osteosim.bench.problem import build_problem
from osteosim.solve import lanes
from osteosim.solve.integrate import SolverOptions, solve_batch, solve_chunked

N = 20
OPTS = SolverOptions(solver="Rodas5P", rtol=1e-8, atol=1e-10)


@pytest.fixture(scope="module")
def cohort():
    prob = build_problem("Pivonka2008", N, years=1.0, seed=7)
    p, d = prob.take(slice(0, N))
    p = {k: np.broadcast_to(np.asarray(v, float), (N,)).copy() for k, v in p.items()}
    return prob, p, d, np.tile(prob.y0, (N, 1))


def _solve(cohort, order=None, opts=OPTS, **kw):
    prob, p, d, y0 = cohort
    order = np.arange(N) if order is None else order
    p = {k: v[order] for k, v in p.items()}
    d = {k: (np.asarray(v)[order] if np.ndim(v) else v) for k, v in d.items()}
    return solve_chunked(prob.model, p, y0[order], prob.ts, d, t0=prob.t0, options=opts, block=8, **kw)


@pytest.fixture(scope="module")
def reference(cohort):
    """One queue of 24 (20 patients) through 8 lanes."""
    sol = _solve(cohort, chunk_size=24)
    assert sol.ok.all()
    return sol


def test_split_params_shares_only_equal_values():
    p = {"a": np.array([1.0, 1.0, 2.0]), "b": np.array([3.0, 3.0, 3.0]), "c": np.array([np.nan] * 3)}
    assert lanes.shared_names(p, 3) == {"b", "c"}
    assert lanes.shared_names(p, 2) == {"a", "b", "c"}  # padding rows are not patients
    assert lanes.shared_names(p, 2, per_patient=("a",)) == {"b", "c"}  # a model's lane_parameters
    shared, per = lanes.split_params(p, frozenset({"b"}))
    assert shared == {"b": 3.0} and set(per) == {"a", "c"}


def test_chunking_does_not_change_any_bit(cohort, reference):
    """Queues of 8 (no refill: the per-block path) and of 24 (lanes refilled) give the same numbers."""
    blocks = _solve(cohort, chunk_size=8)
    assert np.array_equal(blocks.ys, reference.ys)
    assert np.array_equal(blocks.num_steps, reference.num_steps)
    assert reference.num_steps.min() > 50  # the patients really took many steps


def test_named_shared_parameters_make_a_lone_patient_bit_identical(cohort, reference):
    """A call holding one patient would share every parameter (all 'equal', a different compiled
    split); naming the shared set, as the trial tasks do, keeps the full queue's split and numbers."""
    prob, p, d, y0 = cohort
    varied = {k for k, v in p.items() if not np.all(v == v[0])}
    assert varied  # the cohort really varies some parameters per patient
    shared = frozenset(p) - varied
    assert lanes.shared_names({k: v[3:4] for k, v in p.items()}, 1) == set(p)  # the default split for one
    full = _solve(cohort, chunk_size=24, shared=shared)
    assert np.array_equal(full.ys, reference.ys)
    one = solve_chunked(prob.model, {k: v[3:4] for k, v in p.items()}, y0[3:4], prob.ts,
                        {k: (np.asarray(v)[3:4] if np.ndim(v) else v) for k, v in d.items()}, t0=prob.t0,
                        options=OPTS, block=8, chunk_size=24, shared=shared)
    assert np.array_equal(one.ys[0], reference.ys[3])


def test_queue_order_does_not_change_any_bit(cohort, reference):
    order = np.random.default_rng(3).permutation(N)
    sol = _solve(cohort, order=order, chunk_size=24)
    assert np.array_equal(sol.ys, reference.ys[order])
    assert np.array_equal(sol.ok, reference.ok[order])


def test_results_match_each_patient_solved_alone(cohort, reference):
    """No dependence on companions: one patient per call (all its parameters shared scalars)."""
    prob, p, d, y0 = cohort
    for i in (0, 13):
        one = solve_batch(prob.model, {k: v[i] for k, v in p.items()}, y0[i], prob.ts,
                          {k: (np.asarray(v)[i] if np.ndim(v) else v) for k, v in d.items()},
                          t0=prob.t0, options=OPTS)
        assert one.ok.all() and one.num_steps[0] == reference.num_steps[i]
        rel = np.abs(one.ys[0] - reference.ys[i]) / np.abs(reference.ys[i])
        assert rel.max() < 1e-12, rel.max()


def test_a_failing_patient_is_flagged_and_stalls_no_one(cohort, reference):
    """Patient 2 never accepts a step (NaN parameter): it fails at max_steps while the others
    flow through the remaining lanes; their numbers are unchanged and its rows stay finite."""
    prob, p, d, y0 = cohort
    bad = dict(p)
    bad["k_form"] = p["k_form"].copy()
    bad["k_form"][2] = np.nan
    opts = SolverOptions(solver="Rodas5P", rtol=1e-8, atol=1e-10, max_steps=int(reference.num_steps.max()) + 5)
    sol = _solve((prob, bad, d, y0), opts=opts, chunk_size=24)
    others = np.arange(N) != 2
    assert not sol.ok[2] and sol.num_steps[2] == opts.max_steps
    assert np.allclose(sol.ys[2], y0[2], rtol=1e-15, atol=0)  # never left its start: finite, y0
    assert sol.ok[others].all()
    assert np.array_equal(sol.ys[others], reference.ys[others])


def test_matches_the_per_block_path_with_every_parameter_per_patient(cohort, reference):
    """One lane per patient, every parameter a per-patient array (the solver before persistent
    lanes and shared scalars): the same steps and the same numbers to rounding."""
    from osteosim.solve import integrate

    prob, p, d, y0 = cohort
    opts = OPTS.resolved(prob.model)
    block = integrate._solve_batch(prob.model, p, y0, prob.ts, d, prob.t0, opts, pad_to=24, lanes=24,
                                   shared=frozenset())
    assert block.extra["lane_steps"] == 24 * block.num_steps.max()  # no refill: the slowest patient sets the pace
    assert np.array_equal(block.num_steps, reference.num_steps)
    rel = np.abs(block.ys - reference.ys) / np.abs(reference.ys)
    assert rel.max() < 1e-12, rel.max()
